/*
 * cmd_criticality.c: `cablesim criticality`: exhaustive N-1 and N-2
 * contingency analysis of a network year, as text, JSON or CSV.
 *
 * The numbers come from cs_criticality_compute(); this file parses the
 * options, loads the topology and the demand, times each analysis and lays
 * the results out (docs/criticality.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cablesim/criticality.h"
#include "cablesim/demand.h"
#include "cablesim/paths.h"
#include "cablesim/topology.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim criticality [TOPOLOGY] [--demand CSV] [--as-of YEAR] [-k 1|2]\n"
    "                            [--unit segment|cable|station|all] [--capacity lit|design]\n"
    "                            [--top N] [--format text|json|csv]\n"
    "\n"
    "Fails every element of the network in service in YEAR alone (N-1) and, with -k 2, every\n"
    "pair of elements (N-2), reroutes the demand (latency-first) and ranks the contingencies\n"
    "by the demand left unserved. Lists each foreign region's single points of failure and\n"
    "the pairs that cut it off although neither element alone does (docs/criticality.md).\n"
    "\n"
    "  TOPOLOGY          GeoJSON topology (default: the bundled topology/japan.geojson)\n"
    "  --demand CSV      demand matrix (default: the bundled topology/japan-demand.csv)\n"
    "  --as-of YEAR      the network in service in YEAR (default: the current year)\n"
    "  -k, --k 1|2       1: single failures only; 2: also every pair (default 1)\n"
    "  --unit U          segment (default), cable (every segment of a system), station\n"
    "                    (a landing station and every edge ending there), or all three\n"
    "  --capacity C      route on lit (default) or design capacity\n"
    "  --top N           rows per ranked table (default 20; 0: all)\n"
    "  --format F        text (default), json (everything but the per-pair rows beyond\n"
    "                    --top) or csv (one row per contingency shown)\n";

typedef enum { FMT_TEXT, FMT_JSON, FMT_CSV } out_format;

typedef struct {
    const char *topology, *demand; /* NULL: bundled */
    int as_of;
    unsigned k;
    bool all_units;
    cs_criticality_unit unit;
    bool lit;
    size_t top;
    out_format format;
} crit_args;

/* One analysis of one unit, with its run time. */
typedef struct {
    cs_criticality_t *c;
    double seconds;
} analysis;

enum { OPT_DEMAND = 256, OPT_AS_OF, OPT_UNIT, OPT_CAPACITY, OPT_TOP, OPT_FORMAT };

/* Takes option c with value v (NULL when missing); returns an exit status. */
static int parse_option(crit_args *a, int c, const char *v)
{
    if (c == OPT_DEMAND) {
        if ((a->demand = v) == NULL)
            return cli_usage_error("criticality: --demand: expected a CSV file, found nothing");
    } else if (c == OPT_AS_OF) {
        if (v == NULL || !cli_parse_year(v, &a->as_of))
            return cli_usage_error(
                "criticality: --as-of: expected a year between 1850 and 2100, found \"%s\"",
                v ? v : "nothing");
    } else if (c == 'k') {
        if (v == NULL || (strcmp(v, "1") != 0 && strcmp(v, "2") != 0))
            return cli_usage_error("criticality: -k: expected 1 or 2, found \"%s\"",
                                   v ? v : "nothing");
        a->k = (unsigned)(v[0] - '0');
    } else if (c == OPT_UNIT) {
        a->all_units = v != NULL && strcmp(v, "all") == 0;
        if (v == NULL || (!a->all_units && !cs_criticality_unit_parse(v, &a->unit)))
            return cli_usage_error(
                "criticality: --unit: expected segment, cable, station or all, found \"%s\"",
                v ? v : "nothing");
    } else if (c == OPT_CAPACITY) {
        if (v == NULL || !cs_routing_capacity_from_name(v, &a->lit))
            return cli_usage_error("criticality: --capacity: expected lit or design, found \"%s\"",
                                   v ? v : "nothing");
    } else if (c == OPT_TOP) {
        char *end = NULL;
        const long n = v != NULL ? strtol(v, &end, 10) : -1;
        if (v == NULL || end == v || *end != '\0' || n < 0 || n > 100000000)
            return cli_usage_error("criticality: --top: expected a whole number from 0 (all) to "
                                   "100000000, found \"%s\"",
                                   v ? v : "nothing");
        a->top = n == 0 ? SIZE_MAX : (size_t)n;
    } else if (c == OPT_FORMAT) {
        if (v != NULL && strcmp(v, "text") == 0)
            a->format = FMT_TEXT;
        else if (v != NULL && strcmp(v, "json") == 0)
            a->format = FMT_JSON;
        else if (v != NULL && strcmp(v, "csv") == 0)
            a->format = FMT_CSV;
        else
            return cli_usage_error("criticality: --format: expected text, json or csv, found "
                                   "\"%s\"",
                                   v ? v : "nothing");
    } else {
        return CLI_USAGE; /* cli_getopt_next() said what */
    }
    return CLI_OK;
}

