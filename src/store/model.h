/*
 * model.h - the plain data records shishi keeps: plans, projects, targets,
 * org units, reports. Shared by the store (which fills them) and the core
 * (which computes on them). No behaviour here beyond freeing and naming.
 *
 * Ownership: a struct ss_plan owns its strings and arrays; ss_plan_free
 * releases all of them. Dates are day numbers (base/date.h); a missing date
 * is SS_NO_DATE.
 */
#ifndef SS_MODEL_H
#define SS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define SS_NO_DATE INT32_MIN

enum ss_op { SS_OP_GE = 0, SS_OP_LE = 1, SS_OP_EQ = 2 };

/* How a target's figures combine (PRODUCT.md, "How progress is counted"). */
enum ss_kind {
    SS_KIND_COUNT = 0,    /* people, km, events: adds up */
    SS_KIND_AMOUNT = 1,   /* money: adds up */
    SS_KIND_RATE = 2,     /* numerator / denominator, roll-up divides sums */
    SS_KIND_CHANGE = 3,   /* % change against a baseline: current / baseline */
    SS_KIND_MILESTONE = 4 /* stages reached out of `value` stages */
};

enum ss_plan_state { SS_PLAN_ACTIVE = 0, SS_PLAN_DRAFT = 1, SS_PLAN_ARCHIVED = 2 };

struct ss_target {
    int64_t id;
    int64_t project_id;
    int project_no;
    int seq;      /* order within the project, 0-based */
    char *text;   /* source clause, verbatim */
    char *metric; /* short name of what is counted */
    double value; /* planned value for the whole plan */
    char *unit;
    enum ss_op op;
    enum ss_kind kind;
    int64_t parent_id; /* 0 when not part of a breakdown */
    long parent_index; /* index of the parent in plan->targets, or -1; the
                          store writes parents by this index on insert */
    char *dept;        /* responsible department name, or NULL */
    int has_profile;
    double profile[12]; /* cumulative share of the year due by each month's end */
};

struct ss_project {
    int64_t id;
    int no;
    char *title;
    char *lead_dept; /* "unknown" when the announcement does not imply one */
};

struct ss_plan {
    int64_t id;
    char *title;
    char *issuer;
    int year;
    int32_t start, end; /* inclusive period */
    int32_t published;  /* SS_NO_DATE if not given */
    enum ss_plan_state state;
    char *top_org;    /* code of the issuing government's org unit */
    double yellow_pp; /* lagging when more than this many points behind time */
    double red_pp;    /* seriously lagging beyond this */
    size_t nprojects;
    struct ss_project *projects;
    size_t ntargets;
    struct ss_target *targets; /* ordered by project no, then seq */
};

struct ss_org {
    int64_t id;
    char code[16];
    char *name;
    int level;         /* 0 nation, 1 province, 2 prefecture, 3 county, 4 township */
    int64_t parent_id; /* 0 for a root */
};

/* One approved report as the roll-up engine reads it. */
struct ss_report_row {
    int64_t id;
    int64_t target_id;
    int64_t org_id;
    int64_t seq; /* approval order; the engine resumes from the last seen */
    int32_t as_of;
    double a; /* cumulative value, or numerator (rate) / current (change) */
    double b; /* denominator (rate) / baseline (change); 0 otherwise */
};

void ss_plan_free(struct ss_plan *p);
void ss_orgs_free(struct ss_org *orgs, size_t n);

const char *ss_op_str(enum ss_op op); /* ">=", "<=", "=" */
int ss_op_parse(const char *s, enum ss_op *out);
const char *ss_kind_str(enum ss_kind k); /* "count", ... */
int ss_kind_parse(const char *s, enum ss_kind *out);

/* Index of the target with this id in p->targets, or -1. */
long ss_plan_target_index(const struct ss_plan *p, int64_t id);

#endif
