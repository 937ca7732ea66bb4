/*
 * store_audit_key.c - the file holding the audit log's signing key (see
 * store_audit.h; the log's use of it is in store_audit.c).
 *
 * A file of text: comment lines (#) and one line of 64 hex digits, the
 * Ed25519 seed. It must be a regular file that no other user can read;
 * shishi creates it (mode 0600, written whole under a temporary name and
 * linked into place, so a reader never sees half a key) when it is absent
 * and the log records no key yet. A PostgreSQL database has no file to
 * keep it beside: there it must be named (--audit-key, SHISHI_AUDIT_KEY),
 * and every instance writing to the database reads the same key. When the log records a key, a
 * missing file or a file with another key stops every write: a lost key must never start a new
 * chain unnoticed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "store/store_audit.h"
#include "store/store_db.h"
#include "store/store_int.h"

_Static_assert(sizeof((struct store_audit_key *)0)->pk == crypto_sign_PUBLICKEYBYTES &&
                   sizeof((struct store_audit_key *)0)->sk == crypto_sign_SECRETKEYBYTES,
               "store_int.h sizes the key for Ed25519");

static char key_file_setting[STORE_KEY_PATH_MAX];

void ss_store_audit_key_file(const char *path)
{
    snprintf(key_file_setting, sizeof key_file_setting, "%s", path ? path : "");
}

int store_audit_key_path(const struct ss_store *st, char out[STORE_KEY_PATH_MAX],
                         struct ss_err *err)
{
    int n;

    if (key_file_setting[0])
        n = snprintf(out, STORE_KEY_PATH_MAX, "%s", key_file_setting);
    else if (store_backend(st) == STORE_PG)
        return ss_err_set(err, SS_EINVAL, "audit-key",
                          "a PostgreSQL database has no file to keep its audit key beside: name "
                          "the key file (--audit-key FILE or SHISHI_AUDIT_KEY)");
    else if (!st->path[0] || strcmp(st->path, ":memory:") == 0 ||
             strncmp(st->path, "file:", 5) == 0)
        return ss_err_set(err, SS_EINVAL, "audit-key",
                          "this database has no file to keep its audit key beside: name the key "
                          "file (--audit-key FILE or SHISHI_AUDIT_KEY)");
    else
        n = snprintf(out, STORE_KEY_PATH_MAX, "%s.key", st->path);
    if (n < 0 || n >= STORE_KEY_PATH_MAX)
        return ss_err_set(err, SS_EINVAL, "audit-key", "the audit key's path is too long");
    return SS_OK;
}

int store_audit_key_read(const char *path, struct store_audit_key *k, struct ss_err *err)
{
    char buf[1024], *line, *save = NULL;
    unsigned char seed[crypto_sign_SEEDBYTES];
    struct stat sb;
    size_t len = 0, n;
    ssize_t got = 0;
    int fd, rc = SS_OK, found = 0;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return errno == ENOENT
                   ? SS_ENOTFOUND
                   : ss_err_set(err, SS_EIO, "audit-key", "cannot read the audit key '%s': %s",
                                path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = ss_err_set(err, SS_EIO, "audit-key", "the audit key '%s' is not a file", path);
        goto out;
    }
    if (sb.st_mode & 077) {
        rc = ss_err_set(err, SS_EIO, "audit-key",
                        "the audit key '%s' can be read by other users (mode %04o): make it "
                        "readable by its owner alone (chmod 600)",
                        path, (unsigned)(sb.st_mode & 07777));
        goto out;
    }
    while (len < sizeof buf - 1 && (got = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)got;
    if (got < 0) {
        rc = ss_err_set(err, SS_EIO, "audit-key", "cannot read the audit key '%s': %s", path,
                        strerror(errno));
        goto out;
    }
    buf[len] = '\0';
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        if (!n || line[0] == '#')
            continue;
        found = n == 2 * sizeof seed &&
                sodium_hex2bin(seed, sizeof seed, line, n, NULL, &len, NULL) == 0 &&
                len == sizeof seed;
        break;
    }
    if (!found)
        rc = ss_err_set(err, SS_EIO, "audit-key",
                        "the audit key '%s' holds no key (a line of 64 hex digits)", path);
    else
        crypto_sign_seed_keypair(k->pk, k->sk, seed);
out:
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(seed, sizeof seed);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync the directory holding path, so a new name in it survives a power
 * failure too. */
static void sync_dir(const char *path)
{
    char dir[STORE_KEY_PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(fd);
        close(fd);
    }
}

int store_audit_key_create(const char *path, struct store_audit_key *k, struct ss_err *err)
{
    char tmp[STORE_KEY_PATH_MAX + 8], text[512], pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    char seedhex[2 * crypto_sign_SEEDBYTES + 1];
    unsigned char seed[crypto_sign_SEEDBYTES];
    int fd, rc = SS_OK, n;

    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    if ((fd = mkstemp(tmp)) < 0)
        return ss_err_set(err, SS_EIO, "audit-key", "cannot create the audit key '%s': %s", path,
                          strerror(errno));
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    sodium_bin2hex(pkhex, sizeof pkhex, k->pk, sizeof k->pk);
    sodium_bin2hex(seedhex, sizeof seedhex, seed, sizeof seed);
    n = snprintf(text, sizeof text,
                 "# shishi audit signing key (an Ed25519 seed). It signs the audit log of\n"
                 "# the database beside it. Keep it readable by the server alone, and keep a\n"
                 "# copy apart from the database: shishi writes nothing without it.\n"
                 "# public key %s\n%s\n",
                 pkhex, seedhex);
    if (fchmod(fd, 0600) != 0 || write_all(fd, text, (size_t)n) != 0 || fsync(fd) != 0)
        rc = ss_err_set(err, SS_EIO, "audit-key", "cannot write the audit key '%s': %s", path,
                        strerror(errno));
    close(fd);
    if (!rc && link(tmp, path) != 0)
        rc = errno == EEXIST
                 ? SS_ECONFLICT
                 : ss_err_set(err, SS_EIO, "audit-key", "cannot create the audit key '%s': %s",
                              path, strerror(errno));
    unlink(tmp);
    if (!rc)
        sync_dir(path);
    sodium_memzero(text, sizeof text);
    sodium_memzero(seedhex, sizeof seedhex);
    sodium_memzero(seed, sizeof seed);
    return rc;
}
