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
 * A login runs in three steps: a read-only look at the throttle (a
 * throttled name or client costs nothing more and writes nothing), a
 * password-check slot (at most ss_auth_set_hash_slots checks at once;
 * none free is an immediate "busy"), then the throttle's admit (one write
 * transaction: parallel attempts queue on it, so each sees the ones
 * before), the argon2id check outside any transaction (the slow part),
 * and the outcome (the throttle told of a success, the session, the
 * history row, the audit event) in a second transaction. The throttle is
 * core/throttle.h's, two keys: the name (rule login.name) and the client
 * address (login.ip). An attempt counts as failed from the moment it is
 * admitted, so a crash in between errs on the safe side.
 *
 * Names are checked one input character at a time (its compatibility
 * decomposition), so an error points at what the person typed; the name
 * stored is the NFKC form of the whole.
 */
#include "core/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/json.h"
#include "base/util.h"
#include "core/throttle.h"
#include "store/store_account.h"
#include "store/store_audit.h"

static const char *const ROLES[] = {"admin",      "reviewer", "reporter", "viewer",
                                    "supervisor", "deputy",   "moderator"};
_Static_assert(SS_ARRAY_LEN(ROLES) == SS_ROLE_COUNT, "a name for every role");

static _Atomic int64_t fixed_clock;
static _Atomic int hashing;                          /* password checks running */
static _Atomic int hash_slots = SS_LOGIN_HASH_SLOTS; /* ... allowed at once */
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

/* ---- names ------------------------------------------------------------------ */

static const struct {
    int32_t cp;
    const char *name;
} NAMED[] = {
    {0x00AD, "SOFT HYPHEN"},
    {0x034F, "COMBINING GRAPHEME JOINER"},
    {0x061C, "ARABIC LETTER MARK"},
    {0x115F, "HANGUL CHOSEONG FILLER"},
    {0x1160, "HANGUL JUNGSEONG FILLER"},
    {0x180E, "MONGOLIAN VOWEL SEPARATOR"},
    {0x200B, "ZERO WIDTH SPACE"},
    {0x200C, "ZERO WIDTH NON-JOINER"},
    {0x200D, "ZERO WIDTH JOINER"},
    {0x200E, "LEFT-TO-RIGHT MARK"},
    {0x200F, "RIGHT-TO-LEFT MARK"},
    {0x202A, "LEFT-TO-RIGHT EMBEDDING"},
    {0x202B, "RIGHT-TO-LEFT EMBEDDING"},
    {0x202C, "POP DIRECTIONAL FORMATTING"},
    {0x202D, "LEFT-TO-RIGHT OVERRIDE"},
    {0x202E, "RIGHT-TO-LEFT OVERRIDE"},
    {0x2060, "WORD JOINER"},
    {0x2066, "LEFT-TO-RIGHT ISOLATE"},
    {0x2067, "RIGHT-TO-LEFT ISOLATE"},
    {0x2068, "FIRST STRONG ISOLATE"},
    {0x2069, "POP DIRECTIONAL ISOLATE"},
    {0x2800, "BRAILLE PATTERN BLANK"},
    {0x3000, "IDEOGRAPHIC SPACE"},
    {0x3164, "HANGUL FILLER"},
    {0xFEFF, "ZERO WIDTH NO-BREAK SPACE"},
    {0xFFA0, "HALFWIDTH HANGUL FILLER"},
};

/* "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+0430" for the unnamed */
static void cp_text(int32_t cp, char *out, size_t cap)
{
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(NAMED); i++)
        if (NAMED[i].cp == cp) {
            snprintf(out, cap, "U+%04X %s", (unsigned)cp, NAMED[i].name);
            return;
        }
    if (cp >= 0x21 && cp < 0x7f)
        snprintf(out, cap, "'%c'", (char)cp);
    else
        snprintf(out, cap, "U+%04X", (unsigned)cp);
}

/* Letters that render blank although Unicode calls them letters or symbols. */
static int blank_letter(int32_t cp)
{
    return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800 ||
           cp == 0x034F || cp == 0x180E;
}

/* Why cp may not be in a name (after compatibility mapping), or NULL. */
static const char *refused_char(int32_t cp)
{
    if (cp < 0x80) {
        if (cp <= ' ' || cp == 0x7f)
            return "spaces and control characters are not allowed";
        if (strchr("\"'\\<>&", (int)cp))
            return "quotes, backslashes and <>& are not allowed";
        return NULL;
    }
    if (blank_letter(cp))
        return "it shows as nothing, so two names would look the same";
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CF:
        return "invisible format characters (zero-width, direction marks and overrides) make "
               "one name look like another";
    case UTF8PROC_CATEGORY_CC:
        return "control characters are not allowed";
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return "spaces are not allowed";
    case UTF8PROC_CATEGORY_CO:
        return "private-use characters look different on every device";
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CN:
        return "it is not an assigned character";
    default:
        return NULL;
    }
}

