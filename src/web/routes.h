/*
 * routes.h - the one table of routes: dispatch and the OpenAPI document
 * are both generated from it, so they cannot disagree.
 */
#ifndef SS_WEB_ROUTES_H
#define SS_WEB_ROUTES_H

#include <stddef.h>

#include "base/buf.h"
#include "web/web.h"

enum { SS_CACHE_NONE = 0, SS_CACHE_HOME = 1, SS_CACHE_PLAN = 2 };

struct ss_qparam {
    const char *name;
    const char *desc;
    const char *format; /* OpenAPI string format ("date") or NULL */
};

struct ss_route {
    const char *pattern; /* "/targets/{id}": at most one {param}, as the last segment */
    void (*fn)(struct ss_wreq *r);
    int cache;       /* SS_CACHE_* */
    int api;         /* 1: JSON API route, listed in the OpenAPI document */
    const char *summary;
    const char *param_type; /* "integer" or "string" for the {param} */
    const char *param_desc;
    const char *schema;     /* component schema of the 200 body */
    struct ss_qparam query[3];
};

extern const struct ss_route ss_routes[];
extern const size_t ss_nroutes;

/* The route for path, with the {param} segment copied into param (NUL-
 * terminated); NULL if none matches or the segment does not fit. */
const struct ss_route *ss_route_match(const char *path, char *param, size_t cap);

#endif
