/*
 * figure_json.h - one way to write a target with its figures as JSON, used
 * by `shishi status --json` and the HTTP API alike so both say the same.
 */
#ifndef SS_FIGURE_JSON_H
#define SS_FIGURE_JSON_H

#include "base/json.h"
#include "core/engine.h"

/* Writes the members (not the braces) of a target object:
 * id, project, text, metric, value (the whole plan's), unit, op, kind,
 * parent (target id or null), dept, org_value (planned share at this org, or
 * null), actual, expected (due %), expected_value, progress (%), time (%),
 * projection, status, status_label, as_of, last_report, reporters, coverage
 * ({reported, expected} or null when no unit below holds a share), own (the
 * unit's own report stands), children ({actual, reporters, differs}: the
 * children's sum beside an own report, or null). progress, expected and
 * expected_value are null for rates and changes (levels). */
void ss_figure_json_members(struct ss_json *j, const struct ss_engine *e, size_t ti,
                            const struct ss_figure *f);

#endif