enum { SC_NONE, SC_LATIN, SC_GREEK, SC_CYRILLIC, SC_ARMENIAN, SC_CHEROKEE };
static const char *const SCRIPT[] = {"", "Latin", "Greek", "Cyrillic", "Armenian", "Cherokee"};

/* The alphabet of a letter among those whose letters look alike. */
static int script_of(int32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
        (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF))
        return SC_LATIN;
    if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x1F00 && cp <= 0x1FFF))
        return SC_GREEK;
    if ((cp >= 0x400 && cp <= 0x52F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
        (cp >= 0x2DE0 && cp <= 0x2DFF) || (cp >= 0xA640 && cp <= 0xA69F))
        return SC_CYRILLIC;
    if (cp >= 0x530 && cp <= 0x58F)
        return SC_ARMENIAN;
    if ((cp >= 0x13A0 && cp <= 0x13FF) || (cp >= 0xAB70 && cp <= 0xABBF))
        return SC_CHEROKEE;
    return SC_NONE;
}

int ss_auth_name_normalize(const char *name, char out[SS_NAME_MAX + 1], struct ss_err *err)
{
    size_t n = name ? strlen(name) : 0, i = 0;
    int pos = 0, first_sc = SC_NONE, first_pos = 0;
    int32_t first_cp = 0;
    utf8proc_uint8_t *nf;
    char what[64], other[64];

    out[0] = '\0';
    if (n == 0)
        return ss_err_set(err, SS_EINVAL, "NAME", "a user name cannot be empty");
    if (n > 4 * SS_NAME_MAX)
        return ss_err_set(err, SS_EINVAL, "NAME", "a user name is at most %d bytes", SS_NAME_MAX);
    while (i < n) {
        utf8proc_int32_t cp, d[32];
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)name + i, (utf8proc_ssize_t)(n - i), &cp);
        utf8proc_ssize_t nd, j;
        int bound = 0;

        if (k <= 0)
            return ss_err_set(err, SS_EINVAL, "NAME", "the name is not UTF-8 at byte %zu", i + 1);
        pos++;
        nd = utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &bound);
        if (nd < 1 || nd > 32)
            return ss_err_set(err, SS_EINVAL, "NAME", "character %d cannot be read", pos);
        for (j = 0; j < nd; j++) {
            const char *why = refused_char(d[j]);
            int sc = script_of(d[j]);

            if (why) {
                cp_text(cp, what, sizeof what);
                if (d[j] != cp) {
                    cp_text(d[j], other, sizeof other);
                    return ss_err_set(err, SS_EINVAL, "NAME",
                                      "%s at character %d (it reads as %s) is not allowed in a "
                                      "user name: %s",
                                      what, pos, other, why);
                }
                return ss_err_set(err, SS_EINVAL, "NAME",
                                  "%s at character %d is not allowed in a user name: %s", what, pos,
                                  why);
            }
            if (sc != SC_NONE && first_sc == SC_NONE) {
                first_sc = sc;
                first_pos = pos;
                first_cp = cp;
            } else if (sc != SC_NONE && sc != first_sc) {
                cp_text(cp, what, sizeof what);
                cp_text(first_cp, other, sizeof other);
                return ss_err_set(err, SS_EINVAL, "NAME",
                                  "%s at character %d is a %s letter, but %s at character %d is "
                                  "%s: letters of two alphabets that look alike are not allowed "
                                  "in one name",
                                  what, pos, SCRIPT[sc], other, first_pos, SCRIPT[first_sc]);
            }
        }
        i += (size_t)k;
    }
    nf = utf8proc_NFKC((const utf8proc_uint8_t *)name);
    if (!nf)
        return ss_err_set(err, SS_EINVAL, "NAME", "the name cannot be normalised");
    /* a mark left on an ASCII letter once composed (é is one letter; a
     * strike-through or an overlay has no composed form) makes a near
     * copy of an ASCII name */
    {
        const utf8proc_uint8_t *p = nf;
        int32_t prev = 0;
        utf8proc_int32_t cp;
        utf8proc_ssize_t k;

        for (pos = 1; *p && (k = utf8proc_iterate(p, -1, &cp)) > 0; p += k, pos++) {
            utf8proc_category_t c = utf8proc_category(cp);
            if ((c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME) && prev > 0 &&
                prev < 0x80) {
                cp_text(cp, what, sizeof what);
                cp_text(prev, other, sizeof other);
                free(nf);
                return ss_err_set(err, SS_EINVAL, "NAME",
                                  "%s on %s (character %d of the normalised name) is not "
                                  "allowed in a user name: a combining mark on a Latin letter "
                                  "makes a look-alike",
                                  what, other, pos);
            }
            prev = cp;
        }
    }
    if (strlen((const char *)nf) > SS_NAME_MAX) {
        free(nf);
        return ss_err_set(err, SS_EINVAL, "NAME", "a user name is at most %d bytes", SS_NAME_MAX);
    }
    snprintf(out, SS_NAME_MAX + 1, "%s", (const char *)nf);
    free(nf);
    return SS_OK;
}

