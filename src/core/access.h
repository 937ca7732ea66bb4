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
 *   - viewer: reads only;
 *   - supervisor (督查室): reads everything in its subtree and runs and
 *     manages supervision there (issues, closes and returns notices), but
 *     never enters, approves or breaks down reports;
 *   - deputy (人大代表): reads like a viewer in its subtree, and votes in
 *     the congress of its own org unit only (ss_access_vote; the cycle's
 *     triage is ss_access_supervise's: a supervisor or an admin);
 *   - moderator: publishes or hides the public's messages (core/message.h)
 *     about places in its subtree, as a supervisor may; nothing else but
 *     reading.
 * Notices (core/notice.h) are answered by the reporters and reviewers of
 * an org unit they are addressed to; so are published messages, by the
 * unit they are sent to (and its department, when the account has one).
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
/* See the reports of org `org` (own unit, or a reviewer's, supervisor's,
 * viewer's or admin's subtree). */
int ss_access_see(const struct ss_engine *e, const struct ss_user *u, long org);
/* Issue, close or return a supervision notice of org index `org` (a
 * supervisor in whose subtree it lies, or an admin). */
int ss_access_supervise(const struct ss_engine *e, const struct ss_user *u, long org,
                        struct ss_err *err);
/* Cast a ballot in the congress of org index `org`: a deputy of exactly
 * that org unit (nobody else, not even an admin, votes). */
int ss_access_vote(const struct ss_engine *e, const struct ss_user *u, long org,
                   struct ss_err *err);
/* Answer a notice addressed to org index `org` (its own reporter or
 * reviewer, or an admin). */
int ss_access_answer(const struct ss_engine *e, const struct ss_user *u, long org,
                     struct ss_err *err);

/* Publish or hide a message about org index `org` (a moderator or a
 * supervisor in whose subtree it lies, or an admin). */
int ss_access_moderate(const struct ss_engine *e, const struct ss_user *u, long org,
                       struct ss_err *err);
/* Reply in public to a message sent to org index `org` and department
 * dept (NULL or "": none): its own reporter or reviewer, of that
 * department when the account is scoped to one; or an admin. */
int ss_access_reply(const struct ss_engine *e, const struct ss_user *u, long org, const char *dept,
                    struct ss_err *err);

#endif
