/*
 * plan_admin_web.h - /console/plan (page_plan_admin.c): an admin sets the
 * projects' lead departments and the targets' schedules of the current
 * plan or of a draft. Routes in routes.c.
 */
#ifndef SS_PLAN_ADMIN_WEB_H
#define SS_PLAN_ADMIN_WEB_H

#include "web/web.h"

void ss_page_plan_admin(struct ss_wreq *r);
/* The plan named by id (NULL or "": the current one) if u, an admin whose
 * unit contains the plan's issuer, may change it (an archived one only when
 * `archived`); else the page is answered with a refusal headed `title` and
 * NULL returned. The caller frees the plan. */
struct ss_plan *ss_plan_admin_load(struct ss_wreq *r, const struct ss_user *u, const char *id,
                                   const char *title, int archived);
void ss_page_plan_admin_post(struct ss_wreq *r);
/* /console/plans/new (page_plan_new.c): an admin pastes or uploads an
 * announcement, reviews the extracted draft against its text (?plan=N),
 * corrects it and activates it. */
void ss_page_plan_new(struct ss_wreq *r);
void ss_page_plan_new_post(struct ss_wreq *r);
/* /console/translate (page_translate.c): an admin's translations of the
 * plan's content and the org units' names (core/translate.h). */
void ss_page_translate(struct ss_wreq *r);
void ss_page_translate_post(struct ss_wreq *r);

#endif