/* How a name reads: ASCII case folded, and the letters people mistake for
 * each other in most fonts made one (I l 1 |, O 0, rn m, vv w). */
static void skeleton(const char *name, char *out, size_t cap)
{
    size_t o = 0;
    const char *p;

    for (p = name; *p && o + 1 < cap; p++) {
        char c = *p;
        if (c == 'I' || c == '1' || c == '|')
            c = 'l';
        else if (c == 'O' || c == '0')
            c = 'o';
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (o && ((c == 'n' && out[o - 1] == 'r') || (c == 'v' && out[o - 1] == 'v'))) {
            out[o - 1] = c == 'n' ? 'm' : 'w';
            continue;
        }
        out[o++] = c;
    }
    out[o] = '\0';
}

struct alike {
    char name[SS_NAME_MAX + 1];
    char skel[2 * SS_NAME_MAX + 2];
    char found[64];
};

static int alike_one(void *ctx, const struct ss_account_rec *a)
{
    struct alike *l = ctx;
    char skel[sizeof l->skel];

    skeleton(a->name, skel, sizeof skel);
    if (strcmp(skel, l->skel) == 0 && strcmp(a->name, l->name) != 0) {
        snprintf(l->found, sizeof l->found, "%s", a->name);
        return 1;
    }
    return 0;
}

int ss_auth_user_add(struct ss_store *st, const char *name_in, const char *role,
                     const char *org_code, const char *dept, const char *password, int64_t *id,
                     struct ss_err *err)
{
    enum ss_role r;
    char hash[128];
    size_t plen = password ? strlen(password) : 0;
    struct alike l;
    int rc;

