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

#include <stdint.h>

#include "base/err.h"
#include "core/completeness.h"

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
/* export opendata|plan: the open-data files (cmd_export.c). */
int cmd_export(int argc, char **argv);
/* bulletin [publish|list]: the month's bulletin (cmd_bulletin.c). */
int cmd_bulletin(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_assign(int argc, char **argv);
/* user add|list: console accounts (cmd_user.c). */
int cmd_user(int argc, char **argv);
/* migrate: bring a database to this build's schema (cmd_migrate.c). */
int cmd_migrate(int argc, char **argv);
/* supervise run: the supervision run (cmd_supervise.c). */
int cmd_supervise(int argc, char **argv);
/* notice list|show|issue|close|return|days: supervision notices (cmd_notice.c). */
int cmd_notice(int argc, char **argv);
/* cycle open|vote|show|proposals|promote|merge|decline|seal|adopt (cmd_cycle.c). */
int cmd_cycle(int argc, char **argv);
/* message list|publish|hide|reply: the public's messages (cmd_message.c). */
int cmd_message(int argc, char **argv);

/* completeness: reporting completeness of a period (cmd_completeness.c). */
int cmd_completeness(int argc, char **argv);
/* score: the units' scores of a period (cmd_score.c). */
int cmd_score(int argc, char **argv);

/* What completeness and score open (cmd_completeness.c): the store, the
 * engine, the org unit (--org, else the plan's top), the period (--period,
 * else the latest whose deadline passed) and its completeness. */
struct cli_cmpl {
    struct ss_store *st;
    struct ss_engine *e;
    long org;
    int32_t today;
    char period[8];
    struct ss_completeness c;
};
/* 0, or the exit code after printing the error as cmd. */
int cli_cmpl_open(const char *cmd, const char *db, const char *period, const char *org,
                  struct cli_cmpl *o);
void cli_cmpl_close(struct cli_cmpl *o);
/* channel add|list|test: where an org unit's messages go (cmd_channel.c). */
int cmd_channel(int argc, char **argv);
/* notify send|list: the outbox (cmd_notify.c). */
int cmd_notify(int argc, char **argv);
/* survey create|list: closed satisfaction surveys (cmd_survey.c). */
int cmd_survey(int argc, char **argv);

/* Shared helpers (cli_util.c). */
/* Database path: --db value, else $SHISHI_DB, else ./shishi.db. */
const char *cli_db_path(const char *flag_value);
/* Print an error as "shishi CMD: FIELD: message", the message in the
 * user's locale (base/l10n.h: ss_lang_from_env), and map it to an exit code. */
int cli_fail(const char *cmd, const struct ss_err *e);
/* 1 if argv[i] is --help or -h anywhere. */
int cli_wants_help(int argc, char **argv);
/* Write len bytes of data to path (the value of option flag, for the
 * error): SS_EIO naming flag and path when it cannot. */
int cli_write_file(const char *flag, const char *path, const char *data, size_t len,
                   struct ss_err *err);
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

/* The outbox's delivery settings from --smtp and --from, else
 * $SHISHI_SMTP_URL and $SHISHI_SMTP_FROM; the strings are the caller's
 * (cmd_notify.c, for notify send, channel test and serve). Unix seconds
 * as YYYY-MM-DDTHH:MM:SSZ. */
struct ss_deliver_conf;
struct ss_json;
struct ss_buf;
int cli_deliver_conf(const char *smtp, const char *from, struct ss_deliver_conf *conf,
                     struct ss_err *err);
void cli_time_text(int64_t t, char out[24]);
/* A command of subcommands (cmd_notify.c): the one argv[1] names, with
 * argv from it; USAGE on --help (stdout, 0) or an unknown one (stderr, 2). */
struct cli_sub {
    const char *name;
    int (*fn)(int argc, char **argv);
};
int cli_subcommand(const char *usage, int argc, char **argv, const struct cli_sub *subs);
/* --json lists: {"KEY":[ ... ]} into b, written to stdout at the close
 * when ok. */
void cli_json_list_open(struct ss_json *j, struct ss_buf *b, const char *key);
void cli_json_list_close(struct ss_json *j, struct ss_buf *b, int ok);

#endif
