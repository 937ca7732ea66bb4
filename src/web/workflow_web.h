/*
 * workflow_web.h - the reporting workflow's handlers (workflow_api.c,
 * ledger_api.c, page_workflow.c) and the helpers they share. Routes in
 * routes.c.
 */
#ifndef SS_WORKFLOW_WEB_H
#define SS_WORKFLOW_WEB_H

#include "base/err.h"
#include "base/json.h"
#include "core/ledger.h"
#include "store/store_workflow.h"
#include "web/web.h"

/* JSON API */
void ss_api_report_post(struct ss_wreq *r);
void ss_api_report_approve(struct ss_wreq *r);
void ss_api_report_return(struct ss_wreq *r);
void ss_api_report_submit(struct ss_wreq *r);
void ss_api_report_evidence(struct ss_wreq *r);
void ss_api_inbox(struct ss_wreq *r);
void ss_api_assign_post(struct ss_wreq *r);
void ss_api_my_assignments(struct ss_wreq *r);
void ss_api_ledger_get(struct ss_wreq *r);
void ss_api_ledger_post(struct ss_wreq *r);

/* Console pages */
void ss_page_report(struct ss_wreq *r);
void ss_page_report_post(struct ss_wreq *r);
void ss_page_inbox(struct ss_wreq *r);
void ss_page_inbox_post(struct ss_wreq *r);

/* {"error":{"code","message","field"}} with the status for err->code:
 * 400 bad input, 403 out of scope, 404 (an unknown {id} when path_id),
 * 409 wrong state, 500 store. */
void ss_wf_error(struct ss_wreq *r, const struct ss_err *err, int path_id);
/* "a,b" -> ["a","b"] */
void ss_wf_flags_json(struct ss_json *j, const char *flags);
void ss_wf_report_json(struct ss_json *j, const struct ss_wreq *r, const struct ss_wf_report *x);

/* Store an evidence file for report id (access as for writing the report;
 * type and size checked, kept by SHA-256 under <db>.evidence/). */
int ss_wf_evidence_save(struct ss_wreq *r, struct ss_store *st, const struct ss_user *u, int64_t id,
                        const struct ss_http_field *file, struct ss_err *err);

#endif
