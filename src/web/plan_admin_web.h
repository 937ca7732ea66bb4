/*
 * plan_admin_web.h - /console/plan (page_plan_admin.c): an admin sets the
 * projects' lead departments and the targets' schedules of the current
 * plan or of a draft. Routes in routes.c.
 */
#ifndef SS_PLAN_ADMIN_WEB_H
#define SS_PLAN_ADMIN_WEB_H

#include "web/web.h"

void ss_page_plan_admin(struct ss_wreq *r);
void ss_page_plan_admin_post(struct ss_wreq *r);
/* /console/translate (page_translate.c): an admin's translations of the
 * plan's content and the org units' names (core/translate.h). */
void ss_page_translate(struct ss_wreq *r);
void ss_page_translate_post(struct ss_wreq *r);

#endif
