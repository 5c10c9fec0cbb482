/*
 * cmd_evolution.c: `cablesim evolution`: one scenario on the network of each
 * year, summarised as a table (text, CSV or JSON) and a text chart.
 *
 * Every year runs the same scenario with as_of set to that year and the same
 * seed, so trial t draws the same random numbers every year (common random
 * numbers): differences between rows come from the network, not from noise
 * in the sampling. The demand file is 2025's; --growth scales it per year.
 * The columns are defined in docs/criticality.md ("Evolution"); the CSV and
 * JSON tables can be drawn with `python3 -m cablesim_analysis evolution`.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cablesim/analysis.h"
#include "cablesim/evolution.h"
#include "cablesim/paths.h"
#include "cablesim/scenario.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim evolution [SCENARIO.yaml] [--from YEAR] [--to YEAR] [--step N]\n"
    "                          [--set KEY=VALUE]... [--growth RATE] [--format text|csv|json]\n"
    "                          [-o TABLE [--force]]\n"
    "\n"
    "Runs SCENARIO (default: scenarios/baseline.yaml) on the network in service in each year\n"
    "from --from (default 2000) to --to (default 2030) every --step years (default 1), with\n"
    "the same seed every year, and prints one row per year: cable systems in service, those\n"
    "landing in Japan and their design capacity, the expected unserved demand with its 95%\n"
    "CI, the probability that some region is cut off from every Japanese city, and the\n"
    "region most often cut off. The text table ends with a chart of the unserved share.\n"
    "\n"
    "  --set KEY=VALUE   override a scenario key, as for 'cablesim run' (not as_of)\n"
    "  --growth RATE     the demand file is 2025's: scale it by (1 + RATE)^(year - 2025)\n"
    "                    (e.g. 0.3 for 30%/year); default: the same demand every year\n"
    "  --format F        text (default), csv or json\n"
    "  -o, --output FILE write the table to FILE (format from --format, else from the\n"
    "                    .csv/.json extension) and the text table to standard output;\n"
    "                    written as FILE.tmp.PID, then renamed\n"
    "  --force           replace FILE when it exists\n"
    "  --quiet           no progress on standard error\n";

typedef enum { FMT_TEXT, FMT_JSON, FMT_CSV } out_format;

typedef struct {
    const char *scenario, *output;
    const char **sets;
    size_t nsets;
    int from, to, step;
    double growth; /* NAN: none */
    out_format format;
    bool format_given, quiet, force;
} evo_args;

/* One year's row and the wall time it took. */
typedef struct {
    cs_evolution_row r;
    double seconds;
} year_row;

static int parse_year(const char *opt, const char *v, int *year)
{
    char *end = NULL;
    const long y = v != NULL ? strtol(v, &end, 10) : 0;
    if (v == NULL || end == v || *end != '\0' || y < 1990 || y > 2100)
        return cli_usage_error("evolution: %s: expected a year from 1990 to 2100, found \"%s\"",
                               opt, v ? v : "nothing");
    *year = (int)y;
    return CLI_OK;
}

static int parse_format(const char *v, out_format *f)
{
    if (v != NULL && strcmp(v, "text") == 0)
        *f = FMT_TEXT;
    else if (v != NULL && strcmp(v, "csv") == 0)
        *f = FMT_CSV;
    else if (v != NULL && strcmp(v, "json") == 0)
        *f = FMT_JSON;
    else
        return cli_usage_error("evolution: --format: expected text, csv or json, found \"%s\"",
                               v ? v : "nothing");
    return CLI_OK;
}

/* Parses the option at argv[*i]; returns an exit status. */
/* The format of -o FILE when --format is not given: from the extension, else text. */
static out_format format_of(const char *path)
{
    const size_t n = strlen(path);
    if (n >= 4 && strcmp(path + n - 4, ".csv") == 0) return FMT_CSV;
    if (n >= 5 && strcmp(path + n - 5, ".json") == 0) return FMT_JSON;
    return FMT_TEXT;
}

enum { OPT_FROM = 256, OPT_TO, OPT_STEP, OPT_SET, OPT_GROWTH, OPT_FORMAT, OPT_FORCE };

