/*
 * util.h - allocation that never returns NULL, and small helpers shared by
 * every layer.
 *
 * shishi aborts with a message on out-of-memory (the Redis convention): a
 * supervision server that cannot allocate a few bytes has nothing sensible
 * left to do, and checking every malloc would bury the real error paths.
 */
#ifndef SS_UTIL_H
#define SS_UTIL_H

#include <stddef.h>

/* Error codes: 0 is success, failures are negative. */
enum {
    SS_OK = 0,
    SS_EINVAL = -1,     /* bad input: the caller's fault, message says why */
    SS_ENOTFOUND = -2,  /* a named thing does not exist */
    SS_ECONFLICT = -3,  /* the request contradicts stored state */
    SS_EIO = -4,        /* file or system error */
    SS_EDB = -5,        /* the store failed */
    SS_EFORBIDDEN = -6, /* outside the caller's scope */
    SS_EUNAUTH = -7,    /* who it is is not known: no session, or wrong credentials */
    SS_ETHROTTLED = -8, /* too many attempts from this client or for this name: wait */
    SS_EBUSY = -9       /* nothing wrong with the request, but no room for it now: retry */
};

#define SS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *ss_xmalloc(size_t n);
void *ss_xcalloc(size_t n, size_t size);
void *ss_xrealloc(void *p, size_t n);
char *ss_xstrdup(const char *s);
char *ss_xstrndup(const char *s, size_t n);

/* Room for element n of a growing array of elements of size bytes: once n
 * has reached *cap the array doubles (16 at first). Returns the array,
 * perhaps moved, with element n zeroed. */
void *ss_grow(void *arr, size_t n, size_t *cap, size_t size);

/* The next element of a growing array: grows arr as needed, counts the
 * element in n and gives its address, zeroed. arr, n and cap are lvalues
 * evaluated more than once. */
#define SS_PUSH(arr, n, cap) ((arr) = ss_grow((arr), (n), &(cap), sizeof *(arr)), &(arr)[(n)++])

/* Strict number parsing: the whole string must be the number. */
int ss_parse_double(const char *s, double *out);
int ss_parse_long(const char *s, long *out);

/* Read a whole file into a NUL-terminated malloc'd buffer (caller frees).
 * Refuses files larger than max bytes. Returns 0 or SS_EIO/SS_EINVAL. */
int ss_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
