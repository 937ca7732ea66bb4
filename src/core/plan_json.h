/*
 * plan_json.h - plans to and from JSON.
 *
 * The input is the extraction schema of shared/docs/EXTRACTION.md
 * ({"plan":{...},"projects":[{"no","title","targets":[...]}]}), optionally
 * extended with what a tracked plan needs: plan.period_start/period_end,
 * plan.top_org, plan.yellow_pp/red_pp, project.lead_dept, and per target
 * kind, dept and profile (twelve cumulative monthly shares). Missing
 * fields get defaults: the calendar year of plan.year, kind guessed from
 * unit and wording, linear schedule.
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

/* Guess a target's kind from its unit and source text. */
enum ss_kind ss_kind_guess(const char *unit, const char *text);

/* Write the plan (without figures) in the same schema. */
void ss_plan_to_json(const struct ss_plan *p, struct ss_json *j);

#endif
