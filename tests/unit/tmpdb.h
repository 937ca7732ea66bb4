/*
 * tmpdb.h - a fresh database file name for a unit test, and its removal
 * with SQLite's side files (-wal, -shm) and its audit key (.key). Files go under $SHISHI_TMP (make
 * check sets it), else $TMPDIR, else /tmp.
 */
#ifndef SS_TEST_TMPDB_H
#define SS_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TMPDB_PATH 512

/* A name no file has yet ("…/ss-NAME-XXXXXX"); 0, or -1 if none could be made. */
static inline int tmpdb_name(char path[TMPDB_PATH], const char *name)
{
    const char *dir = getenv("SHISHI_TMP");
    int fd;

    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    if (snprintf(path, TMPDB_PATH, "%s/ss-%s-XXXXXX", dir, name) >= TMPDB_PATH)
        return -1;
    if ((fd = mkstemp(path)) < 0)
        return -1;
    close(fd);
    unlink(path); /* SQLite creates it */
    return 0;
}

static inline void tmpdb_remove(const char *path)
{
    char side[TMPDB_PATH + 8];

    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    snprintf(side, sizeof side, "%s.key", path);
    unlink(side);
}

#endif