static int parse_args(crit_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->as_of = cli_current_year();
    a->k = 1;
    a->unit = CS_CRITICALITY_SEGMENT;
    a->lit = true;
    a->top = 20;
    static const struct option opts[] = {{"demand", required_argument, NULL, OPT_DEMAND},
                                         {"as-of", required_argument, NULL, OPT_AS_OF},
                                         {"k", required_argument, NULL, 'k'},
                                         {"unit", required_argument, NULL, OPT_UNIT},
                                         {"capacity", required_argument, NULL, OPT_CAPACITY},
                                         {"top", required_argument, NULL, OPT_TOP},
                                         {"format", required_argument, NULL, OPT_FORMAT},
                                         {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "criticality", opts, "k:", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1)
        st = parse_option(a, c, g.arg);
    if (st == CLI_OK && g.npos > 1)
        st = cli_usage_error("criticality: expected at most one TOPOLOGY, found \"%s\" after "
                             "\"%s\"",
                             g.pos[1], g.pos[0]);
    a->topology = g.npos > 0 ? g.pos[0] : NULL;
    cli_getopt_destroy(&g);
    return st;
}

/* ------------------------------------------------------------ helpers */

static const char *unit_plural(cs_criticality_unit u)
{
    return u == CS_CRITICALITY_SEGMENT ? "segments"
                                       : (u == CS_CRITICALITY_CABLE ? "cables" : "stations");
}

static const char *element_id(const cs_criticality_t *c, size_t x)
{
    return c->elements[x].id;
}

static const char *element_label(const cs_criticality_t *c, size_t x)
{
    return c->elements[x].label ? c->elements[x].label : "";
}

/* Labels (cable systems' full names) are cut to this many columns in text tables. */
#define LABEL_MAX 30

/* How many rows of a ranked table of n are shown. */
static size_t shown(const crit_args *a, size_t n)
{
    return n < a->top ? n : a->top;
}

/* Columns s takes on a terminal: its UTF-8 code points. */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_padded(const char *s, int w)
{
    fputs(s, stdout);
    for (int i = text_width(s); i < w; i++)
        putchar(' ');
}

/* Prints s in a column w wide, cut at a code point with "..." when longer than LABEL_MAX. */
static void print_label(const char *s, int w)
{
    if (text_width(s) <= LABEL_MAX) {
        print_padded(s, w);
        return;
    }
    int cols = 0;
    for (; *s; s++) {
        const bool start = ((unsigned char)*s & 0xC0) != 0x80;
        if (start && cols == LABEL_MAX - 3) break;
        cols += start;
        putchar(*s);
    }
    fputs("...", stdout);
    for (int i = LABEL_MAX; i < w; i++)
        putchar(' ');
}

/* Width of the widest element id and label among outcomes rank[0..n) (both ends). */
static void id_widths(const cs_criticality_t *c, const size_t *rank, size_t n, int *wid, int *wlab)
{
    for (size_t i = 0; i < n; i++) {
        const cs_criticality_outcome *o = &c->outcomes[rank[i]];
        for (int s = 0; s < 2; s++) {
            const size_t x = s == 0 ? o->a : o->b;
            if (x == CS_CRITICALITY_NONE) continue;
            const int a = text_width(element_id(c, x));
            int b = text_width(element_label(c, x));
            if (b > LABEL_MAX) b = LABEL_MAX;
            if (a > *wid) *wid = a;
            if (b > *wlab) *wlab = b;
        }
    }
}

/* Prints the regions outcome k cuts off, joined by ", " ("-" when none). */
static void print_cut_regions(const cs_criticality_t *c, size_t k)
{
    size_t n = 0;
    for (size_t g = 0; g < c->n_regions; g++)
        if (cs_criticality_newly_cut(c, k, g)) printf("%s%s", n++ ? ", " : "", c->regions[g].name);
    if (n == 0) putchar('-');
}

/* ------------------------------------------------------------ text */

static void print_header(const cs_topology_t *t, const cs_demand_t *d, const char *demand_path,
                         const crit_args *a, const cs_criticality_t *c)
{
    size_t cut = 0;
    for (size_t g = 0; g < c->n_regions; g++)
        cut += c->regions[g].intact_cut;
    printf("cablesim criticality: %s as of %d (sha256 %.12s)\n", cs_topology_path(t),
           cs_topology_as_of(t), cs_topology_sha256(t));
    printf("  demand: %s, %.2f Tbps in %zu pairs; routing latency-first on %s capacity\n",
           demand_path, c->demand_tbps, cs_demand_count(d), cs_routing_capacity_name(a->lit));
    printf("  intact network: %.3f Tbps unserved; %zu foreign regions, %zu of them already cut "
           "off\n",
           c->intact_unserved_tbps, c->n_regions, cut);
}

/* The ranked singles that hurt, at most --top of them; the others change nothing. */
static void print_singles(const cs_criticality_t *c, const crit_args *a)
{
    const char *u = cs_criticality_unit_name(c->unit);
    size_t *rows = calloc(c->n_elements + 1, sizeof *rows), n = 0, hurt = 0;
    if (rows == NULL) return;
    for (size_t i = 0; i < c->n_elements; i++)
        if (cs_criticality_outcome_hurts(&c->outcomes[c->single_rank[i]])) {
            if (n < a->top) rows[n++] = c->single_rank[i];
            hurt++;
        }
    printf("\n  N-1: %zu of the %zu %s leave demand unserved or a city-region pair without a "
           "path\n  when lost alone",
           hurt, c->n_elements, unit_plural(c->unit));
    if (n < hurt) printf("; the worst %zu", n);
    printf(":\n");
    int wid = text_width(u), wlab = 5;
    id_widths(c, rows, n, &wid, &wlab);
    if (n > 0) {
        printf("  %5s  ", "rank");
        print_padded(u, wid);
        printf("  ");
        print_padded("label", wlab);
        printf("  %13s  %9s  %13s  %9s  %s\n", "unserved Tbps", "loss Tbps", "regions short",
               "pairs cut", "regions cut off");
    }
    for (size_t i = 0; i < n; i++) {
        const cs_criticality_outcome *o = &c->outcomes[rows[i]];
        printf("  %5zu  ", i + 1);
        print_padded(element_id(c, o->a), wid);
        printf("  ");
        print_label(element_label(c, o->a), wlab);
        printf("  %13.3f  %9.3f  %13zu  %9zu  ", o->unserved_tbps, o->loss_tbps, o->n_regions_short,
               o->n_pairs_cut);
        print_cut_regions(c, rows[i]);
        putchar('\n');
    }
    free(rows);
}

/* Writes up to max ids of list[0..n) into buf, then "(+ m more)"; "-" when n is 0. */
static void format_ids(const cs_criticality_t *c, const size_t *list, size_t n, size_t max,
                       char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    if (n == 0) snprintf(buf, size, "-");
    for (size_t i = 0; i < n && i < max && len < size; i++)
        len +=
            (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", element_id(c, list[i]));
    if (n > max && len < size) snprintf(buf + len, size - len, " (+ %zu more)", n - max);
}

static void print_spof(const cs_criticality_t *c, const crit_args *a)
{
    const size_t max = a->top < 6 ? a->top : 6;
    enum { BUF = 1024 };
    int w = text_width("region"), wcut = text_width("cut off by");
    char buf[BUF];
    for (size_t g = 0; g < c->n_regions; g++) {
        const cs_criticality_region *r = &c->regions[g];
        if (text_width(r->name) > w) w = text_width(r->name);
        format_ids(c, r->cut_by, r->n_cut_by, max, buf, sizeof buf);
        if (text_width(buf) > wcut) wcut = text_width(buf);
    }
    printf("\n  Single points of failure: the %s whose loss alone cuts the region off from\n"
           "  every Japanese city, and those whose loss alone leaves more of its demand unserved\n",
           unit_plural(c->unit));
    printf("  ");
    print_padded("region", w);
    printf("  %11s  ", "demand Tbps");
    print_padded("cut off by", wcut);
    printf("  %s\n", "demand left unserved by");
    for (size_t g = 0; g < c->n_regions; g++) {
        const cs_criticality_region *r = &c->regions[g];
        printf("  ");
        print_padded(r->name, w);
        printf("  %11.2f  ", r->demand_tbps);
        if (r->intact_cut) {
            puts("(already cut off in the intact network)");
            continue;
        }
        format_ids(c, r->cut_by, r->n_cut_by, max, buf, sizeof buf);
        print_padded(buf, wcut);
        format_ids(c, r->short_by, r->n_short_by, max, buf, sizeof buf);
        printf("  %s\n", buf);
    }
}

static void print_pair_row(const cs_criticality_t *c, size_t rank, size_t k, int wid)
{
    const cs_criticality_outcome *o = &c->outcomes[k];
    printf("  %5zu  ", rank);
    print_padded(element_id(c, o->a), wid);
    printf("  ");
    print_padded(element_id(c, o->b), wid);
    printf("  %13.3f  %9.3f  %11.3f  ", o->unserved_tbps, o->loss_tbps, o->excess_tbps);
    print_cut_regions(c, k);
    putchar('\n');
}

static void print_pair_head(const char *u, int wid)
{
    printf("  %5s  ", "rank");
    print_padded(u, wid);
    printf("  ");
    print_padded(u, wid);
    printf("  %13s  %9s  %11s  %s\n", "unserved Tbps", "loss Tbps", "excess Tbps",
           "regions cut off");
}

static void print_doubles(const cs_criticality_t *c, const crit_args *a)
{
    const char *u = cs_criticality_unit_name(c->unit);
    const size_t n = shown(a, c->n_doubles);
    int wid = text_width(u), wlab = 0;
    id_widths(c, c->double_rank, n, &wid, &wlab);
    id_widths(c, c->critical, shown(a, c->n_critical), &wid, &wlab);
    printf("\n  N-2: the %zu worst pairs (excess: loss beyond the worse of the two alone)\n", n);
    print_pair_head(u, wid);
    for (size_t i = 0; i < n; i++)
        print_pair_row(c, i + 1, c->double_rank[i], wid);
    printf("\n  N-2: %zu critical pair%s (cut off a region that neither %s alone cuts off)",
           c->n_critical, c->n_critical == 1 ? "" : "s", u);
    if (c->n_critical == 0) {
        putchar('\n');
        return;
    }
    printf(", the first %zu\n", shown(a, c->n_critical));
    print_pair_head(u, wid);
    for (size_t i = 0; i < shown(a, c->n_critical); i++)
        print_pair_row(c, i + 1, c->critical[i], wid);
    printf("  critical pairs per region:");
    for (size_t g = 0; g < c->n_regions; g++)
        if (c->regions[g].n_critical > 0)
            printf(" %s %zu;", c->regions[g].name, c->regions[g].n_critical);
    putchar('\n');
}

static void print_analysis(const analysis *an, const crit_args *a)
{
    const cs_criticality_t *c = an->c;
    printf("\n%s: %zu in service, %zu carry traffic in the intact network\n", unit_plural(c->unit),
           c->n_elements, c->n_flow_elements);
    printf("  N-1: %zu contingencies, %zu routed", c->n_elements, c->routed_singles);
    if (c->k == 2)
        printf("; N-2: %zu pairs, %zu routed, the other %zu equal to a single contingency "
               "(exact shortcut)",
               c->n_doubles, c->routed_doubles, c->n_doubles - c->routed_doubles);
    printf("; %.2f s\n", an->seconds);
    print_singles(c, a);
    print_spof(c, a);
    if (c->k == 2) print_doubles(c, a);
}

/* ------------------------------------------------------------ JSON */

static json_t *json_ids(const cs_criticality_t *c, const size_t *list, size_t n, bool *ok)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        cli_json_push(arr, json_string(element_id(c, list[i])), ok);
    return arr;
}

/* One contingency: its elements, figures, the regions it cuts off and the city-region pairs. */
static json_t *json_outcome(const cs_criticality_t *c, const cs_topology_t *t, size_t k,
                            size_t rank, bool *ok)
{
    const cs_criticality_outcome *o = &c->outcomes[k];
    json_t *obj = json_object(), *ids = json_array(), *cut = json_array(), *pairs = json_array();
    json_t *shorts = json_array();
    cli_json_put(obj, "rank", json_integer((json_int_t)rank), ok);
    cli_json_push(ids, json_string(element_id(c, o->a)), ok);
    if (o->b != CS_CRITICALITY_NONE) cli_json_push(ids, json_string(element_id(c, o->b)), ok);
    cli_json_put(obj, "elements", ids, ok);
    cli_json_put(obj, "unserved_tbps", json_real(o->unserved_tbps), ok);
    cli_json_put(obj, "loss_tbps", json_real(o->loss_tbps), ok);
    if (o->b != CS_CRITICALITY_NONE)
        cli_json_put(obj, "excess_tbps", json_real(o->excess_tbps), ok);
    for (size_t g = 0; g < c->n_regions; g++) {
        const double u = c->region_unserved[k * c->n_regions + g];
        if (cs_criticality_newly_cut(c, k, g))
            cli_json_push(cut, json_string(c->regions[g].name), ok);
        if (u > c->regions[g].intact_unserved_tbps + CS_CRITICALITY_EPS_TBPS) {
            json_t *s = json_object();
            cli_json_put(s, "region", json_string(c->regions[g].name), ok);
            cli_json_put(s, "unserved_tbps", json_real(u), ok);
            cli_json_push(shorts, s, ok);
        }
    }
    for (size_t p = 0; p < c->n_city_regions; p++)
        if (c->pair_cut[k * c->n_city_regions + p] && !c->intact_pair_cut[p]) {
            json_t *pr = json_object();
            cli_json_put(pr, "city", json_string(cs_topology_node(t, c->city_region_city[p])->id),
                         ok);
            cli_json_put(pr, "region", json_string(c->regions[c->city_region_region[p]].name), ok);
            cli_json_push(pairs, pr, ok);
        }
    cli_json_put(obj, "regions_cut", cut, ok);
    cli_json_put(obj, "regions_short", shorts, ok);
    cli_json_put(obj, "pairs_cut", pairs, ok);
    cli_json_put(obj, "routed", json_boolean(o->routed), ok);
    return obj;
}

static json_t *json_ranked(const cs_criticality_t *c, const cs_topology_t *t, const size_t *rank,
                           size_t n, bool *ok)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        cli_json_push(arr, json_outcome(c, t, rank[i], i + 1, ok), ok);
    return arr;
}

