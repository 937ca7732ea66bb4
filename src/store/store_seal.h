/*
 * store_seal.h - sealing what must never be stored in the clear: a
 * robot's signing secret, a citizen's phone number or email address.
 *
 * A sealed value is "v1:" then base64 of a random nonce and the
 * crypto_secretbox (XSalsa20-Poly1305) of the text. Its key is BLAKE2b-256
 * keyed with the audit signing key's seed (store_audit_key.c) over a
 * context the caller names ("shishi channel secrets v1", "shishi contacts
 * v1"): one file kept outside the database, already required on both
 * backends, and a different key for every use, none of which signs
 * anything. Whoever reads the database but not the key file reads no
 * sealed value; whoever reads the key file can forge the log anyway.
 *
 * A digest is the keyed BLAKE2b-256 of a text under the context's key, in
 * hex: the same text gives the same digest, so duplicates and per-contact
 * throttles can be found without storing the text, and without the key
 * file nobody can test a guess against it.
 *
 * A MAC key (ss_store_seal_mac_key) is the context's key hashed once more
 * with "mac", as the digest's is with "digest": for a value the server
 * signs and later checks (a rating cookie, core/rating.c), never the key
 * of another primitive.
 *
 * Without the key file nothing can be sealed, opened or digested (SS_EIO
 * naming the file). Texts are at most SS_SEAL_MAX bytes (SS_EINVAL).
 */
#ifndef SS_STORE_SEAL_H
#define SS_STORE_SEAL_H

#include "base/err.h"
#include "store/store.h"

#define SS_SEAL_MAX 4096      /* bytes in a text that can be sealed */
#define SS_SEAL_DIGEST_HEX 65 /* a digest in hex, with its NUL */
#define SS_SEAL_MAC_KEY 32    /* bytes in a MAC key */

/* text sealed under context's key into *out (malloc'd; caller frees). */
int ss_store_seal(struct ss_store *st, const char *context, const char *text, char **out,
                  struct ss_err *err);

/* sealed opened into *out (malloc'd, NUL-terminated; caller frees). A value
 * sealed under another key or context, or damaged, is SS_EIO. */
int ss_store_unseal(struct ss_store *st, const char *context, const char *sealed, char **out,
                    struct ss_err *err);

/* The keyed digest of text under context's key, in hex. */
int ss_store_seal_digest(struct ss_store *st, const char *context, const char *text,
                         char out[SS_SEAL_DIGEST_HEX], struct ss_err *err);

/* The MAC key of context into key (wipe it after use: sodium_memzero). */
int ss_store_seal_mac_key(struct ss_store *st, const char *context,
                          unsigned char key[SS_SEAL_MAC_KEY], struct ss_err *err);

#endif
