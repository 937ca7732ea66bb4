/*
 * auth.h - accounts, passwords and sessions.
 *
 * An account has a role scoped to an org unit (and optionally a
 * department). Passwords are hashed with argon2id (libsodium
 * crypto_pwhash_str). A session is a random 256-bit token: the client
 * holds it in an HttpOnly, SameSite=Strict cookie, the database holds only
 * its hash, and it expires. Each session carries its own CSRF token, which
 * every state-changing request must echo (header X-CSRF-Token, or a form
 * field csrf). Repeated failed logins for a name are throttled.
 *
 * Every account change and every login (ok or failed) is in the audit log.
 */
#ifndef SS_AUTH_H
#define SS_AUTH_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

enum ss_role { SS_ROLE_ADMIN = 0, SS_ROLE_REVIEWER = 1, SS_ROLE_REPORTER = 2, SS_ROLE_VIEWER = 3 };

struct ss_user {
    int64_t id;
    char name[64];
    enum ss_role role;
    int64_t org_id;
    char org[16];   /* org unit code */
    char dept[128]; /* department name, "" when none */
};

#define SS_TOKEN_HEX 65 /* 64 hex digits and a NUL */
#define SS_SESSION_SECONDS (8 * 3600)
#define SS_LOGIN_MAX_FAILURES 5    /* failed logins for a name ... */
#define SS_LOGIN_WINDOW (15 * 60)  /* ... within this many seconds throttle it this long */
#define SS_PASSWORD_MIN 8
#define SS_PASSWORD_MAX 128
#define SS_THROTTLED "throttled" /* err->field of a refusal while throttled */

/* Hash cost: argon2id at libsodium's INTERACTIVE limits (64 MiB, 2 passes).
 * With SHISHI_PWHASH_FAST=1 in the environment, new hashes use the MIN
 * limits instead, so sanitizer tests stay quick; never set it in
 * production. Verification always uses the cost stored in the hash. */

const char *ss_role_str(enum ss_role r); /* "admin", "reviewer", "reporter", "viewer" */
int ss_role_parse(const char *s, enum ss_role *out);

/* Create an account. The password must be 8..128 bytes. */
int ss_auth_user_add(struct ss_store *st, const char *name, const char *role,
                     const char *org_code, const char *dept, const char *password, int64_t *id,
                     struct ss_err *err);

/* Check a password and open a session: token (for the cookie) and csrf
 * receive hex strings. SS_EFORBIDDEN for a wrong name or password (the
 * message does not say which) or while the name is throttled: after
 * SS_LOGIN_MAX_FAILURES failures within SS_LOGIN_WINDOW (since its last
 * success), a name is refused until the oldest of them is SS_LOGIN_WINDOW
 * old; then err->field is SS_THROTTLED and the message says how long to
 * wait. Every attempt (ok, failed, throttled) is recorded and audited as a
 * "login" event; the store's actor becomes the name on success. ip may be
 * NULL. */
int ss_auth_login(struct ss_store *st, const char *name, const char *password, const char *ip,
                  char token[SS_TOKEN_HEX], char csrf[SS_TOKEN_HEX], struct ss_user *u,
                  struct ss_err *err);

/* The account behind a session token; csrf (may be NULL) receives the
 * session's CSRF token. SS_ENOTFOUND if unknown or expired. */
int ss_auth_session(struct ss_store *st, const char *token, struct ss_user *u,
                    char csrf[SS_TOKEN_HEX]);

/* End the session (audited as a "logout" event). SS_ENOTFOUND if the
 * token names no session. */
int ss_auth_logout(struct ss_store *st, const char *token);

/* 64 random hex digits (a pre-session form token, for instance). */
void ss_auth_random_token(char out[SS_TOKEN_HEX]);

/* Hash a password (argon2id string into out). For tests and tools. */
int ss_auth_hash_password(const char *password, char out[128], struct ss_err *err);

/* Tests: make the clock read `now` (Unix seconds); 0 restores the real one. */
void ss_auth_set_clock(int64_t now);

/* Constant-time comparison of two tokens; 1 when equal and non-empty. */
int ss_auth_token_equal(const char *a, const char *b);

#endif