    memset(&l, 0, sizeof l);
    if ((rc = ss_auth_name_normalize(name_in, l.name, err)))
        return rc;
    if (ss_role_parse(role, &r))
        return ss_err_set(
            err, SS_EINVAL, "--role",
            "the role must be admin, reviewer, reporter, viewer, supervisor, deputy or moderator");
    if (!org_code || !*org_code)
        return ss_err_set(err, SS_EINVAL, "--org", "an account needs an org unit code");
    if (dept && strlen(dept) >= 128) /* struct ss_user's dept */
        return ss_err_set(err, SS_EINVAL, "--dept", "the department name is too long");
    if (plen < SS_PASSWORD_MIN || plen > SS_PASSWORD_MAX)
        return ss_err_set(err, SS_EINVAL, "password", "a password is %d to %d bytes long",
                          SS_PASSWORD_MIN, SS_PASSWORD_MAX);
    skeleton(l.name, l.skel, sizeof l.skel);
    rc = ss_store_account_each(st, alike_one, &l);
    if (rc == 1)
        return ss_err_set(err, SS_ECONFLICT, "NAME",
                          "'%s' reads like the existing account '%s' (letter case, I l 1, O 0, "
                          "rn m read alike): choose a name that looks different",
                          l.name, l.found);
    if (rc)
        return ss_err_set(err, SS_EDB, "", "cannot read the accounts");
    if ((rc = ss_auth_hash_password(password, hash, err)))
        return rc;
    rc = ss_store_account_add(st, l.name, ss_role_str(r), org_code, dept, hash, id, err);
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

void ss_auth_set_hash_slots(unsigned n)
{
    hash_slots = n < 1 ? 1 : (int)n;
}

unsigned ss_auth_hashing(void)
{
    int n = atomic_load(&hashing);

    return n > 0 ? (unsigned)n : 0;
}

static int take_slot(void)
{
    if (atomic_fetch_add(&hashing, 1) < hash_slots)
        return 1;
    atomic_fetch_sub(&hashing, 1);
    return 0;
}

static void give_slot(void)
{
    atomic_fetch_sub(&hashing, 1);
}

/* The login throttle: failures per name and per client address. */
static const struct ss_throttle_rule LOGIN_NAME = {.scope = "login.name",
                                                   .max = SS_LOGIN_MAX_FAILURES,
                                                   .window = SS_LOGIN_WINDOW,
                                                   .what = SS_M("failed sign-ins for this name")};
static const struct ss_throttle_rule LOGIN_IP = {.scope = "login.ip",
                                                 .max = SS_LOGIN_MAX_FAILURES_IP,
                                                 .window = SS_LOGIN_WINDOW,
                                                 .what = SS_M("failed sign-ins from this address")};

/* A throttled login, as auth.h promises it: SS_EFORBIDDEN, and in
 * err->field which of the two keys is over (the throttle's sentence). */
static int throttled(const struct ss_throttle_verdict *v, struct ss_err *err)
{
    if (err) {
        err->code = SS_EFORBIDDEN;
        snprintf(err->field, sizeof err->field, "%s",
                 v->refused == 1 ? SS_THROTTLED : SS_THROTTLED_CLIENT);
    }
    return SS_EFORBIDDEN;
}

/* The outcome of an admitted attempt, in one transaction: on success the
 * name's failures stop counting, the attempt stops counting for the
 * address, and the session opens; the attempt joins the history of
 * sign-ins (login_attempt) and the audit log either way. */
static int finish(struct ss_store *st, const char *name, const char *ip, int ok, int64_t now,
                  const struct ss_throttle_verdict *v, const struct ss_account_rec *a,
                  const char *thash, const char *csrf, struct ss_err *err)
{
    int rc;

    /* the sign-in is by the name when it succeeds, by nobody known when not */
    if ((rc = ss_store_begin(st, ok ? name : "anonymous", err)))
        return ss_err_set(err, SS_EDB, "", "the database is busy; try again");
    if (ok &&
        ((rc = ss_throttle_clear(st, &LOGIN_NAME, name, err)) ||
         (ip && (rc = ss_throttle_forget(st, v->hits[1], err))) ||
         (rc = ss_store_session_add(st, thash, a->id, csrf, now + SS_SESSION_SECONDS, now, err))))
        goto fail;
    if ((rc = ss_store_login_record(st, name, ip, ok, now, err)) ||
        (rc = audit(st, "login", name, ip, ok ? "ok" : "failed", err)))
        goto fail;
    if ((rc = ss_store_commit(st, err)))
        return ss_err_set(err, SS_EDB, "", "the login could not be saved");
    return SS_OK;
fail:
    ss_store_rollback(st);
    return rc;
}

int ss_auth_login(struct ss_store *st, const char *name_in, const char *password, const char *ip,
                  char token[SS_TOKEN_HEX], char csrf[SS_TOKEN_HEX], struct ss_user *u,
                  struct ss_err *err)
{
    struct ss_account_rec a;
    struct ss_throttle_key keys[2];
    struct ss_throttle_verdict v;
    char thash[SS_TOKEN_HEX], name[SS_NAME_MAX + 1];
    int64_t now = now_s();
    int rc, found, ok;
    size_t nkeys;

    token[0] = csrf[0] = '\0';
    thash[0] = '\0';
    if ((rc = ready(err)))
        return rc;
    if (ss_auth_name_normalize(name_in, name, NULL) || !password ||
        strlen(password) > SS_PASSWORD_MAX)
        return ss_err_set(err, SS_EFORBIDDEN, "user", "wrong user name or password");
    keys[0] = (struct ss_throttle_key){&LOGIN_NAME, name};
    keys[1] = (struct ss_throttle_key){&LOGIN_IP, ip};
    nkeys = ip ? 2 : 1;
    /* a throttled name or client costs neither a slot nor a write */
    rc = ss_throttle_check(st, keys, nkeys, now, &v, err);
    if (rc == SS_ETHROTTLED)
        return throttled(&v, err);
    if (rc)
        return ss_err_set(err, SS_EDB, "", "cannot read the login history");
    if (!take_slot())
        return ss_err_set(err, SS_EFORBIDDEN, SS_LOGIN_BUSY,
                          "the server is busy checking other sign-ins: try again in a moment");
    /* the count again, and the attempt recorded, in one write transaction:
     * it counts as failed from now until it succeeds */
    rc = ss_throttle_admit(st, keys, nkeys, now, &v, err);
    if (rc) {
        give_slot();
        if (rc == SS_ETHROTTLED)
            return throttled(&v, err);
        return ss_err_set(err, SS_EDB, "", "the login could not be recorded; try again");
    }
    rc = ss_store_account_get(st, name, &a);
    found = rc == SS_OK;
    /* an unknown name does the same work as a known one */
    ok =
        crypto_pwhash_str_verify(found ? a.pw_hash : dummy_hash, password, strlen(password)) == 0 &&
        found && !a.disabled;
    give_slot();
    if (rc && rc != SS_ENOTFOUND)
        return ss_err_set(err, SS_EDB, "", "cannot read the account");
    if (ok) {
        random_hex(token);
        random_hex(csrf);
        token_hash(token, thash);
    }
    rc = finish(st, name, ip, ok, now, &v, found ? &a : NULL, thash, csrf, err);
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

/* ---- administration ------------------------------------------------------------ */

/* The account called name (as given, else its normalised form). */
static int find_account(struct ss_store *st, const char *name, struct ss_account_rec *a,
                        struct ss_err *err)
{
    char norm[SS_NAME_MAX + 1];
    int rc = name ? ss_store_account_get(st, name, a) : SS_ENOTFOUND;