static json_t *json_regions(const cs_criticality_t *c, bool *ok)
{
    json_t *arr = json_array();
    for (size_t g = 0; g < c->n_regions; g++) {
        const cs_criticality_region *r = &c->regions[g];
        json_t *o = json_object(), *crit = json_array();
        cli_json_put(o, "region", json_string(r->name), ok);
        cli_json_put(o, "demand_tbps", json_real(r->demand_tbps), ok);
        cli_json_put(o, "intact_unserved_tbps", json_real(r->intact_unserved_tbps), ok);
        cli_json_put(o, "intact_cut", json_boolean(r->intact_cut), ok);
        cli_json_put(o, "cut_off_by", json_ids(c, r->cut_by, r->n_cut_by, ok), ok);
        cli_json_put(o, "unserved_by", json_ids(c, r->short_by, r->n_short_by, ok), ok);
        for (size_t i = 0; i < r->n_critical; i++) {
            const cs_criticality_outcome *oc = &c->outcomes[r->critical[i]];
            json_t *pair = json_array();
            cli_json_push(pair, json_string(element_id(c, oc->a)), ok);
            cli_json_push(pair, json_string(element_id(c, oc->b)), ok);
            cli_json_push(crit, pair, ok);
        }
        if (c->k == 2)
            cli_json_put(o, "critical_pairs", crit, ok);
        else
            json_decref(crit);
        cli_json_push(arr, o, ok);
    }
    return arr;
}

