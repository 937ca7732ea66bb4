/*
 * access.h - who may do what, as pure functions over the engine's org tree
 * and a struct ss_user.
 *
 * The rules (issue 5):
 *   - admin: manages the plan and may do anything anywhere;
 *   - reviewer: reviews reports of org units strictly inside its own
 *     subtree (the level above reviews the level below, never itself), and
 *     breaks a target down among its own unit's children;
 *   - reporter: writes reports only for its own org unit, and when it is
 *     scoped to a department, only on targets of that department;
 *   - viewer: reads only.
 * Reading public figures needs no account at all.
 *
 * Each check returns 0 when allowed, or SS_EFORBIDDEN with err saying why
 * (the message names the user's scope, never anything it may not see).
 */
#ifndef SS_ACCESS_H
#define SS_ACCESS_H

#include "base/err.h"
#include "core/auth.h"
#include "core/engine.h"

/* The user's own org unit as an engine index, or -1 if unknown. */
long ss_access_user_org(const struct ss_engine *e, const struct ss_user *u);

/* Write a report on target index ti for org index `org`. */
int ss_access_report(const struct ss_engine *e, const struct ss_user *u, size_t ti, long org,
                     struct ss_err *err);
/* Approve or return a report of org index `org`. */
int ss_access_review(const struct ss_engine *e, const struct ss_user *u, long org,
                     struct ss_err *err);
/* Give org index `org` a share of a target (org -1: a department share,
 * which only an admin sets). */
int ss_access_assign(const struct ss_engine *e, const struct ss_user *u, long org,
                     struct ss_err *err);
/* See the reports of org `org` (own unit, or a reviewer's/admin's subtree). */
int ss_access_see(const struct ss_engine *e, const struct ss_user *u, long org);

#endif
