/*
 * bench_routing.c: routings per second on the Japan dataset.
 *
 * Loads topology/japan.geojson (as of 2025) and topology/japan-demand.csv and
 * times cs_router_route() for the intact network and for random single and
 * double segment failures (a fixed seed, a fresh draw before each routing),
 * in latency-first (8 rounds) and max-flow mode. Build with
 * -DCMAKE_BUILD_TYPE=Release for meaningful figures:
 *
 *   build/release/bench/bench_routing [topology.geojson demand.csv] [seconds per case]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cablesim/demand.h"
#include "cablesim/failures.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

typedef struct {
    const cs_topology_t *t;
    const size_t *seg; /* segment edge indices */
    size_t nseg;
    cs_failures *f;
    uint64_t rng;
} draw;

/* Fails `cuts` distinct random segments (0: the intact network). */
static void redraw(draw *d, int cuts)
{
    cs_failures_clear(d->f);
    while (d->f->n_edges < (size_t)cuts)
        cs_failures_fail_edge(d->f, d->seg[splitmix(&d->rng) % d->nseg]);
}

/* Routes repeatedly for about `seconds`; returns routings per second. */
static double measure(cs_router_t *r, draw *d, int cuts, double seconds, cs_routing_result *out,
                      double *unserved)
{
    cs_error err = CS_ERROR_INIT;
    size_t n = 0;
    double sum = 0.0, spent = 0.0;
    const double t0 = now();
    while (spent < seconds) {
        for (int k = 0; k < 64; k++, n++) {
            redraw(d, cuts);
            if (cs_router_route(r, cuts ? d->f : NULL, out, &err) != CS_OK) {
                fprintf(stderr, "bench_routing: %s\n", err.msg);
                exit(1);
            }
            sum += out->unserved_tbps;
        }
        spent = now() - t0;
    }
    *unserved = sum / (double)n;
    return (double)n / spent;
}

static int run(const cs_topology_t *t, const cs_demand_t *dm, double seconds)
{
    const size_t ne = cs_topology_edge_count(t), nn = cs_topology_node_count(t);
    size_t *seg = malloc((ne + 1) * sizeof *seg), nseg = 0;
    cs_failures f;
    cs_routing_result out;
    cs_error err = CS_ERROR_INIT;
    if (seg == NULL || cs_failures_init(&f, ne, nn, &err) ||
        cs_routing_result_init(&out, cs_demand_count(dm), ne, &err)) {
        fprintf(stderr, "bench_routing: out of memory\n");
        return 1;
    }
    for (size_t e = 0; e < ne; e++)
        if (cs_topology_edge(t, e)->kind == CS_EDGE_SEGMENT) seg[nseg++] = e;
    printf("%zu nodes, %zu edges (%zu segments), %zu demands\n", nn, ne, nseg, cs_demand_count(dm));
    static const char *const mode_name[2] = {"latency-first (8 rounds)", "maxflow"};
    static const char *const case_name[3] = {"intact", "1 random segment cut",
                                             "2 random segment cuts"};
    for (int m = 0; m < 2; m++) {
        cs_routing_options opt = CS_ROUTING_OPTIONS_INIT;
        opt.mode = m == 0 ? CS_ROUTING_LATENCY_FIRST : CS_ROUTING_MAXFLOW;
        cs_router_t *r = NULL;
        if (cs_router_alloc(&r, t, dm, &opt, &err) != CS_OK) {
            fprintf(stderr, "bench_routing: %s\n", err.msg);
            return 1;
        }
        for (int cuts = 0; cuts < 3; cuts++) {
            draw d = {t, seg, nseg, &f, 20250611u + (uint64_t)cuts};
            double unserved = 0.0;
            const double rate = measure(r, &d, cuts, seconds, &out, &unserved);
            printf("%-26s %-22s %10.0f routings/s %8.2f us/routing  (mean unserved %.3f of %.3f "
                   "Tbps)\n",
                   mode_name[m], case_name[cuts], rate, 1e6 / rate, unserved, out.demand_tbps);
        }
        cs_router_free(r);
    }
    cs_routing_result_destroy(&out);
    cs_failures_destroy(&f);
    free(seg);
    return 0;
}

int main(int argc, char **argv)
{
    const char *topo = argc >= 3 ? argv[1] : CS_SOURCE_DIR "/topology/japan.geojson";
    const char *demand = argc >= 3 ? argv[2] : CS_SOURCE_DIR "/topology/japan-demand.csv";
    const double seconds = argc == 2 ? atof(argv[1]) : argc >= 4 ? atof(argv[3]) : 1.0;
    cs_library_init();
    cs_topology_options to = CS_TOPOLOGY_OPTIONS_INIT;
    to.as_of = 2025;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    cs_demand_t *dm = NULL;
    if (cs_topology_load(&t, topo, &to, &err) != CS_OK ||
        cs_demand_load(&dm, demand, t, &err) != CS_OK) {
        fprintf(stderr, "bench_routing: %s\n", err.msg);
        cs_topology_free(t);
        return 2;
    }
    const int rc = run(t, dm, seconds > 0 ? seconds : 1.0);
    cs_demand_free(dm);
    cs_topology_free(t);
    return rc;
}