static json_t *json_analysis(const analysis *an, const cs_topology_t *t, const crit_args *a,
                             bool *ok)
{
    const cs_criticality_t *c = an->c;
    json_t *o = json_object();
    cli_json_put(o, "unit", json_string(cs_criticality_unit_name(c->unit)), ok);
    cli_json_put(o, "elements", json_integer((json_int_t)c->n_elements), ok);
    cli_json_put(o, "elements_with_flow", json_integer((json_int_t)c->n_flow_elements), ok);
    cli_json_put(o, "routed_singles", json_integer((json_int_t)c->routed_singles), ok);
    cli_json_put(o, "elapsed_s", json_real(an->seconds), ok);
    cli_json_put(o, "n1", json_ranked(c, t, c->single_rank, shown(a, c->n_elements), ok), ok);
    cli_json_put(o, "regions", json_regions(c, ok), ok);
    if (c->k == 2) {
        cli_json_put(o, "pairs", json_integer((json_int_t)c->n_doubles), ok);
        cli_json_put(o, "routed_pairs", json_integer((json_int_t)c->routed_doubles), ok);
        cli_json_put(o, "n2", json_ranked(c, t, c->double_rank, shown(a, c->n_doubles), ok), ok);
        cli_json_put(o, "critical_pairs", json_ranked(c, t, c->critical, c->n_critical, ok), ok);
    }
    return o;
}

