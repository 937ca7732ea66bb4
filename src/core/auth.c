/*
 * auth.c - accounts, passwords, sessions and login throttling (see
 * auth.h).
 *
 * Secrets never reach the store: passwords only as argon2id strings,
 * session tokens only as the SHA-256 of their hex form. The CSRF token is
 * stored as is: it is not a credential on its own (it is useless without
 * the cookie) and it must be compared with what the client echoes.
 *
 * A login for an unknown name still verifies a password against a dummy
 * hash of the same cost, so the answer takes as long as for a known name
 * and its timing does not tell which names exist.
 *
 * The argon2id verification runs outside any transaction (it is the slow
 * part); only the writes that follow (attempt, session, audit event) form
 * one transaction.
 */
#include "core/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/json.h"
#include "base/util.h"
#include "store/store_account.h"
#include "store/store_audit.h"

static const char *const ROLES[] = {"admin", "reviewer", "reporter", "viewer"};

static _Atomic int64_t fixed_clock;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];
static int init_ok;

const char *ss_role_str(enum ss_role r)
{
    return (unsigned)r < SS_ARRAY_LEN(ROLES) ? ROLES[r] : "viewer";
}

int ss_role_parse(const char *s, enum ss_role *out)
{
    size_t i;

    for (i = 0; s && i < SS_ARRAY_LEN(ROLES); i++)
        if (strcmp(s, ROLES[i]) == 0) {
            *out = (enum ss_role)i;
            return SS_OK;
        }
    return SS_EINVAL;
}

void ss_auth_set_clock(int64_t now)
{
    fixed_clock = now;
}

static int64_t now_s(void)
{
    int64_t t = fixed_clock;

    return t ? t : (int64_t)time(NULL);
}

static void fast_limits(unsigned long long *ops, size_t *mem)
{
    const char *fast = getenv("SHISHI_PWHASH_FAST");

    if (fast && strcmp(fast, "1") == 0) {
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
    } else {
        *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    }
}

