/*
 * plan_json.h - plans to and from JSON.
 *
 * The schema is docs/plan-schema.md: what `shishi extract` prints
 * ({"plan":{...},"projects":[{"no","title","targets":[...]}]}), optionally
 * extended with what a tracked plan needs: plan.period_start/period_end,
 * plan.top_org, plan.yellow_pp/red_pp, project.lead_dept, and per target
 * kind, dept and profile (twelve cumulative monthly shares). Missing
 * fields get defaults: the calendar year of plan.year, kind guessed from
 * unit and wording, linear schedule. `plan show --json` prints the same
 * schema (with ids and state, which readers ignore), so it reads back.
 */
#ifndef SS_PLAN_JSON_H
#define SS_PLAN_JSON_H

#include <stddef.h>

#include "base/err.h"
#include "base/json.h"
#include "store/model.h"

/* Parse and validate; *out is the caller's (ss_plan_free). Errors name the
 * JSON path of the bad field, e.g. projects[2].targets[0].value. */
int ss_plan_from_json(const char *text, size_t len, struct ss_plan **out, struct ss_err *err);

/* The plan a person hands to `shishi import`: the same schema, read as
 * `shishi extract` prints it, where plan.title may be "" (then "<year>年民生
 * 实事") and plan.year null (then year_default; 0 and no year is an error
 * on field "plan.year"). The result is a draft. *json_year (may be NULL)
 * receives plan.year as written, 0 when null. A JSON that is not a plan
 * (a list, an object without "plan" and "projects") is refused with what
 * it has instead. */
int ss_plan_import_json(const char *text, size_t len, int year_default, int *json_year,
                        struct ss_plan **out, struct ss_err *err);

/* 1 if text is JSON rather than an announcement: after a UTF-8 byte order
 * mark and white space it starts with {, or it is a JSON list as a whole (a
 * published text never starts with {, but may with "[2026-02-09]"). */
int ss_plan_json_sniff(const char *text, size_t len);

/* Guess a target's kind from its unit and source text. */
enum ss_kind ss_kind_guess(const char *unit, const char *text);

/* Write the plan (without figures) in the same schema. */
void ss_plan_to_json(const struct ss_plan *p, struct ss_json *j);

#endif
