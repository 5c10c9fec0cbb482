/*
 * cmd_info.c: `cablesim topology info`: the netinfo summary as text or JSON.
 *
 * All the numbers come from cs_netinfo_compute(); this file only parses the
 * options and lays the result out.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cablesim/netinfo.h"
#include "cablesim/topology.h"
#include "cli.h"

/* At most this many separating sets are printed per region in text output. */
#define MAX_SETS_SHOWN 10

typedef struct {
    const char *file; /* NULL: the bundled topology */
    int as_of;
    bool json;
} info_args;

static int parse_args(info_args *a, int argc, char **argv)
{
    a->file = NULL;
    a->as_of = cli_current_year();
    a->json = false;
    enum { OPT_JSON = 256, OPT_AS_OF, OPT_FORMAT };
    static const struct option opts[] = {{"json", no_argument, NULL, OPT_JSON},
                                         {"format", required_argument, NULL, OPT_FORMAT},
                                         {"as-of", required_argument, NULL, OPT_AS_OF},
                                         {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "topology info", opts, "", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1) {
        const char *v = g.arg;
        if (c == OPT_JSON) {
            a->json = true;
        } else if (c == OPT_FORMAT) { /* --format json is --json, as in every command */
            if (v == NULL || (strcmp(v, "json") != 0 && strcmp(v, "text") != 0))
                st = cli_usage_error("topology info: --format: expected text or json, found "
                                     "\"%s\"",
                                     v ? v : "nothing");
            else
                a->json = strcmp(v, "json") == 0;
        } else if (c == OPT_AS_OF) {
            if (v == NULL)
                st = cli_usage_error("topology info: --as-of: expected a YEAR, found nothing");
            else if (!cli_parse_year(v, &a->as_of))
                st = cli_usage_error(
                    "topology info: --as-of: expected a year between 1850 and 2100, found \"%s\"",
                    v);
        } else {
            st = CLI_USAGE;
        }
    }
    if (st == CLI_OK && g.npos > 1)
        st = cli_usage_error("topology info: expected at most one FILE, found \"%s\" after \"%s\"",
                             g.pos[1], g.pos[0]);
    a->file = g.npos > 0 ? g.pos[0] : NULL;
    cli_getopt_destroy(&g);
    return st;
}

/* ------------------------------------------------------------------ text */

static const char *node_name(const cs_topology_t *t, size_t v)
{
    return cs_topology_node(t, v)->name;
}

static const char *noun(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Columns s takes on a terminal: its UTF-8 code points (names are in Latin script: "Itō"). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Prints s left-aligned in a column w characters wide. */
static void print_padded(const char *s, int w)
{
    fputs(s, stdout);
    for (int i = text_width(s); i < w; i++)
        putchar(' ');
}

/* Prints the cable names of idx[0..n) joined by ", " ("-" when none). */
static void print_cables(const cs_topology_t *t, const size_t *idx, size_t n)
{
    if (n == 0) fputs("-", stdout);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", cs_topology_cable(t, idx[i]));
}

static void print_counts(const cs_netinfo_t *ni)
{
    const size_t ls = ni->nodes[CS_NODE_LANDING], bu = ni->nodes[CS_NODE_BRANCHING_UNIT];
    const size_t ci = ni->nodes[CS_NODE_CITY];
    const size_t sg = ni->edges[CS_EDGE_SEGMENT], ln = ni->edges[CS_EDGE_LINK];
    puts("Counts");
    printf("  %-15s %6zu  (%zu %s, %zu %s, %zu %s)\n", "nodes", ls + bu + ci, ls,
           noun(ls, "landing station", "landing stations"), bu,
           noun(bu, "branching unit", "branching units"), ci, noun(ci, "city", "cities"));
    printf("  %-15s %6zu  (%zu %s, %zu %s)\n", "edges", sg + ln, sg,
           noun(sg, "segment", "segments"), ln, noun(ln, "link", "links"));
    printf("  %-15s %6zu\n", "cable systems", ni->n_cables);
    printf("  %-15s %6.0f km of segments, %.0f km of links\n", "length", ni->segment_km,
           ni->link_km);
}

static void print_countries(const cs_netinfo_t *ni)
{
    puts("\nLanding stations per country");
    for (size_t i = 0; i < ni->n_countries; i++)
        printf("%s%-2s %4zu%s", i % 8 == 0 ? "  " : "   ", ni->countries[i].country,
               ni->countries[i].count, i % 8 == 7 || i + 1 == ni->n_countries ? "\n" : "");
}

static void print_stations(const cs_netinfo_t *ni, const cs_topology_t *t)
{
    int w = text_width("station");
    for (size_t i = 0; i < ni->n_stations; i++) {
        const int len = text_width(node_name(t, ni->stations[i].node));
        if (len > w) w = len;
    }
    puts("\nJapanese landing stations by number of cable systems");
    printf("  %-*s  %7s  %11s  %s\n", w, "station", "systems", "design Tbps", "cable systems");
    for (size_t i = 0; i < ni->n_stations; i++) {
        const cs_netinfo_station *s = &ni->stations[i];
        fputs("  ", stdout);
        print_padded(node_name(t, s->node), w);
        printf("  %7zu  %11.1f  ", s->n_cables, s->design_tbps);
        print_cables(t, s->cables, s->n_cables);
        putchar('\n');
    }
    printf("  %zu cable %s in Japan; the busiest 1, 2 and 3 stations have %.1f%%, %.1f%% and "
           "%.1f%% of them.\n",
           ni->n_japan_cables, noun(ni->n_japan_cables, "system lands", "systems land"),
           100.0 * ni->top_share[0], 100.0 * ni->top_share[1], 100.0 * ni->top_share[2]);
}

/* Prints r's separating sets, or why there are none. */
static void print_sets(const cs_netinfo_region *r, const cs_topology_t *t)
{
    if (r->separation == CS_NETINFO_DISCONNECTED) {
        fputs("(already disconnected)", stdout);
        return;
    }
    if (r->separation == CS_NETINFO_NOT_SEPARABLE) {
        fputs("not separable by Japanese landing stations", stdout);
        return;
    }
    for (size_t s = 0; s < r->n_sets && s < MAX_SETS_SHOWN; s++) {
        if (s > 0) fputs("; ", stdout);
        for (size_t i = 0; i < r->k; i++)
            printf("%s%s", i ? " + " : "", node_name(t, r->sets[s * r->k + i]));
    }
    if (r->n_sets > MAX_SETS_SHOWN) printf("; ... and %zu more", r->n_sets - MAX_SETS_SHOWN);
    if (r->capped) printf(" (enumeration stopped after %zu checks: there may be more)", r->checks);
}

static void print_regions(const cs_netinfo_t *ni, const cs_topology_t *t)
{
    int w = text_width("region");
    for (size_t i = 0; i < ni->n_regions; i++) {
        const int len = text_width(ni->regions[i].name);
        if (len > w) w = len;
    }
    puts("\nJapan and each foreign region (k: fewest Japanese landing stations whose loss "
         "separates them)");
    printf("  %-*s  %7s  %11s  %12s  %16s  %2s  %s\n", w, "region", "systems", "design Tbps",
           "min-cut Tbps", "lit min-cut Tbps", "k", "smallest separating sets");
    for (size_t i = 0; i < ni->n_regions; i++) {
        const cs_netinfo_region *r = &ni->regions[i];
        fputs("  ", stdout);
        print_padded(r->name, w);
        printf("  %7zu  %11.1f  %12.1f  %16.1f  ", r->n_cables, r->design_tbps, r->mincut_tbps,
               r->lit_mincut_tbps);
        if (r->separation == CS_NETINFO_NOT_SEPARABLE)
            printf("%2s  ", "-");
        else
            printf("%2zu  ", r->k);
        print_sets(r, t);
        putchar('\n');
    }
}

static void print_text(const cs_netinfo_t *ni, const cs_topology_t *t)
{
    printf("cablesim topology info: %s (as of %d, sha256 %.12s)\n\n", cs_topology_path(t),
           cs_topology_as_of(t), cs_topology_sha256(t));
    print_counts(ni);
    print_countries(ni);
    print_stations(ni, t);
    print_regions(ni, t);
}

/* ------------------------------------------------------------------ JSON */

static json_t *json_cables(const cs_topology_t *t, const size_t *idx, size_t n, bool *ok)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        cli_json_push(a, json_string(cs_topology_cable(t, idx[i])), ok);
    return a;
}

static json_t *json_counts(const cs_netinfo_t *ni, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "nodes", json_integer((json_int_t)(ni->nodes[0] + ni->nodes[1] + ni->nodes[2])),
                 ok);
    cli_json_put(o, "landing_stations", json_integer((json_int_t)ni->nodes[CS_NODE_LANDING]), ok);
    cli_json_put(o, "branching_units", json_integer((json_int_t)ni->nodes[CS_NODE_BRANCHING_UNIT]),
                 ok);
    cli_json_put(o, "cities", json_integer((json_int_t)ni->nodes[CS_NODE_CITY]), ok);
    cli_json_put(o, "edges", json_integer((json_int_t)(ni->edges[0] + ni->edges[1])), ok);
    cli_json_put(o, "segments", json_integer((json_int_t)ni->edges[CS_EDGE_SEGMENT]), ok);
    cli_json_put(o, "links", json_integer((json_int_t)ni->edges[CS_EDGE_LINK]), ok);
    cli_json_put(o, "cable_systems", json_integer((json_int_t)ni->n_cables), ok);
    cli_json_put(o, "segment_km", json_real(ni->segment_km), ok);
    cli_json_put(o, "link_km", json_real(ni->link_km), ok);
    return o;
}

