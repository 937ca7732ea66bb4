/*
 * completeness.h - reporting completeness (催报): for one reporting period
 * (a month, "YYYY-MM") and its deadline, whether each assignment's report
 * came in on time, late, or not at all, and the reporting rates rolled up
 * the org tree, as DHIS2's reporting-rate reports count them.
 *
 * The rules (README "Reporting completeness"):
 *   - expected: every share of a target given to an org unit (an
 *     assignment) is due once for every month of the plan; a department's
 *     share is reported by a unit and counted there;
 *   - reported: the assignment has a submitted or approved report dated
 *     within the period (a draft or a returned report is not handed in);
 *   - on time: handed in by the deadline, the plan's deadline_day of the
 *     following month (June's reports by 5 July), compared by the day (UTC)
 *     the report was first submitted or approved (store_completeness.h says
 *     where that moment is read); later is late;
 *   - missing: no such report once the deadline has passed; before it the
 *     assignment is pending (still due, not yet missing);
 *   - reporting rate = reported / expected, on-time rate = on time /
 *     expected, in %; a unit's figures are its own assignments', its
 *     subtree's the sum over the units within it.
 * "Missing" is of the period, not "never reported": every row also carries
 * the last report date of its assignment (up to the period's end).
 *
 * Who may read them: the supervision figures are internal (staff only):
 * ss_access_supervision, the one place that decides.
 */
#ifndef SS_COMPLETENESS_H
#define SS_COMPLETENESS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "core/auth.h"
#include "core/engine.h"
#include "store/store.h"

enum ss_cmpl_state {
    SS_CMPL_ON_TIME = 0,
    SS_CMPL_LATE = 1,
    SS_CMPL_MISSING = 2, /* no report, deadline passed */
    SS_CMPL_PENDING = 3  /* no report yet, deadline not passed */
};
#define SS_CMPL_STATES 4

/* "on_time", "late", "missing", "pending". */
const char *ss_cmpl_state_str(enum ss_cmpl_state s);

/* Counts of assignments; reported = n[ON_TIME] + n[LATE]. */
struct ss_cmpl_counts {
    int expected;
    int n[SS_CMPL_STATES];
    int32_t last_report; /* latest report date among them, or SS_NO_DATE */
    int handed_in;       /* reports of the period ever handed in (any target) */
    int returned;        /* ... of which a reviewer returned at least once */
};
int ss_cmpl_reported(const struct ss_cmpl_counts *c);
/* reported / expected and on time / expected in %, NAN when none expected. */
double ss_cmpl_rate(const struct ss_cmpl_counts *c);
double ss_cmpl_on_time_rate(const struct ss_cmpl_counts *c);

/* One assignment of the subtree asked for. */
struct ss_cmpl_item {
    size_t ti; /* target index in the plan */
    long org;  /* engine org index */
    enum ss_cmpl_state state;
    int64_t report_id;    /* the report that counts, 0 when none */
    int32_t report_as_of; /* its date */
    char handed_in[32];   /* when it was first handed in (UTC), "" when none */
    int32_t last_report;  /* the assignment's last report date, or SS_NO_DATE */
};

struct ss_cmpl_dept {
    const char *dept; /* the target's department (owned by the plan), NULL: none */
    struct ss_cmpl_counts c;
};

struct ss_completeness {
    char period[8];
    int32_t start, end; /* the month */
    int32_t deadline;   /* the day the period's reports are due */
    int32_t today;
    long org;                    /* the subtree asked for */
    size_t norgs;                /* engine org count */
    struct ss_cmpl_counts *own;  /* per org index: its own assignments */
    struct ss_cmpl_counts *tree; /* per org index: its subtree's */
    struct ss_cmpl_item *items;  /* the subtree's, by org code then target */
    size_t nitems;
    struct ss_cmpl_dept *depts; /* the subtree's, by department */
    size_t ndepts;
};

/* Completeness of the period "YYYY-MM" (within the plan's period) as of
 * today, for the subtree of engine org index org. SS_EINVAL (field
 * "period") for a malformed period or one outside the plan. The caller
 * frees with ss_completeness_cleanup (also after a failure). */
int ss_completeness_load(struct ss_store *st, const struct ss_engine *e, const char *period,
                         long org, int32_t today, struct ss_completeness *out, struct ss_err *err);
void ss_completeness_cleanup(struct ss_completeness *c);

/* The latest period whose deadline has passed on today (on 10 July, June;
 * on 3 July, May), kept within the plan: the period a supervisor chases. */
void ss_cmpl_period_chased(const struct ss_plan *p, int deadline_day, int32_t today, char out[8]);

/* The one JSON shape of the CLI and the API: period, deadline, as_of,
 * org, totals, children (rolled up), units (each unit holding shares,
 * its own), departments, assignments. */
void ss_completeness_json(struct ss_json *j, const struct ss_engine *e,
                          const struct ss_completeness *c);

/*
 * Who may read the supervision figures of org index `org` (completeness,
 * scores, the supervision page): 0, or SS_EFORBIDDEN with err saying why.
 * Today: an admin anywhere, a reviewer within its own subtree. The
 * supervisor role (督查室, issue 12) joins here at merge: within its own
 * subtree, like a reviewer. Every caller asks this one function.
 */
int ss_access_supervision(const struct ss_engine *e, const struct ss_user *u, long org,
                          struct ss_err *err);

/*
 * Notices (督办单) as the supervision page and the score count them. Notices
 * are built elsewhere (issue 12, branch notices); until they are merged,
 * ss_supervision_notice_counts returns zeros, so the page shows 0 and the
 * score leaves the notices component out (its weight counts for nothing:
 * core/score.h). Filled from notices at merge.
 */
struct ss_notice_counts {
    int overdue;          /* open, past their deadline */
    int due_week;         /* open, due within the next 7 days */
    int answered;         /* answered, waiting for a supervisor's check */
    int due_in_period;    /* notices whose deadline fell within the period */
    int answered_in_time; /* ... of which answered by their deadline */
};
/* The counts for the subtree of org index org: open notices as of today,
 * due ones over from..to. 0, or an error. */
int ss_supervision_notice_counts(struct ss_store *st, const struct ss_engine *e, long org,
                                 int32_t from, int32_t to, int32_t today,
                                 struct ss_notice_counts *out, struct ss_err *err);

#endif
