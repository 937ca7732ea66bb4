/*
 * cli_util.c - option parsing and error reporting shared by the commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"

const char *cli_db_path(const char *flag_value)
{
    const char *env;

    if (flag_value && *flag_value)
        return flag_value;
    env = getenv("SHISHI_DB");
    if (env && *env)
        return env;
    return "shishi.db";
}

int cli_fail(const char *cmd, const struct ss_err *e)
{
    if (e->field[0])
        fprintf(stderr, "shishi %s: %s: %s\n", cmd, e->field, e->msg);
    else
        fprintf(stderr, "shishi %s: %s\n", cmd, e->msg);
    switch (e->code) {
    case SS_ENOTFOUND: return SS_EXIT_NOTFOUND;
    case SS_EIO:
    case SS_EDB: return SS_EXIT_IO;
    default: return SS_EXIT_INPUT;
    }
}

int cli_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
              const char **pos, int maxpos, int *npos)
{
    int i;

    *npos = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct cli_opt *o;
        const char *eq;
        size_t nlen;

        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
            if (*npos >= maxpos) {
                fprintf(stderr, "shishi %s: unexpected argument '%s'\n", cmd, a);
                return SS_EXIT_USAGE;
            }
            pos[(*npos)++] = a;
            continue;
        }
        a += 2;
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a) : strlen(a);
        for (o = opts; o->name; o++)
            if (strlen(o->name) == nlen && strncmp(o->name, a, nlen) == 0)
                break;
        if (!o->name) {
            fprintf(stderr, "shishi %s: unknown option '--%.*s' (see shishi %s --help)\n", cmd,
                    (int)nlen, a, cmd);
            return SS_EXIT_USAGE;
        }
        if (!o->takes_value) {
            if (eq) {
                fprintf(stderr, "shishi %s: option '--%s' takes no value\n", cmd, o->name);
                return SS_EXIT_USAGE;
            }
            *o->flag = 1;
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            fprintf(stderr, "shishi %s: option '--%s' needs a value\n", cmd, o->name);
            return SS_EXIT_USAGE;
        }
    }
    return 0;
}