/* Takes option c with value v (NULL when missing); returns an exit status. */
static int parse_option(evo_args *a, int c, const char *v)
{
    char *end = NULL;
    if (c == OPT_FROM) return parse_year("--from", v, &a->from);
    if (c == OPT_TO) return parse_year("--to", v, &a->to);
    if (c == OPT_STEP) {
        const long n = v != NULL ? strtol(v, &end, 10) : 0;
        if (v == NULL || end == v || *end != '\0' || n < 1 || n > 100)
            return cli_usage_error("evolution: --step: expected a whole number of years from 1 "
                                   "to 100, found \"%s\"",
                                   v ? v : "nothing");
        a->step = (int)n;
    } else if (c == OPT_SET) {
        if (v == NULL) return cli_usage_error("evolution: --set needs KEY=VALUE");
        if (strncmp(v, "as_of=", 6) == 0 || strcmp(v, "as_of") == 0)
            return cli_usage_error("evolution: --set %s: the year is set by --from, --to and "
                                   "--step",
                                   v);
        a->sets[a->nsets++] = v;
    } else if (c == OPT_GROWTH) {
        const double x = v != NULL ? strtod(v, &end) : NAN;
        if (v == NULL || end == v || *end != '\0' || strpbrk(v, "xX") || !(x > -1.0 && x <= 10.0))
            return cli_usage_error("evolution: --growth: expected a yearly growth rate above -1 "
                                   "and at most 10 (0.3 for 30%%/year), found \"%s\"",
                                   v ? v : "nothing");
        a->growth = x;
    } else if (c == OPT_FORMAT) {
        a->format_given = true;
        return parse_format(v, &a->format);
    } else if (c == 'o') {
        if ((a->output = v) == NULL)
            return cli_usage_error("evolution: -o/--output needs a file name");
    } else if (c == 'q') {
        a->quiet = true;
    } else if (c == OPT_FORCE) {
        a->force = true;
    } else {
        return CLI_USAGE; /* cli_getopt_next() said what */
    }
    return CLI_OK;
}

static int parse_args(evo_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->from = 2000;
    a->to = 2030;
    a->step = 1;
    a->growth = NAN;
    a->sets = calloc((size_t)argc + 2, sizeof *a->sets);
    if (a->sets == NULL) return cli_usage_error("out of memory");
    static const struct option opts[] = {{"from", required_argument, NULL, OPT_FROM},
                                         {"to", required_argument, NULL, OPT_TO},
                                         {"step", required_argument, NULL, OPT_STEP},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"growth", required_argument, NULL, OPT_GROWTH},
                                         {"format", required_argument, NULL, OPT_FORMAT},
                                         {"output", required_argument, NULL, 'o'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "evolution", opts, "o:q", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1)
        st = parse_option(a, c, g.arg);
    if (st == CLI_OK && g.npos > 1)
        st = cli_usage_error("evolution: expected one SCENARIO, found a second one \"%s\"",
                             g.pos[1]);
    a->scenario = g.npos > 0 ? g.pos[0] : NULL;
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    if (a->from > a->to)
        return cli_usage_error("evolution: --from %d is after --to %d", a->from, a->to);
    if (a->output != NULL && !a->format_given) a->format = format_of(a->output);
    return cli_refuse_existing("evolution", a->output, a->force, &a->scenario, 1);
}

/* ------------------------------------------------------------ output */

/* A bar of up to w '#' for x on a scale whose largest value is top. */
static void print_bar(FILE *f, double x, double top, int w)
{
    const int bars = top > 0 ? (int)lround((double)w * x / top) : 0;
    for (int b = 0; b < w; b++)
        fputc(b < bars ? '#' : ' ', f);
}

/*
 * The chart: per year, the unserved share (what the network of that year cannot carry of
 * the demand, hazards included), the loss the hazards add to the intact network's, and the
 * probability that some region the intact network reaches is cut off; each scaled to its
 * largest value.
 */
static void print_chart(FILE *f, const year_row *rows, size_t n)
{
    enum { W = 24 };
    double top_share = 0.0, top_loss = 0.0, top_p = 0.0;
    for (size_t i = 0; i < n; i++) {
        top_share = fmax(top_share, rows[i].r.share);
        top_loss = fmax(top_loss, rows[i].r.loss);
        top_p = fmax(top_p, rows[i].r.any_reached_cut.p);
    }
    fprintf(f, "\n%4s  %-*s  %-*s  %s\n", "year", W + 9, "E[unserved] share of the demand", W + 12,
            "loss the hazards add, Tbps", "P(a reached region cut off)");
    for (size_t i = 0; i < n; i++) {
        const cs_evolution_row *r = &rows[i].r;
        fprintf(f, "%4d  ", r->year);
        print_bar(f, r->share, top_share, W);
        fprintf(f, " %6.2f%%  ", 100.0 * r->share);
        print_bar(f, r->loss, top_loss, W);
        fprintf(f, " %10.4f  ", r->loss);
        print_bar(f, r->any_reached_cut.p, top_p, W);
        fprintf(f, " %.5f\n", r->any_reached_cut.p);
    }
}

