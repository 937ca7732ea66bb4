/*
 * model.c - freeing and naming the plain records.
 */
#include "store/model.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void ss_plan_free(struct ss_plan *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nprojects; i++) {
        free(p->projects[i].title);
        free(p->projects[i].lead_dept);
    }
    for (i = 0; i < p->ntargets; i++) {
        free(p->targets[i].text);
        free(p->targets[i].metric);
        free(p->targets[i].unit);
        free(p->targets[i].dept);
    }
    free(p->projects);
    free(p->targets);
    free(p->title);
    free(p->issuer);
    free(p->top_org);
    free(p);
}

void ss_orgs_free(struct ss_org *orgs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(orgs[i].name);
    free(orgs);
}

static const char *const OPS[] = {">=", "<=", "="};
static const char *const KINDS[] = {"count", "amount", "rate", "change", "milestone"};

const char *ss_op_str(enum ss_op op)
{
    return (unsigned)op < SS_ARRAY_LEN(OPS) ? OPS[op] : "?";
}

int ss_op_parse(const char *s, enum ss_op *out)
{
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(OPS); i++)
        if (strcmp(s, OPS[i]) == 0) {
            *out = (enum ss_op)i;
            return SS_OK;
        }
    return SS_EINVAL;
}

const char *ss_kind_str(enum ss_kind k)
{
    return (unsigned)k < SS_ARRAY_LEN(KINDS) ? KINDS[k] : "?";
}

int ss_kind_parse(const char *s, enum ss_kind *out)
{
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(KINDS); i++)
        if (strcmp(s, KINDS[i]) == 0) {
            *out = (enum ss_kind)i;
            return SS_OK;
        }
    return SS_EINVAL;
}

long ss_plan_target_index(const struct ss_plan *p, int64_t id)
{
    size_t i;

    for (i = 0; i < p->ntargets; i++)
        if (p->targets[i].id == id)
            return (long)i;
    return -1;
}
