/*
 * test_audit.c - durable commits (store/store.h): a commit reaches the
 * disk before it returns. A SQLite VFS that wraps the default one counts
 * the syncs of the write-ahead log.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */
#include <sqlite3.h>

#include "base/util.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "tmpdb.h"

struct fixture {
    char path[TMPDB_PATH];
    struct ss_store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {{"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}};
    struct ss_err err;

    assert_int_equal(tmpdb_name(f->path, "audit"), 0);
    assert_int_equal(ss_store_open(f->path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(ss_store_orgs_upsert(f->st, orgs, 2, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    tmpdb_remove(f->path);
    free(f);
    return 0;
}

/* ---- durable commits -------------------------------------------------------- */

/* A VFS over the default one that counts syncs of write-ahead logs. */
struct cfile {
    sqlite3_file base;
    sqlite3_file *real;
    int wal;
};

static sqlite3_vfs *dflt;
static sqlite3_vfs counting;
static int wal_syncs;

#define REAL(f) (((struct cfile *)(f))->real)

static int c_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int c_sync(sqlite3_file *f, int flags)
{
    if (((struct cfile *)f)->wal)
        wal_syncs++;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int c_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int c_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int c_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int c_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int c_caps(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int c_shm_map(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p);
}
static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void c_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int c_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}
static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods COUNTING_IO = {
    3,          c_close,       c_read,      c_write, c_truncate, c_sync, c_size,
    c_lock,     c_unlock,      c_reserved,  c_fcntl, c_sector,   c_caps, c_shm_map,
    c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    struct cfile *c = (struct cfile *)f;
    int rc;

    (void)vfs;
    c->real = (sqlite3_file *)(c + 1);
    c->wal = (flags & SQLITE_OPEN_WAL) != 0;
    rc = dflt->xOpen(dflt, name, c->real, flags, out);
    f->pMethods = rc == SQLITE_OK && c->real->pMethods ? &COUNTING_IO : NULL;
    return rc;
}

static int setup_counting(void **state)
{
    dflt = sqlite3_vfs_find(NULL);
    counting = *dflt;
    counting.zName = "counting";
    counting.szOsFile = (int)sizeof(struct cfile) + dflt->szOsFile;
    counting.xOpen = c_open;
    counting.pNext = NULL;
    assert_int_equal(sqlite3_vfs_register(&counting, 1), SQLITE_OK);
    return setup(state);
}

static int teardown_counting(void **state)
{
    teardown(state);
    sqlite3_vfs_unregister(&counting);
    sqlite3_vfs_register(dflt, 1);
    return 0;
}

static void test_durable_commit(void **state)
{
    static const char PLAN[] =
        "{\"plan\":{\"title\":\"计划\",\"year\":2026,\"top_org\":\"99\"},\"projects\":[{\"no\":1,"
        "\"title\":\"项目\",\"targets\":[{\"text\":\"培训100人\",\"metric\":\"培训\","
        "\"value\":100,\"unit\":\"人\",\"op\":\">=\"}]}]}";
    struct fixture *f = *state;
    struct ss_plan *p;
    struct ss_report_in r;
    struct ss_org org;
    struct ss_err err;
    int64_t plan_id, id;
    int before;

    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(ss_store_plan_insert(f->st, p, &plan_id, &err), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, plan_id, &p, &err), 0);
    assert_int_equal(ss_store_org_get(f->st, "9901", &org), 0);
    memset(&r, 0, sizeof r);
    r.target_id = p->targets[0].id;
    r.org_id = org.id;
    r.as_of = 20600; /* a day number; the store does not judge it */
    r.value = 10;
    r.numerator = r.denominator = NAN;
    r.status = "submitted";
    r.by = "alice";
    free(org.name);
    ss_plan_free(p);

    /* a read-write store is durable: the commit synced the log */
    assert_int_equal(ss_store_durable(f->st), 1);
    before = wal_syncs;
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), 0);
    assert_true(wal_syncs > before);

    /* the measured, non-durable mode does not (what NORMAL did always) */
    assert_int_equal(ss_store_set_durable(f->st, 0), 0);
    assert_int_equal(ss_store_durable(f->st), 0);
    before = wal_syncs;
    r.value = 11;
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), 0);
    assert_int_equal(wal_syncs, before);
    assert_int_equal(ss_store_set_durable(f->st, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_durable_commit, setup_counting, teardown_counting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