/* The text cell of expected unserved, stated as cs_analysis_loss_interval says (the normal
 * interval only with enough trials that lose something). Returns snprintf's length. */
static int unserved_cell(char *buf, size_t n, const cs_evolution_row *r)
{
    if (r->unserved_kind == CS_LOSS_ONE_OUTCOME)
        return snprintf(buf, n, "%.3f (one outcome)", r->mean);
    if (r->unserved_kind == CS_LOSS_BOUND)
        return snprintf(buf, n, "%.3f (at most %.3f)", r->mean, r->ci_high);
    return snprintf(buf, n, "%.3f (%.3f to %.3f)", r->mean, r->ci_low, r->ci_high);
}

static void print_text(FILE *f, const year_row *rows, size_t n, const char *path, const evo_args *a,
                       double seconds)
{
    fprintf(f,
            "cablesim evolution: %s, %d to %d every %d year%s, %llu trials a year (same "
            "seed)\n",
            path, a->from, a->to, a->step, a->step == 1 ? "" : "s",
            n ? (unsigned long long)rows[0].r.trials : 0ULL);
    if (isnan(a->growth))
        fprintf(f, "  demand: 2025's every year\n");
    else
        fprintf(f, "  demand: 2025's x (1 + %g)^(year - 2025)\n", a->growth);
    char ci[64];
    int wci = (int)strlen("E[unserved] Tbps (95% CI)");
    bool bound = false, one = false;
    for (size_t i = 0; i < n; i++) {
        const int len = unserved_cell(ci, sizeof ci, &rows[i].r);
        if (len > wci) wci = len;
        bound = bound || rows[i].r.unserved_kind == CS_LOSS_BOUND;
        one = one || rows[i].r.unserved_kind == CS_LOSS_ONE_OUTCOME;
    }
    fprintf(f, "\n%4s  %7s  %6s  %9s  %11s  %-*s  %9s  %7s  %8s  %9s  %8s  %s\n", "year", "systems",
            "to JP", "JP Tbps", "intact Tbps", wci, "E[unserved] Tbps (95% CI)", "loss Tbps",
            "share", "P(any)", "unreached", "P(new)", "worst region: P(cut)");
    for (size_t i = 0; i < n; i++) {
        const cs_evolution_row *r = &rows[i].r;
        unserved_cell(ci, sizeof ci, r);
        fprintf(f, "%4d  %7zu  %6zu  %9.1f  %11.3f  %-*s  %9.3f  %6.2f%%  %8.5f  %9zu  %8.5f  ",
                r->year, r->systems, r->japan_systems, r->japan_design_tbps,
                r->baseline_unserved_tbps, wci, ci, r->loss, 100.0 * r->share, r->any_cut.p,
                r->unreached, r->any_reached_cut.p);
        if (r->worst[0])
            fprintf(f, "%s: %.5f\n", r->worst, r->worst_p);
        else
            fprintf(f, "-\n");
    }
    if (bound)
        fprintf(f,
                "  at most: fewer than %d trials lose anything, too few for a normal interval: "
                "the intact unserved plus served demand x the 95%% Clopper-Pearson upper bound "
                "of P(loss > 0)\n",
                CS_ANALYSIS_MIN_LOSS_TRIALS);
    if (one) fprintf(f, "  one outcome: every trial has the same outcome (no interval)\n");
    print_chart(f, rows, n);
    fprintf(f, "\n%zu years in %.1f s\n", n, seconds);
}

static const char *const csv_head =
    "year,systems,japan_systems,japan_design_tbps,trials,demand_scale,demand_tbps,"
    "baseline_unserved_tbps,expected_unserved_tbps,expected_unserved_tbps_lo,"
    "expected_unserved_tbps_hi,unserved_statement,loss_trials,p_loss_hi,expected_loss_tbps,"
    "expected_unserved_share,p_any_region_cut,p_any_region_cut_lo,p_any_region_cut_hi,"
    "regions,regions_unreached,p_any_reached_region_cut,p_any_reached_region_cut_lo,"
    "p_any_reached_region_cut_hi,worst_region,worst_region_p_cut,seconds";

