/*
 * workflow_web.h - the reporting workflow's handlers (workflow_api.c,
 * ledger_api.c, page_workflow.c, page_inbox.c) and the helpers they share.
 * Routes in routes.c.
 */
#ifndef SS_WORKFLOW_WEB_H
#define SS_WORKFLOW_WEB_H

#include "base/err.h"
#include "base/json.h"
#include "base/sheet.h"
#include "core/ledger.h"
#include "core/report.h"
#include "store/store_workflow.h"
#include "web/web.h"

/* JSON API */
void ss_api_report_post(struct ss_wreq *r);
void ss_api_report_approve(struct ss_wreq *r);
void ss_api_report_return(struct ss_wreq *r);
void ss_api_report_submit(struct ss_wreq *r);
void ss_api_reports_approve(struct ss_wreq *r);
void ss_api_report_evidence(struct ss_wreq *r);
void ss_api_inbox(struct ss_wreq *r);
void ss_api_assign_post(struct ss_wreq *r);
void ss_api_my_assignments(struct ss_wreq *r);
void ss_api_ledger_get(struct ss_wreq *r);
void ss_api_ledger_post(struct ss_wreq *r);

/* Console pages */
void ss_page_report(struct ss_wreq *r);
void ss_page_report_post(struct ss_wreq *r);
void ss_page_inbox(struct ss_wreq *r);
void ss_page_inbox_post(struct ss_wreq *r);
void ss_page_ledger_post(struct ss_wreq *r);
void ss_page_submit_post(struct ss_wreq *r);
/* The console's links for u's role: a reporter's to its assignments, a
 * reviewer's to its inbox, an admin's to both, a viewer's to neither. */
void ss_wf_console_links(struct ss_wreq *r, const struct ss_user *u);

/* Console helpers shared by page_workflow.c and page_inbox.c. */
/* The page's voice for core/'s messages: Chinese, or English with lang=en. */
enum ss_voice ss_wf_voice(const struct ss_wreq *r);
/* <input type="hidden"> with the value escaped. */
void ss_wf_hidden(struct ss_buf *b, const char *name, const char *value);
/* The session's CSRF token (ss_web_auth already checked the session). */
int ss_wf_session_csrf(struct ss_wreq *r, struct ss_user *u, char csrf[SS_TOKEN_HEX]);
/* "label: message" into out, the label naming the form field err is about. */
void ss_wf_labelled(struct ss_wreq *r, const struct ss_err *err, char *out, size_t cap);
/* A status line (role=status) and an error line (role=alert), escaped. */
void ss_wf_notice(struct ss_buf *b, const char *notice);
void ss_wf_alert(struct ss_buf *b, const char *msg);
/* A report's values as people read them: "12", "9 / 10 = 90%". */
void ss_wf_values(struct ss_buf *b, const struct ss_target *t, double v, double num, double den);
/* The versions of report id a reviewer returned, oldest first (nothing
 * when there are none). */
void ss_wf_history(struct ss_wreq *r, struct ss_buf *b, const struct ss_target *t, int64_t id);
/* The ids of the form's ticked "id" checkboxes, at most max. */
size_t ss_wf_ticked(struct ss_wreq *r, int64_t *ids, size_t max);
/* A count from the query, or -1. */
long ss_wf_count_arg(struct ss_wreq *r, const char *key);

/* "a,b" -> ["a","b"] */
void ss_wf_flags_json(struct ss_json *j, const char *flags);
void ss_wf_report_json(struct ss_json *j, const struct ss_wreq *r, const struct ss_wf_report *x);

/* Read an uploaded sheet (base/sheet.h), at most SS_MAX_SHEET_READS at
 * once in the process; when no reader frees up soon, SS_EBUSY with
 * *busy = 1 (answer 503) and nothing is read. */
int ss_wf_sheet_read(const char *data, size_t len, enum ss_sheet_enc enc, struct ss_sheet *sh,
                     int *busy, struct ss_err *err);
/* Content-Disposition: attachment with the UTF-8 name as an RFC 5987
 * filename* and the ASCII name as filename (RFC 6266). */
void ss_wf_disposition(struct ss_http_resp *resp, const char *utf8, const char *ascii);
/* A report's earlier, returned versions as a JSON array. */
void ss_wf_revisions_json(struct ss_json *j, struct ss_store *st, int64_t id);

/* Store an evidence file for report id (access as for writing the report;
 * type and size checked, kept by SHA-256 in the evidence directory,
 * ss_store_evidence_dir); errors in voice v. */
int ss_wf_evidence_save(struct ss_wreq *r, struct ss_store *st, const struct ss_user *u, int64_t id,
                        const struct ss_http_field *file, enum ss_voice v, struct ss_err *err);
/* Keep an evidence file (a photo or a PDF, 1 byte to SS_MAX_EVIDENCE) in
 * st's evidence directory by content: hex receives its SHA-256 (65
 * bytes), *mime its type. For reports' and notices' evidence alike. */
int ss_wf_evidence_keep(struct ss_store *st, const struct ss_http_field *file, char hex[65],
                        const char **mime, struct ss_err *err);

#endif
