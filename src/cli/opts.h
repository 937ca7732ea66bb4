/*
 * opts.h - a small, strict option parser for the CLI.
 *
 * Options are --name VALUE, --name=VALUE or --flag. Unknown options and
 * missing values are usage errors that name the option.
 */
#ifndef SS_OPTS_H
#define SS_OPTS_H

struct cli_opt {
    const char *name; /* without the leading "--" */
    int takes_value;
    const char **value; /* receives the value (takes_value) */
    int *flag;          /* set to 1 (flags) */
};

/* Parse argv[1..argc-1]. Positional arguments are collected into pos (up to
 * maxpos; more is an error). Returns 0, or prints the problem under `cmd`
 * and returns SS_EXIT_USAGE. Every command also takes --audit-key FILE (and
 * $SHISHI_AUDIT_KEY): the file of the audit log's signing key, handed to
 * the store (ss_store_audit_key_file). */
int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts, const char **pos,
              int maxpos, int *npos);

#endif
