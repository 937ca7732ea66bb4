/*
 * page.h - pieces shared by the pages and the API: parameters and the
 * time series of a target.
 */
#ifndef SS_WEB_PAGE_H
#define SS_WEB_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "web/web.h"

#define SS_WEB_MAX_SERIES 40

/* Month ends of the plan period up to day, then day itself; returns n. */
size_t ss_web_series(const struct ss_plan *p, int32_t day, int32_t out[SS_WEB_MAX_SERIES]);
/* Target index from the {id} path segment, or -1. */
long ss_web_target_param(struct ss_wreq *r);
/* Org index for code (NULL or "": the plan's top org unit), or -1. */
long ss_web_org_param(struct ss_wreq *r, const char *code);

#endif