static json_t *json_countries(const cs_netinfo_t *ni, bool *ok)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ni->n_countries; i++) {
        json_t *o = json_object();
        cli_json_put(o, "country", json_string(ni->countries[i].country), ok);
        cli_json_put(o, "landing_stations", json_integer((json_int_t)ni->countries[i].count), ok);
        cli_json_push(a, o, ok);
    }
    return a;
}

static json_t *json_stations(const cs_netinfo_t *ni, const cs_topology_t *t, bool *ok)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ni->n_stations; i++) {
        const cs_netinfo_station *s = &ni->stations[i];
        json_t *o = json_object();
        cli_json_put(o, "id", json_string(cs_topology_node(t, s->node)->id), ok);
        cli_json_put(o, "name", json_string(node_name(t, s->node)), ok);
        cli_json_put(o, "systems", json_integer((json_int_t)s->n_cables), ok);
        cli_json_put(o, "design_tbps", json_real(s->design_tbps), ok);
        cli_json_put(o, "cables", json_cables(t, s->cables, s->n_cables, ok), ok);
        cli_json_push(a, o, ok);
    }
    return a;
}

static json_t *json_concentration(const cs_netinfo_t *ni, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "systems", json_integer((json_int_t)ni->n_japan_cables), ok);
    json_t *share = json_array();
    for (size_t k = 0; k < 3; k++)
        cli_json_push(share, json_real(ni->top_share[k]), ok);
    cli_json_put(o, "top_station_share", share, ok);
    return o;
}

