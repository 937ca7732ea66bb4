/*
 * cmd_extract.c - `shishi extract FILE|-`: print the plan an announcement
 * describes, as JSON in the schema of docs/plan-schema.md. Warnings (no
 * targets, no date) go to stderr; the exit code stays 0 for them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "extract/extract.h"

static void help(void)
{
    printf("usage: shishi extract [--compact] FILE\n"
           "\n"
           "Read a published announcement of livelihood commitments (UTF-8 or GB18030\n"
           "text, possibly copied from a web page, or a Word .docx; FILE - reads stdin)\n"
           "and print the plan\n"
           "it describes as JSON: {\"plan\":{title,issuer,year,published},\n"
           "\"projects\":[{no,title,targets:[{text,metric,value,unit,op,parent?}]}]}.\n"
           "\n"
           "  --compact   one line of JSON instead of indented output\n"
           "\n"
           "Exit status: 0 ok (a text without targets gives an empty plan and a warning),\n"
           "1 the input is not text, 2 usage, 4 the file cannot be read.\n");
}

int cmd_extract(int argc, char **argv)
{
    const char *pos[1];
    const char *path;
    int npos = 0, compact = 0, rc;
    const struct cli_opt opts[] = {{"compact", 0, NULL, &compact}, {NULL, 0, NULL, NULL}};
    struct ss_err err;
    struct ss_xplan *plan = NULL;
    struct ss_buf out;
    struct ss_json j;
    char *text = NULL;
    size_t len = 0, i;

    if (cli_wants_help(argc, argv)) {
        help();
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("extract", argc, argv, opts, pos, 1, &npos)) != 0)
        return rc;
    if (npos != 1) {
        fprintf(stderr, "shishi extract: which file? (shishi extract FILE, - for stdin)\n");
        return SS_EXIT_USAGE;
    }
    path = pos[0];
    ss_err_clear(&err);
    if (cli_read_announcement(path, &text, &len, &err))
        return cli_fail("extract", &err);
    if (ss_extract(text, len, &plan, &err) != SS_OK) {
        if (!err.field[0]) /* where: the file */
            snprintf(err.field, sizeof err.field, "%s", path);
        free(text);
        return cli_fail("extract", &err);
    }
    free(text);
    for (i = 0; i < plan->nwarnings; i++)
        fprintf(stderr, "shishi extract: %s: warning: %s\n", path, plan->warnings[i]);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    ss_json_init(&j, &out, !compact);
    ss_xplan_json(plan, &j);
    ss_buf_putc(&out, '\n');
    ss_xplan_free(plan);
    if (out.err) {
        ss_buf_cleanup(&out);
        fprintf(stderr, "shishi extract: %s: the plan is too large to print\n", path);
        return SS_EXIT_INPUT;
    }
    fwrite(out.data, 1, out.len, stdout);
    ss_buf_cleanup(&out);
    return SS_EXIT_OK;
}