static void print_csv(FILE *f, const year_row *rows, size_t n)
{
    fprintf(f, "%s\n", csv_head);
    for (size_t i = 0; i < n; i++) {
        const cs_evolution_row *r = &rows[i].r;
        fprintf(f, "%d,%zu,%zu,%.12g,%llu,%.12g,%.12g,%.12g,%.12g,%.12g,%.12g,%s,%llu,", r->year,
                r->systems, r->japan_systems, r->japan_design_tbps, (unsigned long long)r->trials,
                r->demand_scale, r->demand_tbps, r->baseline_unserved_tbps, r->mean, r->ci_low,
                r->ci_high, cs_analysis_loss_kind_name(r->unserved_kind),
                (unsigned long long)r->loss_trials);
        if (!isnan(r->p_loss_hi)) fprintf(f, "%.12g", r->p_loss_hi);
        fprintf(f, ",%.12g,%.12g,", r->loss, r->share);
        fprintf(f, "%.12g,%.12g,%.12g,%zu,%zu,%.12g,%.12g,%.12g,", r->any_cut.p, r->any_cut.lo,
                r->any_cut.hi, r->regions, r->unreached, r->any_reached_cut.p,
                r->any_reached_cut.lo, r->any_reached_cut.hi);
        /* Region names hold no comma or quote in cablesim's data; quote them anyway if so. */
        if (strpbrk(r->worst, ",\"") != NULL)
            fprintf(f, "\"%s\",", r->worst);
        else
            fprintf(f, "%s,", r->worst);
        fprintf(f, "%.12g,%.3f\n", r->worst_p, rows[i].seconds);
    }
}

static json_t *json_row(const year_row *y, bool *ok)
{
    const cs_evolution_row *r = &y->r;
    json_t *o = json_object();
    cli_json_put(o, "year", json_integer(r->year), ok);
    cli_json_put(o, "systems", json_integer((json_int_t)r->systems), ok);
    cli_json_put(o, "japan_systems", json_integer((json_int_t)r->japan_systems), ok);
    cli_json_put(o, "japan_design_tbps", json_real(r->japan_design_tbps), ok);
    cli_json_put(o, "trials", json_integer((json_int_t)r->trials), ok);
    cli_json_put(o, "demand_scale", json_real(r->demand_scale), ok);
    cli_json_put(o, "demand_tbps", json_real(r->demand_tbps), ok);
    cli_json_put(o, "baseline_unserved_tbps", json_real(r->baseline_unserved_tbps), ok);
    cli_json_put(o, "expected_unserved_tbps", json_real(r->mean), ok);
    cli_json_put(o, "expected_unserved_tbps_lo", json_real(r->ci_low), ok);
    cli_json_put(o, "expected_unserved_tbps_hi", json_real(r->ci_high), ok);
    cli_json_put(o, "unserved_statement", json_string(cs_analysis_loss_kind_name(r->unserved_kind)),
                 ok);
    cli_json_put(o, "loss_trials", json_integer((json_int_t)r->loss_trials), ok);
    cli_json_put(o, "p_loss_hi", isnan(r->p_loss_hi) ? json_null() : json_real(r->p_loss_hi), ok);
    cli_json_put(o, "expected_loss_tbps", json_real(r->loss), ok);
    cli_json_put(o, "expected_unserved_share", json_real(r->share), ok);
    cli_json_put(o, "p_any_region_cut", json_real(r->any_cut.p), ok);
    cli_json_put(o, "p_any_region_cut_lo", json_real(r->any_cut.lo), ok);
    cli_json_put(o, "p_any_region_cut_hi", json_real(r->any_cut.hi), ok);
    cli_json_put(o, "regions", json_integer((json_int_t)r->regions), ok);
    cli_json_put(o, "regions_unreached", json_integer((json_int_t)r->unreached), ok);
    cli_json_put(o, "p_any_reached_region_cut", json_real(r->any_reached_cut.p), ok);
    cli_json_put(o, "p_any_reached_region_cut_lo", json_real(r->any_reached_cut.lo), ok);
    cli_json_put(o, "p_any_reached_region_cut_hi", json_real(r->any_reached_cut.hi), ok);
    cli_json_put(o, "worst_region", r->worst[0] ? json_string(r->worst) : json_null(), ok);
    cli_json_put(o, "worst_region_p_cut", json_real(r->worst_p), ok);
    cli_json_put(o, "seconds", json_real(y->seconds), ok);
    return o;
}

/* An object whose only list is the rows, as the Python reader expects. */
static bool print_json(FILE *f, const year_row *rows, size_t n, const char *path, const evo_args *a)
{
    bool ok = true;
    json_t *root = json_object(), *arr = json_array();
    cli_json_put(root, "format", json_string("cablesim-evolution"), &ok);
    cli_json_put(root, "format_version", json_integer(1), &ok);
    cli_json_put(root, "scenario", json_string(path), &ok);
    cli_json_put(root, "demand_year", json_integer(CS_EVOLUTION_DEMAND_YEAR), &ok);
    cli_json_put(root, "growth", isnan(a->growth) ? json_null() : json_real(a->growth), &ok);
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(arr, json_row(&rows[i], &ok)) != 0) ok = false;
    cli_json_put(root, "rows", arr, &ok);
    const size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12);
    ok = ok && json_dumpf(root, f, flags) == 0 && fputc('\n', f) != EOF;
    json_decref(root);
    return ok;
}

