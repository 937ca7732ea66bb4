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

/* A state-changing operation on a route: POST, PUT, PATCH or DELETE. The
 * handler must call ss_web_auth(r, 1, ...) first (login is the one
 * exception). For API routes the OpenAPI document lists it with its
 * request body schema, success status and the errors below. */
struct ss_route_op {
    const char *method;             /* "POST", "PUT", "PATCH", "DELETE" */
    void (*run)(struct ss_wreq *r); /* the handler, on a write lane (web.c) */
    const char *summary;
    const char *body;   /* component schema of the JSON request body, "multipart:FIELD"
                           for a file upload in form field FIELD, or NULL */
    const char *schema; /* component schema of the success body, or NULL */
    int status;         /* success status: 200, 201, 204 */
    int auth;           /* 1: needs a session and the CSRF token (401, 403) */
    const char *errors; /* other documented error statuses, "404 409" (or NULL) */
};

#define SS_ROUTE_MAX_OPS 3

/* A route. Written with designated initialisers (routes.c): a field left
 * out is zero, which is always the plain default (no cache, not API, no
 * parameter, no session, no ops). */
struct ss_route {
    const char *path;               /* "/targets/{id}", "/reports/{id}/approve": at most two
                                       {param}s, each a whole segment */
    void (*get)(struct ss_wreq *r); /* GET and HEAD; NULL: not allowed */
    int cache;                      /* SS_CACHE_* */
    int api;                        /* 1: JSON API route, listed in the OpenAPI document */
    const char *summary;
    struct {
        const char *type; /* "integer" or "string" */
        const char *desc;
    } param; /* the {param} of path */
    struct {
        const char *type;
        const char *desc;
    } param2;                  /* a second {param} of path, after the first: the handler's
                                  r->param holds both, "first/second" */
    const char *schema;        /* component schema of the 200 body */
    const char *media;         /* media type of the 200 body when it is a binary download
                                  (the handler sets the same Content-Type); NULL: JSON */
    struct ss_qparam query[3]; /* query parameters of GET; of the operations when the
                                  route has no GET (get NULL) */
    int get_auth;              /* 1: GET needs a session (401 without one) */
    struct ss_route_op ops[SS_ROUTE_MAX_OPS];
};

extern const struct ss_route ss_routes[];
extern const size_t ss_nroutes;

/* The route for path, with the {param} segment copied into param (NUL-
 * terminated); NULL if none matches or the segment does not fit. */
const struct ss_route *ss_route_match(const char *path, char *param, size_t cap);

#endif