static json_t *json_sets(const cs_netinfo_region *r, const cs_topology_t *t, bool *ok)
{
    json_t *a = json_array();
    for (size_t s = 0; s < r->n_sets; s++) {
        json_t *set = json_array();
        for (size_t i = 0; i < r->k; i++)
            cli_json_push(set, json_string(cs_topology_node(t, r->sets[s * r->k + i])->id), ok);
        cli_json_push(a, set, ok);
    }
    return a;
}

static json_t *json_region(const cs_netinfo_region *r, const cs_topology_t *t, bool *ok)
{
    json_t *o = json_object(), *cities = json_array();
    cli_json_put(o, "region", json_string(r->name), ok);
    for (size_t i = 0; i < r->n_cities; i++)
        cli_json_push(cities, json_string(cs_topology_node(t, r->cities[i])->id), ok);
    cli_json_put(o, "cities", cities, ok);
    cli_json_put(o, "systems", json_integer((json_int_t)r->n_cables), ok);
    cli_json_put(o, "cables", json_cables(t, r->cables, r->n_cables, ok), ok);
    cli_json_put(o, "design_tbps", json_real(r->design_tbps), ok);
    cli_json_put(o, "mincut_tbps", json_real(r->mincut_tbps), ok);
    cli_json_put(o, "lit_mincut_tbps", json_real(r->lit_mincut_tbps), ok);
    cli_json_put(o, "separation", json_string(cs_netinfo_separation_name(r->separation)), ok);
    cli_json_put(o, "k",
                 r->separation == CS_NETINFO_NOT_SEPARABLE ? json_null()
                                                           : json_integer((json_int_t)r->k),
                 ok);
    cli_json_put(o, "sets", json_sets(r, t, ok), ok);
    cli_json_put(o, "sets_complete", json_boolean(!r->capped), ok);
    cli_json_put(o, "checks", json_integer((json_int_t)r->checks), ok);
    return o;
}