static int print_json(const analysis *an, size_t n, const cs_topology_t *t, const char *dpath,
                      const crit_args *a)
{
    bool ok = true;
    json_t *root = json_object(), *arr = json_array();
    cli_json_put(root, "format", json_string("cablesim-criticality"), &ok);
    cli_json_put(root, "format_version", json_integer(1), &ok);
    cli_json_put(root, "topology", json_string(cs_topology_path(t)), &ok);
    cli_json_put(root, "sha256", json_string(cs_topology_sha256(t)), &ok);
    cli_json_put(root, "as_of", json_integer(cs_topology_as_of(t)), &ok);
    cli_json_put(root, "demand", json_string(dpath), &ok);
    cli_json_put(root, "demand_tbps", json_real(an[0].c->demand_tbps), &ok);
    cli_json_put(root, "intact_unserved_tbps", json_real(an[0].c->intact_unserved_tbps), &ok);
    cli_json_put(root, "routing", json_string("latency-first"), &ok);
    cli_json_put(root, "capacity", json_string(cs_routing_capacity_name(a->lit)), &ok);
    cli_json_put(root, "k", json_integer((json_int_t)a->k), &ok);
    for (size_t i = 0; i < n; i++)
        cli_json_push(arr, json_analysis(&an[i], t, a, &ok), &ok);
    cli_json_put(root, "analyses", arr, &ok);
    const size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12);
    if (ok && json_dumpf(root, stdout, flags) == 0) {
        putchar('\n');
        json_decref(root);
        return CLI_OK;
    }
    json_decref(root);
    fprintf(stderr, "cablesim: criticality: could not build the JSON output\n");
    return CLI_FAIL;
}

