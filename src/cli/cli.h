/*
 * cli.h - the command-line interface: one function per command.
 *
 * Every command takes (argc, argv) starting at its own name, prints its
 * result to stdout (JSON with --json), errors to stderr, and returns the
 * process exit code:
 *   0 ok, 1 bad input or refused, 2 usage error, 3 not found, 4 store or I/O.
 */
#ifndef SS_CLI_H
#define SS_CLI_H

#include "base/err.h"

struct ss_store;

enum { SS_EXIT_OK = 0, SS_EXIT_INPUT = 1, SS_EXIT_USAGE = 2, SS_EXIT_NOTFOUND = 3, SS_EXIT_IO = 4 };

int cmd_init(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_divisions(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_import(int argc, char **argv);
/* plan target set|add|split|merge|drop: correct a draft plan (cmd_plan_edit.c). */
int cmd_plan_target(int argc, char **argv);
/* plan project set: a project's lead department (cmd_plan_edit.c). */
int cmd_plan_project(int argc, char **argv);
/* plan translate: translations of the plan's content (cmd_plan_translate.c). */
int cmd_plan_translate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_assign(int argc, char **argv);
/* user add|list: console accounts (cmd_user.c). */
int cmd_user(int argc, char **argv);
/* migrate: bring a database to this build's schema (cmd_migrate.c). */
int cmd_migrate(int argc, char **argv);

/* Shared helpers (cli_util.c). */
/* Database path: --db value, else $SHISHI_DB, else ./shishi.db. */
const char *cli_db_path(const char *flag_value);
/* Print an error as "shishi CMD: FIELD: message", the message in the
 * user's locale (base/l10n.h: ss_lang_from_env), and map it to an exit code. */
int cli_fail(const char *cmd, const struct ss_err *e);
/* 1 if argv[i] is --help or -h anywhere. */
int cli_wants_help(int argc, char **argv);
/* Run the migration step on the database at db (cmd_migrate.c), saying
 * on stderr, as cmd, when it changed the schema: 0, or an error with err
 * set. For commands that migrate before they work: serve. */
int cli_migrate(const char *db, const char *cmd, struct ss_err *err);
/* End the transaction a command began (ss_store_begin with its actor):
 * commit when rc is 0, else roll back; returns rc, or the commit's error
 * (err says why). */
int cli_tx_end(struct ss_store *st, int rc, struct ss_err *err);
/* Before a command that writes starts serving: the database's audit key
 * is readable and recorded (created when the log records none yet), so a
 * missing key is refused at once, not at the first write (cmd_audit.c). */
int cli_audit_key_ready(const char *db, struct ss_err *err);
/* Read an announcement from path (- is stdin): a .docx's text, else the
 * file's bytes (base/docx.h), within the limits; errors name the path.
 * *text is the caller's. */
int cli_read_announcement(const char *path, char **text, size_t *len, struct ss_err *err);

#endif
