/*
 * store_account.h - accounts, sessions and login attempts.
 *
 * The store keeps what core/auth.c decides: it never sees a password or a
 * session token, only the argon2id string and the token's SHA-256. Times
 * are Unix seconds from the caller (so tests can move the clock), stored
 * as UTC text 'YYYY-MM-DDTHH:MM:SSZ', which sorts like the time.
 *
 * Account and session rows are audited by the store's triggers: their
 * writes join the caller's transaction, begun with the acting user
 * (store.h). A session row is a sign-in, its deletion a sign-out or an
 * expiry. A session's audited image is its account and its
 * times, never its token hash or CSRF token, and only changes to those
 * columns are audited: a column updated per request must stay out of it
 * (store_audit.c's table list). Login attempts are not rows of the record;
 * logins are audited as events instead, and their rows are the store's
 * bookkeeping: the login attempt functions need no actor (they begin their
 * own transaction when none is open).
 */
#ifndef SS_STORE_ACCOUNT_H
#define SS_STORE_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

struct ss_account_rec {
    int64_t id;
    char name[64];
    char role[16];
    int64_t org_id;
    char org[16];
    char dept[128];
    char pw_hash[160]; /* crypto_pwhash_STRBYTES is 128 */
    int disabled;
    char created_at[24];
};

/* Insert an account; org_code must name an org unit, dept (NULL or "" for
 * none) an existing department. SS_ECONFLICT if the name is taken,
 * SS_ENOTFOUND for an unknown org unit or department. */
int ss_store_account_add(struct ss_store *st, const char *name, const char *role,
                         const char *org_code, const char *dept, const char *pw_hash, int64_t *id,
                         struct ss_err *err);
/* One account by name; SS_ENOTFOUND if none. */
int ss_store_account_get(struct ss_store *st, const char *name, struct ss_account_rec *out);
/* Every account by name; fn returning non-zero stops the walk and is returned. */
typedef int (*ss_account_fn)(void *ctx, const struct ss_account_rec *a);
int ss_store_account_each(struct ss_store *st, ss_account_fn fn, void *ctx);

/* The history of sign-ins. A row is one attempt: ok 0 failed, 1
 * succeeded, 2 an administrator cleared the name's failures (unlock);
 * older databases may hold -1 rows, refusals that are no longer written,
 * and rows of attempts admitted but never decided. The throttle does not
 * read it (core/throttle.h counts attempts of its own); it is what an
 * administrator sees. */

/* Failed attempts for name after `since` and after its last success or
 * unlock: *count, and *oldest the time of the earliest of the latest
 * `last` of them (0 if none). */
int ss_store_login_failures(struct ss_store *st, const char *name, int64_t since, int last,
                            int *count, int64_t *oldest);
/* The same for the client address ip (every name; successes do not clear
 * it). */
int ss_store_login_failures_ip(struct ss_store *st, const char *ip, int64_t since, int last,
                               int *count, int64_t *oldest);
/* An attempt's outcome: name from ip (may be NULL) at now, ok 1 or 0. */
int ss_store_login_record(struct ss_store *st, const char *name, const char *ip, int ok,
                          int64_t now, struct ss_err *err);
/* Clear name's failures (an unlock row, ok 2, at now). */
int ss_store_login_unlock(struct ss_store *st, const char *name, int64_t now, struct ss_err *err);

/* Account changes (audited by the account triggers, by the transaction's
 * actor).
 * SS_ENOTFOUND if no account has the id. Disabling an account and setting
 * its password end all its sessions, in the same transaction. */
int ss_store_account_set_disabled(struct ss_store *st, int64_t id, int disabled,
                                  struct ss_err *err);
int ss_store_account_set_password(struct ss_store *st, int64_t id, const char *pw_hash,
                                  struct ss_err *err);
/* An account's email address (migration STORE_SCHEMA_OUTBOX, audited):
 * set it, or clear it with NULL or ""; the caller checked it
 * (core/outbox.h). get: "" when it has none or the database is older. */
int ss_store_account_set_email(struct ss_store *st, int64_t id, const char *email,
                               struct ss_err *err);
void ss_store_account_email(struct ss_store *st, int64_t id, char *out, size_t cap);
/* End every session of the account; *n (may be NULL) receives how many. */
int ss_store_account_sessions_end(struct ss_store *st, int64_t id, int *n, struct ss_err *err);

/* Open a session: token_hash and csrf are hex; expired sessions are
 * purged on the way. */
int ss_store_session_add(struct ss_store *st, const char *token_hash, int64_t account_id,
                         const char *csrf, int64_t expires, int64_t now, struct ss_err *err);
/* The account of a live session (expires > now, account not disabled),
 * and its csrf (may be NULL; 65 bytes). SS_ENOTFOUND if none. */
int ss_store_session_get(struct ss_store *st, const char *token_hash, int64_t now,
                         struct ss_account_rec *out, char *csrf);
/* End a session; SS_ENOTFOUND if there was none. */
int ss_store_session_delete(struct ss_store *st, const char *token_hash);

#endif
