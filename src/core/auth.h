/*
 * auth.h - accounts, passwords and sessions.
 *
 * An account has a role scoped to an org unit (and optionally a
 * department). Passwords are hashed with argon2id (libsodium
 * crypto_pwhash_str). A session is a random 256-bit token: the client
 * holds it in an HttpOnly, SameSite=Strict cookie, the database holds only
 * its hash, and it expires. Each session carries its own CSRF token, which
 * every state-changing request must echo (header X-CSRF-Token, or a form
 * field csrf). Repeated failed logins are throttled per name and per
 * client address (core/throttle.h), before anything is written.
 *
 * Names: NFKC-normalised (fullwidth ａｌｉｃｅ is alice), and refused when
 * they hold what makes one name look like another: invisible format
 * characters (zero-width, direction overrides), controls, spaces, letters
 * of two look-alike alphabets (Latin with Cyrillic, Greek, Armenian or
 * Cherokee), or when a new name reads like an existing one (case, I/l/1,
 * O/0, rn/m, vv/w).
 *
 * Every account change and every admitted login (ok or failed) is in the
 * audit log; a throttled attempt writes nothing at all.
 */
#ifndef SS_AUTH_H
#define SS_AUTH_H

#include <stdint.h>

#include "base/err.h"
#include "core/engine.h"
#include "store/store.h"

/* The roles (access.h says what each may do). */
enum ss_role {
    SS_ROLE_ADMIN = 0,
    SS_ROLE_REVIEWER = 1,
    SS_ROLE_REPORTER = 2,
    SS_ROLE_VIEWER = 3,
    SS_ROLE_SUPERVISOR = 4, /* 督查室: reads its subtree, runs supervision */
    SS_ROLE_DEPUTY = 5, /* 人大代表: votes in the congress of its own org unit (core/cycle.h) */
    SS_ROLE_MODERATOR = 6, /* publishes or hides the public's messages in its subtree */
};
#define SS_ROLE_COUNT 7

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
#define SS_LOGIN_MAX_FAILURES 5     /* failed logins for a name ... */
#define SS_LOGIN_MAX_FAILURES_IP 20 /* ... or from a client address ... */
#define SS_LOGIN_WINDOW (15 * 60)   /* ... within this many seconds throttle it this long */
#define SS_LOGIN_HASH_SLOTS 1       /* password checks at once (ss_auth_set_hash_slots) */
#define SS_PASSWORD_MIN 8
#define SS_PASSWORD_MAX 128
#define SS_NAME_MAX 63                         /* bytes in a user name, after normalising */
#define SS_THROTTLED "throttled"               /* err->field: the name is throttled */
#define SS_THROTTLED_CLIENT "throttled_client" /* err->field: the client address is */
#define SS_LOGIN_BUSY "busy"                   /* err->field: every password-check slot is taken */

/* Hash cost: argon2id at libsodium's INTERACTIVE limits (64 MiB, 2 passes).
 * With SHISHI_PWHASH_FAST=1 in the environment, new hashes use the MIN
 * limits instead, so sanitizer tests stay quick; never set it in
 * production. Verification always uses the cost stored in the hash. */

const char *ss_role_str(enum ss_role r); /* "admin", "reviewer", "reporter", "viewer",
                                            "supervisor", "deputy", "moderator" */
int ss_role_parse(const char *s, enum ss_role *out);

/* The NFKC form of a user name into out, or SS_EINVAL with err (field
 * "NAME") naming the character that is refused and its position
 * ("character 3"), or the two alphabets a name mixes. */
int ss_auth_name_normalize(const char *name, char out[SS_NAME_MAX + 1], struct ss_err *err);

/* Create an account (name normalised as above; SS_ECONFLICT when it is
 * taken or reads like an existing name). The password must be 8..128
 * bytes. Inside the caller's transaction, begun with who creates it (the
 * CLI's "cli", or the admin: store.h). */
int ss_auth_user_add(struct ss_store *st, const char *name, const char *role, const char *org_code,
                     const char *dept, const char *password, int64_t *id, struct ss_err *err);

/* Account administration, by the CLI (actor "cli") or a signed-in admin,
 * inside the caller's transaction begun with that actor (ss_store_begin;
 * the caller checks ss_auth_may_manage). Each is audited. SS_ENOTFOUND
 * (field "NAME") when no account has the name.
 *   disable: the account can no longer sign in and all its sessions end;
 *   enable: it can again;
 *   reset-password: the new password (8..128 bytes) replaces the old, and
 *     all the account's sessions end;
 *   unlock: its failed sign-ins no longer count (the name's throttle; a
 *     throttled client address still waits). */
int ss_auth_user_set_disabled(struct ss_store *st, const char *name, int disabled,
                              struct ss_err *err);
int ss_auth_user_set_password(struct ss_store *st, const char *name, const char *password,
                              struct ss_err *err);
int ss_auth_user_unlock(struct ss_store *st, const char *name, struct ss_err *err);
/* 1 if admin may administer an account of org unit target_org (a code):
 * admin is an administrator, the account's unit is admin's own or inside
 * its subtree, and it is not admin's own account (target_id). */
int ss_auth_may_manage(const struct ss_engine *e, const struct ss_user *admin,
                       const char *target_org, int64_t target_id);

/* Check a password and open a session: token (for the cookie) and csrf
 * receive hex strings. SS_EFORBIDDEN for a wrong name or password (the
 * message does not say which; an unknown name costs the same argon2id
 * check as a known one, against a dummy hash), or
 *   - while the name is throttled: after SS_LOGIN_MAX_FAILURES failures
 *     within SS_LOGIN_WINDOW (since its last success or unlock), a name is
 *     refused until the oldest of them is SS_LOGIN_WINDOW old; err->field
 *     is SS_THROTTLED and the message says how long to wait;
 *   - the same with SS_THROTTLED_CLIENT after SS_LOGIN_MAX_FAILURES_IP
 *     failures from the client address ip (any names);
 *   - SS_LOGIN_BUSY when every password-check slot is taken (the checks
 *     cost 64 MiB and tens of milliseconds each; more at once would starve
 *     the server): answered at once, try again.
 * The count is checked and the attempt recorded in one write transaction
 * before the password is checked, so parallel attempts cannot pass on one
 * count. A throttled or busy attempt writes nothing; an admitted one is
 * recorded and audited as a "login" event, in a transaction of its own by
 * the name on success and by "anonymous" on failure (nothing of it stays
 * on the connection). ip may be NULL (no address throttle). */
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

/* How many password checks may run at once (at least 1): the server gives
 * about half its worker threads, so the others keep answering. */
void ss_auth_set_hash_slots(unsigned n);
/* Password checks running at this moment (for monitoring and tests). */
unsigned ss_auth_hashing(void);

/* Tests: make the clock read `now` (Unix seconds); 0 restores the real one. */
void ss_auth_set_clock(int64_t now);

/* Constant-time comparison of two tokens; 1 when equal and non-empty. */
int ss_auth_token_equal(const char *a, const char *b);

#endif
