/*
 * opendata_api.c - GET /api/v1/plan.csv and GET /api/v1/opendata.zip, the
 * open-data portal's downloads (core/opendata.h), as of the server's day.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "core/opendata.h"
#include "web/export.h"
#include "web/workflow_web.h"

void ss_api_plan_csv(struct ss_wreq *r)
{
    r->resp->ctype = "text/csv; charset=utf-8";
    r->resp->cache_control = "no-cache";
    ss_opendata_plan_csv(r->e, &r->resp->body);
    ss_wf_disposition(r->resp, "plan.csv", "plan.csv");
}

void ss_api_opendata_zip(struct ss_wreq *r)
{
    struct ss_err err;
    char *data = NULL, name[32];
    size_t len = 0;

    ss_err_clear(&err);
    if (!r->st) {
        ss_err_set(&err, SS_EDB, "", "the database is not available");
        ss_web_error(r, &err);
        return;
    }
    if (ss_opendata_zip(r->st, r->e, r->day, &data, &len, &err)) {
        ss_web_error(r, &err);
        return;
    }
    r->resp->ctype = "application/zip";
    r->resp->cache_control = "no-cache";
    ss_buf_put(&r->resp->body, data, len);
    free(data);
    snprintf(name, sizeof name, "opendata-%d.zip", r->plan->year);
    ss_wf_disposition(r->resp, name, name);
}
