/*
 * main.c - shishi's entry point: dispatch to one command per verb.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct command COMMANDS[] = {
    {"init", cmd_init, "create a database holding the default plan and divisions"},
    {"migrate", cmd_migrate, "bring a database to this build's schema (after an upgrade)"},
    {"status", cmd_status, "progress of every target against time"},
    {"plan", cmd_plan, "show the plan (plan show [--json])"},
    {"report", cmd_report, "record progress (report add ...)"},
    {"divisions", cmd_divisions, "load administrative divisions (divisions load ...)"},
    {"extract", cmd_extract, "read an announcement (text, web page, GB18030) into a plan as JSON"},
    {"import", cmd_import, "read an announcement into a draft plan to review (import FILE)"},
    {"serve", cmd_serve, "serve the public progress pages and JSON API (serve --listen ...)"},
    {"bulletin", cmd_bulletin, "the month's bulletin as PDF or XLSX; bulletin publish, list"},
    {"export", cmd_export, "open data: export opendata|plan --out FILE"},
    {"audit", cmd_audit, "check the signed audit log (audit verify), show its key (audit key)"},
    {"backup", cmd_backup, "copy the database while in use (backup FILE)"},
    {"restore", cmd_restore, "restore the database from a backup (restore FILE)"},
    {"assign", cmd_assign, "break a target down: give an org unit its share (assign ...)"},
    {"completeness", cmd_completeness,
     "reporting completeness of a period: on time, late, missing"},
    {"score", cmd_score,
     "the units' scores of a period (progress, on-time reports, notices, returns)"},
    {"user", cmd_user, "console accounts: user add NAME --role R --org CODE, user list"},
    {"channel", cmd_channel, "where an org unit's messages go: channel add|list|test"},
    {"notify", cmd_notify, "send the outbox's due messages (notify send), list them"},
    {"survey", cmd_survey, "closed satisfaction surveys with one-time codes: survey create|list"},
    {"supervise", cmd_supervise, "issue and escalate supervision notices (supervise run)"},
    {"notice", cmd_notice, "supervision notices: notice list|show|issue|close|return"},
    {"cycle", cmd_cycle, "the yearly cycle: proposals, the deputies' vote, the result as a plan"},
    {"message", cmd_message, "the public's messages: message list|publish|hide|reply"},
};

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "usage: shishi COMMAND [options]   (shishi COMMAND --help for more)\n\n");
    for (i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].help);
    fprintf(f, "\nThe database is --db FILE, else $SHISHI_DB, else ./shishi.db.\n"
               "The audit log's signing key is --audit-key FILE, else $SHISHI_AUDIT_KEY,\n"
               "else the database's path with .key added (shishi.db.key).\n");
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return SS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SS_EXIT_OK;
    }
    for (i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "shishi: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return SS_EXIT_USAGE;
}