/* ------------------------------------------------------------ CSV */

static void csv_row(const cs_criticality_t *c, size_t rank, size_t k, bool critical)
{
    const cs_criticality_outcome *o = &c->outcomes[k];
    const bool pair = o->b != CS_CRITICALITY_NONE;
    printf("%s,%d,%zu,", cs_criticality_unit_name(c->unit), pair ? 2 : 1, rank);
    cli_csv_str(element_id(c, o->a), false);
    cli_csv_str(element_label(c, o->a), false);
    cli_csv_str(pair ? element_id(c, o->b) : "", false);
    cli_csv_str(pair ? element_label(c, o->b) : "", false);
    printf("%.12g,%.12g,%.12g,%zu,%zu,%zu,%d,%d,", o->unserved_tbps, o->loss_tbps, o->excess_tbps,
           o->n_regions_short, o->n_pairs_cut, o->n_regions_cut, critical, o->routed);
    char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t g = 0; g < c->n_regions; g++)
        if (cs_criticality_newly_cut(c, k, g) && len < sizeof buf)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? ";" : "",
                                    c->regions[g].name);
    cli_csv_str(buf, true);
}

/* The top rows of each ranking, then the critical pairs not already shown. */
static void print_csv(const analysis *an, size_t n, const crit_args *a)
{
    puts("unit,k,rank,element_a,label_a,element_b,label_b,unserved_tbps,loss_tbps,excess_tbps,"
         "regions_short,pairs_cut,regions_cut,critical,routed,regions_cut_off");
    for (size_t i = 0; i < n; i++) {
        const cs_criticality_t *c = an[i].c;
        for (size_t r = 0; r < shown(a, c->n_elements); r++)
            csv_row(c, r + 1, c->single_rank[r], false);
        /* double_rank position of each critical pair, to flag it and to know if it was shown */
        size_t next = 0;
        for (size_t r = 0; r < c->n_doubles; r++) {
            const size_t k = c->double_rank[r];
            const bool crit = next < c->n_critical && c->critical[next] == k;
            next += crit;
            if (r < shown(a, c->n_doubles) || crit) csv_row(c, r + 1, k, crit);
        }
    }
}