    if (rc == SS_ENOTFOUND && name && ss_auth_name_normalize(name, norm, NULL) == 0 &&
        strcmp(norm, name) != 0)
        rc = ss_store_account_get(st, norm, a);
    if (rc == SS_ENOTFOUND)
        return ss_err_set(err, SS_ENOTFOUND, "NAME", "no account is called '%s'", name ? name : "");
    if (rc)
        return ss_err_set(err, SS_EDB, "", "cannot read the account");
    return SS_OK;
}

int ss_auth_user_set_disabled(struct ss_store *st, const char *name, int disabled,
                              struct ss_err *err)
{
    struct ss_account_rec a;
    int rc;

    if ((rc = find_account(st, name, &a, err)))
        return rc;
    sodium_memzero(a.pw_hash, sizeof a.pw_hash);
    return ss_store_account_set_disabled(st, a.id, disabled ? 1 : 0, err);
}

int ss_auth_user_set_password(struct ss_store *st, const char *name, const char *password,
                              struct ss_err *err)
{
    struct ss_account_rec a;
    char hash[128];
    size_t plen = password ? strlen(password) : 0;
    int rc;

    if ((rc = find_account(st, name, &a, err)))
        return rc;
    sodium_memzero(a.pw_hash, sizeof a.pw_hash);
    if (plen < SS_PASSWORD_MIN || plen > SS_PASSWORD_MAX)
        return ss_err_set(err, SS_EINVAL, "password", "a password is %d to %d bytes long",
                          SS_PASSWORD_MIN, SS_PASSWORD_MAX);
    if ((rc = ss_auth_hash_password(password, hash, err)))
        return rc;
    rc = ss_store_account_set_password(st, a.id, hash, err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int ss_auth_user_unlock(struct ss_store *st, const char *name, struct ss_err *err)
{
    struct ss_account_rec a;
    int rc;

    if ((rc = find_account(st, name, &a, err)))
        return rc;
    sodium_memzero(a.pw_hash, sizeof a.pw_hash);
    if ((rc = ss_store_begin(st, NULL, err))) /* the caller's: its actor unlocks */
        return rc;
    if ((rc = ss_throttle_clear(st, &LOGIN_NAME, a.name, err)) ||
        (rc = ss_store_login_unlock(st, a.name, now_s(), err)) ||
        (rc = audit(st, "unlock", a.name, NULL, NULL, err))) {
        ss_store_rollback(st);
        return rc;
    }
    if ((rc = ss_store_commit(st, err)))
        return ss_err_set(err, SS_EDB, "", "the unlock could not be saved");
    return SS_OK;
}

int ss_auth_may_manage(const struct ss_engine *e, const struct ss_user *admin,
                       const char *target_org, int64_t target_id)
{
    long own, org;

    if (admin->role != SS_ROLE_ADMIN || admin->id == target_id)
        return 0;
    own = ss_engine_org_find(e, admin->org);
    org = ss_engine_org_find(e, target_org);
    return own >= 0 && org >= 0 && ss_engine_org_within(e, org, own);
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
    if ((rc = ss_store_begin(st, a.name, NULL)))
        return rc;
    if ((rc = ss_store_session_delete(st, thash)) ||
        (rc = audit(st, "logout", a.name, NULL, NULL, NULL))) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, NULL);
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