static bool write_table(FILE *f, out_format fmt, const year_row *rows, size_t n, const char *path,
                        const evo_args *a, double seconds)
{
    if (fmt == FMT_TEXT)
        print_text(f, rows, n, path, a, seconds);
    else if (fmt == FMT_CSV)
        print_csv(f, rows, n);
    else if (!print_json(f, rows, n, path, a))
        return false;
    return !ferror(f);
}

/* Writes the table to -o FILE (and the text to standard output), or to standard output. FILE is
 * written as FILE.tmp.PID and renamed once complete, so a failure leaves nothing that looks
 * finished. */
static int output(const year_row *rows, size_t n, const char *path, const evo_args *a,
                  double seconds)
{
    if (a->output == NULL) {
        if (write_table(stdout, a->format, rows, n, path, a, seconds) && fflush(stdout) == 0)
            return CLI_OK;
        cli_message("evolution: cannot write the table to standard output");
        return CLI_FAIL;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", a->output, (long)getpid()) >= (int)sizeof tmp)
        return cli_usage_error("evolution: -o %s: the name is too long", a->output);
    FILE *f = fopen(tmp, "w");
    if (f == NULL && cs_errno_full(errno)) { /* a full disk: not the path's fault */
        cli_message("evolution: -o %s: cannot create %s: %s", a->output, tmp, strerror(errno));
        return CLI_FAIL;
    }
    if (f == NULL)
        return cli_usage_error("evolution: -o %s: cannot create the file: %s", a->output,
                               strerror(errno));
    errno = 0;
    const bool ok = write_table(f, a->format, rows, n, path, a, seconds);
    int e = ok ? 0 : errno; /* the failed write's cause (a full disk, a file size limit) */
    if (fclose(f) != 0 && ok) e = errno != 0 ? errno : EIO;
    if (!ok || e != 0) {
        remove(tmp);
        cli_message("evolution: -o %s: cannot write: %s", a->output,
                    e != 0 ? strerror(e) : "write error");
        return CLI_FAIL;
    }
    if (rename(tmp, a->output) != 0) { /* a directory in the way: the path's fault */
        e = errno;
        remove(tmp);
        return cli_usage_error("evolution: -o %s: cannot rename %s to it: %s", a->output, tmp,
                               strerror(e));
    }
    print_text(stdout, rows, n, path, a, seconds);
    return CLI_OK;
}

int cmd_evolution(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    evo_args a;
    int st = parse_args(&a, argc, argv);
    char path[4096];
    cs_error err = CS_ERROR_INIT;
    if (st == CLI_OK && a.scenario != NULL) st = cli_scenario_file(a.scenario, path, sizeof path);
    if (st == CLI_OK && a.scenario == NULL &&
        cs_data_path(path, sizeof path, "scenarios/baseline.yaml", &err) != CS_OK)
        st = cli_report(&err);
    const size_t n = st == CLI_OK ? (size_t)((a.to - a.from) / a.step + 1) : 0;
    year_row *rows = calloc(n + 1, sizeof *rows);
    if (st == CLI_OK && rows == NULL) st = cli_usage_error("out of memory");
    const bool progress = !a.quiet && isatty(STDERR_FILENO);
    const cs_evolution_options opt = {.sets = a.sets, .n_sets = a.nsets, .growth = a.growth};
    const double t0 = cli_now_s();
    for (size_t i = 0; i < n && st == CLI_OK; i++) {
        const int year = a.from + (int)i * a.step;
        const double t1 = cli_now_s();
        if (cs_evolution_year(&rows[i].r, path, year, &opt, &err) != CS_OK) {
            cli_message("evolution: as of %d: %s", year, err.msg);
            st = cli_status(err.code);
            break;
        }
        rows[i].seconds = cli_now_s() - t1;
        if (progress) fprintf(stderr, "\r  %d done (%.1f s)   ", year, cli_now_s() - t0);
    }
    if (progress && st == CLI_OK) fputc('\n', stderr);
    if (st == CLI_OK) st = output(rows, n, path, &a, cli_now_s() - t0);
    free(rows);
    free(a.sets);
    return st;
}
