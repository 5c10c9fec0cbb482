/*
 * cli.h: shared pieces of the cablesim command-line interface.
 *
 * Exit statuses (docs/cli.md): 0 success, 1 a failure that is not the
 * input's fault (out of memory, cannot write output), 2 invalid input or
 * usage (the one-line message names the file and the place).
 */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "cablesim/error.h"
#include "cablesim/inspect.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/** Prints err's message as one line on stderr; returns the exit status for its code. */
int cli_report(const cs_error *err);

/** Prints "cablesim: <msg>" (printf-style) on stderr as one line: control characters are
 * escaped (cs_escape_line), so a file name or a quoted input cannot break it. */
void cli_message(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** cli_message(), then returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** Exit status for a status code: 2 for input problems, 1 otherwise. */
int cli_status(cs_status rc);

/** Parses a year option value ("2011"); false when not an integer in 1850..2100. */
bool cli_parse_year(const char *s, int *year);

/** The current calendar year (UTC), the default for --as-of. */
int cli_current_year(void);

/** Whether a is "-h" or "--help". */
bool cli_is_help(const char *a);

/** Copies arg, or the bundled topology's path when arg is NULL, into buf; returns an exit status.
 */
int cli_topology_file(const char *arg, char *buf, size_t n);

/**
 * The one option parser of every subcommand (getopt_long): long options as "--name value" or
 * "--name=value" (or an unambiguous prefix), short ones as "-o value"; options and operands in
 * any order ("--" ends the options). Unknown options get a did-you-mean among the command's
 * long options.
 */
typedef struct {
    const char *cmd;          /**< "run", "topology info": the start of messages */
    const struct option *opt; /**< the command's options, ending with a zero entry */
    int argc;
    char **argv;      /**< a copy, argv[0] = cmd; getopt_long reorders it */
    const char *arg;  /**< the value of the option just returned; NULL when it was not given */
    const char **pos; /**< [npos] the operands, in order, once cli_getopt_next() returned -1 */
    size_t npos;
    char shortopts[64];
} cli_getopt;

/** Prepares to parse argv[0..argc) (the arguments after the command's name). false: out of
 * memory (after the message). */
bool cli_getopt_init(cli_getopt *g, const char *cmd, const struct option *opt,
                     const char *shortopts, int argc, char **argv);
/**
 * The next option: its `val` (g->arg its value; NULL when a required value is missing or empty,
 * for the caller to say what it expected); -1 at the end (operands in g->pos); '?' after printing
 * the one-line error for an unknown option or a value given to an option that takes none.
 */
int cli_getopt_next(cli_getopt *g);
void cli_getopt_destroy(cli_getopt *g);

/** Writes s to stdout as a CSV field (quoted when needed), then ',' or, when last, a newline. */
void cli_csv_str(const char *s, bool last);
/* Seconds on the monotonic clock (for durations). */
double cli_now_s(void);
/* Sets obj[key] = v, stealing v; clears *ok when v is NULL or the set fails. */
void cli_json_put(json_t *obj, const char *key, json_t *v, bool *ok);
/* Appends v to arr, stealing v; clears *ok when v is NULL or the append fails. */
void cli_json_push(json_t *arr, json_t *v, bool *ok);
/* Prints root (indented, keys in order) and frees it. Returns CLI_OK, or CLI_FAIL (said on
 * stderr, "cablesim: CMD: cannot build or write the JSON output") when !ok or the write fails. */
int cli_json_print(json_t *root, bool ok, const char *cmd);

int cmd_topology(int argc, char **argv);
int cmd_run(int argc, char **argv);
/** `analyze RESULTS.h5 ...` and `compare A.h5 B.h5 ...` (cmd_analyze.c). */
int cmd_analyze(int argc, char **argv);
int cmd_compare(int argc, char **argv);
/** `status RESULTS.h5 [--format json]` (cmd_status.c). */
int cmd_status(int argc, char **argv);
/**
 * A resumable file's inputs (cmd_status.c, also for run --resume-or-start): the stored scenario
 * loads from the current directory and its topology and demand have the file's sha256; otherwise
 * info becomes NOT_RESUMABLE with the reason. Returns an exit status (1: out of memory).
 */
int cli_status_check_inputs(const char *path, cs_file_checked *seen, cs_file_info *info);
/** `report RESULTS.h5... -o REPORT.html` (cmd_report.c). */
int cmd_report(int argc, char **argv);
/** `merge -o OUT.h5 PART.h5...` (cmd_merge.c). */
int cmd_merge(int argc, char **argv);
/** `criticality [TOPOLOGY] ...` (cmd_criticality.c). */
int cmd_criticality(int argc, char **argv);
/** `scenarios [--paths]` (cmd_scenarios.c). */
int cmd_scenarios(int argc, char **argv);
/**
 * The scenario file arg names: arg itself when it exists, else the bundled scenario of that name
 * (`cablesim run nankai-m9`), copied into buf[n]. Returns an exit status after the message.
 */
int cli_scenario_file(const char *arg, char *buf, size_t n);
/**
 * The rule of every -o (issue 13): an existing path (file, link or anything else) is replaced only
 * with --force, and never when it is not a regular file or a link, or is one of the command's
 * inputs inputs[0..n_inputs); an empty name, a name ending in '/' and a missing directory are
 * refused too (cs_outfile_check_replace()), all before anything is computed. CLI_OK when path is
 * NULL or may be written; otherwise a one-line message naming path and CLI_USAGE.
 */
int cli_refuse_existing(const char *cmd, const char *path, bool force, const char *const *inputs,
                        size_t n_inputs);
/** `evolution [SCENARIO] ...` (cmd_evolution.c). */
int cmd_evolution(int argc, char **argv);
/** `topology info [FILE] [--as-of YEAR] [--json]` (cmd_info.c). */
int cmd_topology_info(int argc, char **argv);
/** `topology export [FILE] --format F [--as-of YEAR] [-o OUT [--force]]` (cmd_export.c). */
int cmd_topology_export(int argc, char **argv);

#endif