/* ------------------------------------------------------------ run */

static int load_inputs(const crit_args *a, cs_topology_t **t, cs_demand_t **d, char *dpath,
                       size_t n)
{
    char tpath[4096];
    int st = cli_topology_file(a->topology, tpath, sizeof tpath);
    if (st != CLI_OK) return st;
    cs_error err = CS_ERROR_INIT;
    if (a->demand != NULL)
        snprintf(dpath, n, "%s", a->demand);
    else if (cs_data_path(dpath, n, "topology/japan-demand.csv", &err) != CS_OK)
        return cli_report(&err);
    cs_topology_options topt = CS_TOPOLOGY_OPTIONS_INIT;
    topt.as_of = a->as_of;
    if (cs_topology_load(t, tpath, &topt, &err) != CS_OK) return cli_report(&err);
    if (cs_demand_load(d, dpath, *t, &err) != CS_OK) return cli_report(&err);
    return CLI_OK;
}

int cmd_criticality(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    crit_args a;
    int st = parse_args(&a, argc, argv);
    if (st != CLI_OK) return st;
    cs_topology_t *t = NULL;
    cs_demand_t *d = NULL;
    char dpath[4096];
    st = load_inputs(&a, &t, &d, dpath, sizeof dpath);
    analysis an[3];
    memset(an, 0, sizeof an);
    size_t n = 0;
    const size_t units = a.all_units ? 3 : 1;
    for (size_t u = 0; u < units && st == CLI_OK; u++) {
        cs_criticality_options o = CS_CRITICALITY_OPTIONS_INIT;
        o.unit = a.all_units ? (cs_criticality_unit)u : a.unit;
        o.k = a.k;
        o.routing.use_lit = a.lit;
        cs_error err = CS_ERROR_INIT;
        const double t0 = cli_now_s();
        if (cs_criticality_compute(&an[n].c, t, d, &o, &err) != CS_OK) {
            st = cli_report(&err);
            break;
        }
        an[n++].seconds = cli_now_s() - t0;
    }
    if (st == CLI_OK && a.format == FMT_TEXT) {
        print_header(t, d, dpath, &a, an[0].c);
        for (size_t i = 0; i < n; i++)
            print_analysis(&an[i], &a);
    } else if (st == CLI_OK && a.format == FMT_JSON) {
        st = print_json(an, n, t, dpath, &a);
    } else if (st == CLI_OK) {
        print_csv(an, n, &a);
    }
    if (st == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "cablesim: criticality: cannot write to standard output\n");
        st = CLI_FAIL;
    }
    for (size_t i = 0; i < n; i++)
        cs_criticality_free(an[i].c);
    cs_demand_free(d);
    cs_topology_free(t);
    return st;
}
