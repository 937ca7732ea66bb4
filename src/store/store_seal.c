/*
 * store_seal.c - sealed values and keyed digests (see store_seal.h).
 */
#include "store/store_seal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

#define SEALED_PREFIX "v1:"
#define PREFIX_LEN (sizeof SEALED_PREFIX - 1)
#define BOX_EXTRA (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)

/* context's key, derived from the audit key file's seed. */
static int context_key(struct ss_store *st, const char *context,
                       unsigned char key[crypto_secretbox_KEYBYTES], struct ss_err *err)
{
    char path[STORE_KEY_PATH_MAX];
    struct store_audit_key k;
    int rc;

    if (sodium_init() < 0)
        return ss_err_set(err, SS_EIO, "secret", "libsodium could not be initialised");
    if (st->key) {
        k = *st->key;
    } else {
        if ((rc = store_audit_key_path(st, path, err)))
            return rc;
        if ((rc = store_audit_key_read(path, &k, err)) == SS_ENOTFOUND)
            return ss_err_set(err, SS_EIO, "secret",
                              "secrets and contacts are sealed with the audit key '%s', which is "
                              "missing (--audit-key FILE or SHISHI_AUDIT_KEY)",
                              path);
        if (rc)
            return rc;
    }
    /* sk holds the seed, then the public key */
    crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)context,
                       strlen(context), k.sk, crypto_sign_SEEDBYTES);
    sodium_memzero(&k, sizeof k);
    return SS_OK;
}

int ss_store_seal(struct ss_store *st, const char *context, const char *text, char **out,
                  struct ss_err *err)
{
    unsigned char key[crypto_secretbox_KEYBYTES], *box;
    size_t n = strlen(text), b64;
    int rc;

    *out = NULL;
    if (n > SS_SEAL_MAX)
        return ss_err_set(err, SS_EINVAL, "secret", "a sealed text is at most %d bytes",
                          SS_SEAL_MAX);
    if ((rc = context_key(st, context, key, err)))
        return rc;
    box = ss_xmalloc(n + BOX_EXTRA);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)text, n, box,
                          key);
    sodium_memzero(key, sizeof key);
    n += BOX_EXTRA;
    b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    *out = ss_xmalloc(PREFIX_LEN + b64);
    memcpy(*out, SEALED_PREFIX, PREFIX_LEN);
    sodium_bin2base64(*out + PREFIX_LEN, b64, box, n, sodium_base64_VARIANT_ORIGINAL);
    free(box);
    return SS_OK;
}

int ss_store_unseal(struct ss_store *st, const char *context, const char *sealed, char **out,
                    struct ss_err *err)
{
    unsigned char key[crypto_secretbox_KEYBYTES], *box;
    size_t len = strlen(sealed), cap, n = 0;
    int rc;

    *out = NULL;
    cap = len / 4 * 3 + 3;
    if (strncmp(sealed, SEALED_PREFIX, PREFIX_LEN) != 0 || cap > SS_SEAL_MAX + BOX_EXTRA + 3)
        return ss_err_set(err, SS_EIO, "secret", "a sealed value cannot be read");
    box = ss_xmalloc(cap);
    if (sodium_base642bin(box, cap, sealed + PREFIX_LEN, len - PREFIX_LEN, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n < BOX_EXTRA) {
        free(box);
        return ss_err_set(err, SS_EIO, "secret", "a sealed value cannot be read");
    }
    if ((rc = context_key(st, context, key, err))) {
        free(box);
        return rc;
    }
    *out = ss_xmalloc(n - BOX_EXTRA + 1);
    rc = crypto_secretbox_open_easy((unsigned char *)*out, box + crypto_secretbox_NONCEBYTES,
                                    n - crypto_secretbox_NONCEBYTES, box, key);
    sodium_memzero(key, sizeof key);
    free(box);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        return ss_err_set(err, SS_EIO, "secret",
                          "a sealed value does not open with this audit key: it was sealed with "
                          "another");
    }
    (*out)[n - BOX_EXTRA] = '\0';
    return SS_OK;
}

/* context's key hashed with purpose, a key for one primitive alone */
static int purpose_key(struct ss_store *st, const char *context, const char *purpose,
                       unsigned char key[crypto_secretbox_KEYBYTES], struct ss_err *err)
{
    int rc;

    if ((rc = context_key(st, context, key, err)))
        return rc;
    crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)purpose,
                       strlen(purpose), key, crypto_secretbox_KEYBYTES);
    return SS_OK;
}

int ss_store_seal_mac_key(struct ss_store *st, const char *context,
                          unsigned char key[SS_SEAL_MAC_KEY], struct ss_err *err)
{
    _Static_assert(SS_SEAL_MAC_KEY == crypto_secretbox_KEYBYTES, "one key size");
    return purpose_key(st, context, "mac", key, err);
}

int ss_store_seal_digest(struct ss_store *st, const char *context, const char *text,
                         char out[SS_SEAL_DIGEST_HEX], struct ss_err *err)
{
    unsigned char key[crypto_secretbox_KEYBYTES], h[32];
    int rc;

    out[0] = '\0';
    /* a key of its own: never one key for two primitives */
    if ((rc = purpose_key(st, context, "digest", key, err)))
        return rc;
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), key, sizeof key);
    sodium_memzero(key, sizeof key);
    sodium_bin2hex(out, SS_SEAL_DIGEST_HEX, h, sizeof h);
    return SS_OK;
}