static void init(void)
{
    unsigned long long ops;
    size_t mem;
    unsigned char junk[16];

    if (sodium_init() < 0)
        return;
    fast_limits(&ops, &mem);
    randombytes_buf(junk, sizeof junk);
    if (crypto_pwhash_str_alg(dummy_hash, (const char *)junk, sizeof junk, ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return;
    init_ok = 1;
}

static int ready(struct ss_err *err)
{
    pthread_once(&init_once, init);
    if (!init_ok)
        return ss_err_set(err, SS_EIO, "", "libsodium could not be initialised");
    return SS_OK;
}

int ss_auth_hash_password(const char *password, char out[128], struct ss_err *err)
{
    unsigned long long ops;
    size_t mem;
    char h[crypto_pwhash_STRBYTES];
    int rc;

    if ((rc = ready(err)))
        return rc;
    fast_limits(&ops, &mem);
    if (crypto_pwhash_str_alg(h, password, strlen(password), ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ss_err_set(err, SS_EIO, "", "out of memory hashing the password");
    snprintf(out, 128, "%s", h);
    return SS_OK;
}

/* 1 if name is acceptable for an account: 1..63 bytes of UTF-8 with no
 * space, control character or quote. */
static int name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0, i;

    if (n == 0 || n > 63 || !ss_utf8_valid(name, n))
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '\\' || c == '<' || c == '>' ||
            c == '&')
            return 0;
    }
    return 1;
}

int ss_auth_user_add(struct ss_store *st, const char *name, const char *role, const char *org_code,
                     const char *dept, const char *password, int64_t *id, struct ss_err *err)
{
    enum ss_role r;
    char hash[128];
    size_t plen = password ? strlen(password) : 0;
    int rc;

    if (!name_ok(name))
        return ss_err_set(err, SS_EINVAL, "NAME",
                          "a user name is 1 to 63 bytes, without spaces, quotes or <>&");
    if (ss_role_parse(role, &r))
        return ss_err_set(err, SS_EINVAL, "--role",
                          "the role must be admin, reviewer, reporter or viewer");
    if (!org_code || !*org_code)
        return ss_err_set(err, SS_EINVAL, "--org", "an account needs an org unit code");
    if (dept && strlen(dept) >= 128) /* struct ss_user's dept */
        return ss_err_set(err, SS_EINVAL, "--dept", "the department name is too long");
    if (plen < SS_PASSWORD_MIN || plen > SS_PASSWORD_MAX)
        return ss_err_set(err, SS_EINVAL, "password", "a password is %d to %d bytes long",
                          SS_PASSWORD_MIN, SS_PASSWORD_MAX);
    if ((rc = ss_auth_hash_password(password, hash, err)))
        return rc;
    rc = ss_store_account_add(st, name, ss_role_str(r), org_code, dept, hash, id, err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

static void user_from_rec(const struct ss_account_rec *a, struct ss_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = a->id;
    snprintf(u->name, sizeof u->name, "%s", a->name);
    if (ss_role_parse(a->role, &u->role))
        u->role = SS_ROLE_VIEWER;
    u->org_id = a->org_id;
    snprintf(u->org, sizeof u->org, "%s", a->org);
    snprintf(u->dept, sizeof u->dept, "%s", a->dept);
}

/* hex SHA-256 of the token's hex string */
static void token_hash(const char *token, char out[SS_TOKEN_HEX])
{
    unsigned char d[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, SS_TOKEN_HEX, d, sizeof d);
}

static void random_hex(char out[SS_TOKEN_HEX])
{
    unsigned char b[32];

    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, SS_TOKEN_HEX, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

void ss_auth_random_token(char out[SS_TOKEN_HEX])
{
    if (ready(NULL)) {
        fprintf(stderr, "shishi: libsodium could not be initialised\n");
        abort();
    }
    random_hex(out);
}

/* 1 if token looks like one of ours: 64 lowercase hex digits. */
static int token_shape(const char *t)
{
    size_t i;

    if (!t)
        return 0;
    for (i = 0; i < 64; i++)
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
            return 0;
    return t[64] == '\0';
}

/* Append an audit event {"user","ip","result"}. */
static int audit(struct ss_store *st, const char *action, const char *name, const char *ip,
                 const char *result, struct ss_err *err)
{
    struct ss_buf b;
    struct ss_json j;
    int rc;

    ss_buf_init(&b, 4096);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_kstr(&j, "user", name);
    if (ip)
        ss_json_kstr(&j, "ip", ip);
    if (result)
        ss_json_kstr(&j, "result", result);
    ss_json_obj_end(&j);
    rc = b.err ? ss_err_set(err, SS_EINVAL, "", "audit detail too long")
               : ss_store_audit_event(st, action, b.data, err);
    ss_buf_cleanup(&b);
    return rc;
}

/* Record an attempt and its audit event, plus the session when ok, in one
 * transaction. */
static int record(struct ss_store *st, const char *name, const char *ip, int result, int64_t now,
                  const struct ss_account_rec *a, const char *thash, const char *csrf,
                  struct ss_err *err)
{
    static const char *const words[] = {"throttled", "failed", "ok"};
    int rc;

    ss_store_set_actor(st, result == 1 ? name : "anonymous");
    if ((rc = ss_store_begin(st)))
        return ss_err_set(err, SS_EDB, "", "the database is busy; try again");
    if ((rc = ss_store_login_attempt(st, name, ip, result, now, err)))
        goto fail;
    if (result == 1 &&
        (rc = ss_store_session_add(st, thash, a->id, csrf, now + SS_SESSION_SECONDS, now, err)))
        goto fail;
    if ((rc = audit(st, "login", name, ip, words[result + 1], err)))
        goto fail;
    if ((rc = ss_store_commit(st)))
        return ss_err_set(err, SS_EDB, "", "the login could not be saved");
    return SS_OK;
fail:
    ss_store_rollback(st);
    return rc;
}

int ss_auth_login(struct ss_store *st, const char *name, const char *password, const char *ip,
                  char token[SS_TOKEN_HEX], char csrf[SS_TOKEN_HEX], struct ss_user *u,
                  struct ss_err *err)
{
    struct ss_account_rec a;
    char thash[SS_TOKEN_HEX];
    int64_t now = now_s(), oldest;
    int rc, count, found, ok;

    token[0] = csrf[0] = '\0';
    if ((rc = ready(err)))
        return rc;
    if (!name_ok(name) || !password || strlen(password) > SS_PASSWORD_MAX)
        return ss_err_set(err, SS_EFORBIDDEN, "user", "wrong user name or password");
    if ((rc = ss_store_login_failures(st, name, now - SS_LOGIN_WINDOW, SS_LOGIN_MAX_FAILURES,
                                      &count, &oldest)))
        return ss_err_set(err, SS_EDB, "", "cannot read the login history");
    if (count >= SS_LOGIN_MAX_FAILURES) {
        int64_t wait = oldest + SS_LOGIN_WINDOW - now;
        long minutes = (long)((wait + 59) / 60);

        if ((rc = record(st, name, ip, -1, now, NULL, NULL, NULL, err)))
            return rc;
        return ss_err_set(err, SS_EFORBIDDEN, SS_THROTTLED,
                          "too many failed sign-ins for this name: wait %ld minute%s and try "
                          "again",
                          minutes < 1 ? 1 : minutes, minutes > 1 ? "s" : "");
    }
    rc = ss_store_account_get(st, name, &a);
    if (rc && rc != SS_ENOTFOUND)
        return ss_err_set(err, SS_EDB, "", "cannot read the account");
    found = rc == SS_OK;
    ok =
        crypto_pwhash_str_verify(found ? a.pw_hash : dummy_hash, password, strlen(password)) == 0 &&
        found && !a.disabled;
    if (ok) {
        random_hex(token);
        random_hex(csrf);
        token_hash(token, thash);
    }
    rc = record(st, name, ip, ok ? 1 : 0, now, found ? &a : NULL, thash, csrf, err);
    if (found)
        sodium_memzero(a.pw_hash, sizeof a.pw_hash);
    if (rc) {
        token[0] = csrf[0] = '\0';
        return rc;
    }
    if (!ok)
        return ss_err_set(err, SS_EFORBIDDEN, "user", "wrong user name or password");
    user_from_rec(&a, u);
    return SS_OK;
}

int ss_auth_session(struct ss_store *st, const char *token, struct ss_user *u,
                    char csrf[SS_TOKEN_HEX])
{
    struct ss_account_rec a;
    char thash[SS_TOKEN_HEX];
    int rc;

    if (csrf)
        csrf[0] = '\0';
    if (!token_shape(token) || ready(NULL))
        return SS_ENOTFOUND;
    token_hash(token, thash);
    if ((rc = ss_store_session_get(st, thash, now_s(), &a, csrf)))
        return rc;
    user_from_rec(&a, u);
    return SS_OK;
}

int ss_auth_logout(struct ss_store *st, const char *token)
{
    struct ss_account_rec a;
    char thash[SS_TOKEN_HEX];
    int rc;

    if (!token_shape(token) || ready(NULL))
        return SS_ENOTFOUND;
    token_hash(token, thash);
    if ((rc = ss_store_session_get(st, thash, now_s(), &a, NULL)))
        return rc;
    ss_store_set_actor(st, a.name);
    if ((rc = ss_store_begin(st)))
        return rc;
    if ((rc = ss_store_session_delete(st, thash)) ||
        (rc = audit(st, "logout", a.name, NULL, NULL, NULL))) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st);
}

int ss_auth_token_equal(const char *a, const char *b)
{
    size_t n;

    if (!a || !b || !*a)
        return 0;
    n = strlen(a);
    if (strlen(b) != n)
        return 0;
    return sodium_memcmp(a, b, n) == 0;
}