static json_t *json_info(const cs_netinfo_t *ni, const cs_topology_t *t, bool *ok)
{
    json_t *root = json_object(), *regions = json_array();
    cli_json_put(root, "format", json_string("cablesim-topology-info"), ok);
    cli_json_put(root, "format_version", json_integer(1), ok);
    cli_json_put(root, "file", json_string(cs_topology_path(t)), ok);
    cli_json_put(root, "sha256", json_string(cs_topology_sha256(t)), ok);
    cli_json_put(root, "as_of", json_integer(cs_topology_as_of(t)), ok);
    cli_json_put(root, "counts", json_counts(ni, ok), ok);
    cli_json_put(root, "landing_stations_by_country", json_countries(ni, ok), ok);
    cli_json_put(root, "japan_landing_stations", json_stations(ni, t, ok), ok);
    cli_json_put(root, "japan_concentration", json_concentration(ni, ok), ok);
    for (size_t i = 0; i < ni->n_regions; i++)
        cli_json_push(regions, json_region(&ni->regions[i], t, ok), ok);
    cli_json_put(root, "regions", regions, ok);
    return root;
}

static int print_json(const cs_netinfo_t *ni, const cs_topology_t *t)
{
    bool ok = true;
    json_t *root = json_info(ni, t, &ok);
    return cli_json_print(root, ok, "topology info");
}

/* ------------------------------------------------------------------- run */

int cmd_topology_info(int argc, char **argv)
{
    info_args a;
    int st = parse_args(&a, argc, argv);
    if (st != CLI_OK) return st;
    char path[4096];
    if ((st = cli_topology_file(a.file, path, sizeof path)) != CLI_OK) return st;
    cs_error err = CS_ERROR_INIT;
    cs_topology_options opt = CS_TOPOLOGY_OPTIONS_INIT;
    opt.as_of = a.as_of;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = NULL;
    if (cs_topology_load(&t, path, &opt, &err) != CS_OK ||
        cs_netinfo_compute(&ni, t, NULL, &err) != CS_OK) {
        cs_topology_free(t);
        return cli_report(&err);
    }
    if (a.json)
        st = print_json(ni, t);
    else
        print_text(ni, t);
    cs_netinfo_free(ni);
    cs_topology_free(t);
    if (st == CLI_OK && fflush(stdout) != 0) {
        fprintf(stderr, "cablesim: topology info: cannot write the output\n");
        st = CLI_FAIL;
    }
    return st;
}
