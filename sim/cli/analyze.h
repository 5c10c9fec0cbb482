/*
 * analyze.h: what `cablesim analyze` and `cablesim compare` share (cmd_analyze.c: options and
 * the analyze command, with the text helpers; analyze_text.c, analyze_json.c, analyze_csv.c:
 * one file's statistics as text, JSON and CSV; cmd_compare.c: the compare command). Internal
 * to the CLI.
 */
#ifndef CS_CLI_ANALYZE_H
#define CS_CLI_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cablesim/analysis.h"
#include "cablesim/resultsio.h"

typedef enum { FMT_TEXT, FMT_JSON, FMT_CSV } out_format;

/* Files one compare takes at most. */
#define CLI_MAX_FILES 256

typedef struct {
    const char *files[CLI_MAX_FILES];
    size_t n_files;
    out_format format;
    const char *table;
    size_t top;
    double precision;
} analyze_args;

/* Parses the arguments of analyze (want_files 1) or compare (2 or more). Returns an exit status. */
int an_parse_args(const char *cmd, int argc, char **argv, size_t want_files, analyze_args *a);
/* Prints usage and returns true when an argument asks for help. */
bool an_wants_help(int argc, char **argv, const char *usage);
/* st, or CLI_FAIL (said on stderr) when the output cannot be written. */
int an_finish(int st, const char *cmd);

/* ------------------------------------------------------------- text helpers */

/* Column headings of the flow and comparison tables. */
#define FLOW_HDR "  %-34s %9s  %9s  %9s  %9s  %9s\n"
#define CMP_HDR  "  %-28s %12s  %12s  %12s  %28s  %8s  %8s  %8s  %s\n"

/* Sorts indices idx[0..n) by key descending (NaN last), ties by index. */
typedef struct {
    size_t i;
    double key;
} ranked;

/* "ORIGIN-DESTINATION" of demand k into buf. */
const char *an_demand_label(const cs_results_info *in, size_t k, char *buf, size_t n);
/* Columns s takes on a terminal: its UTF-8 code points. */
int an_text_width(const char *s);
/* s, then spaces up to w columns. */
void an_print_padded(const char *s, int w);
/* lead spaces, then x in width columns with prec decimals, or "-" when it is not a number. */
void an_pnum(int lead, int width, int prec, double x);
/* "p (lo-hi)" for a proportion, "-" when it has no trials. */
void an_pprop(const cs_proportion *p);
/* As an_pprop, but "p (one outcome)" when every trial of a has the same failures. */
void an_pprop_of(const cs_analysis_t *a, const cs_proportion *p);
/* An honest statement in width columns: "mean (lo-hi)", "mean (one outcome)", or for a bound
 * "mean (>= lo)" (a served fraction) or "mean (<= hi)" (unserved Tbps). */
void an_pstated(const cs_loss_interval *s, int width, int prec, bool served);
/* The words that explain an_pstated's bounds and one outcomes under a table. */
void an_print_stated_note(const char *what);
/* The indices of keys in descending order; NULL when out of memory. */
ranked *an_rank(const double *keys, size_t n);

/* ------------------------------------------------------------- one file's layouts */

/* The text of analyze: top rows of each ranking. */
void an_print_text(const cs_analysis_t *a, size_t top);
/* The recovery section of the text. */
void an_print_recovery(const cs_recovery_analysis_t *v);
/* One CSV table (NULL: regions). */
void an_print_csv(const cs_analysis_t *a, const cs_recovery_analysis_t *v, const char *table);
/* A CSV number field; empty when not finite. */
void an_csv_num(double x, bool last);

/* ------------------------------------------------------------- JSON */

/* Objects are built with cli_json_put and cli_json_push and printed with cli_json_print (cli.h). */
/* A number, or null when it is not finite. */
json_t *an_jnum(double x);
json_t *an_jint(uint64_t x);
json_t *an_j_estimate(const cs_estimate *e, bool *ok);
/* The whole analysis of one file. */
json_t *an_j_analysis(const cs_analysis_t *a, bool *ok);
json_t *an_j_recovery(const cs_recovery_analysis_t *v, bool *ok);

#endif /* CS_CLI_ANALYZE_H */
