/* demand.c: reading and checking the city-to-city demand CSV. */
#include "cablesim/demand.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/sha256.h"
#include "core/fileio.h"

struct cs_demand {
    cs_demand_entry *e;
    size_t n;
    double total;
    char sha256[65];
    cs_demand_pairs pairs; /* its arrays point at the owned ones below */
    size_t *pair_city, *pair_region_index, *pair_of_demand;
    const char **pair_region, **regions;
};

/* Splits line in place at commas into at most max fields; returns the count. */
static size_t split(char *line, char **field, size_t *col, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (n == max) return max + 1;
        field[n] = p;
        col[n] = (size_t)(p - line) + 1;
        n++;
        char *c = strchr(p, ',');
        char *end = c ? c : p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
            end--;
        if (c == NULL) {
            *end = '\0';
            return n;
        }
        *end = '\0';
        p = c + 1;
    }
}

/* Checks that s is a city of t; returns its index or SIZE_MAX after reporting. */
static size_t city(const cs_topology_t *t, const char *s, const char *name, size_t ln, size_t col,
                   const char *key, cs_error *err)
{
    size_t i;
    if (!cs_topology_find_node(t, s, &i)) {
        cs_errorf(err, CS_EINVAL, "%s:%zu:%zu: %s: expected a city id of %s, found \"%s\"", name,
                  ln, col, key, cs_topology_path(t), s);
        return SIZE_MAX;
    }
    if (cs_topology_node(t, i)->kind != CS_NODE_CITY) {
        cs_errorf(err, CS_EINVAL, "%s:%zu:%zu: %s: expected a city, found %s \"%s\"", name, ln, col,
                  key, cs_node_kind_name(cs_topology_node(t, i)->kind), s);
        return SIZE_MAX;
    }
    return i;
}

/* Parses one data line into d; returns the status of the first problem it reports. */
static cs_status parse_line(cs_demand_t *d, char *line, const char *name, size_t ln,
                            const cs_topology_t *t, cs_error *err)
{
    char *f[3];
    size_t col[3];
    size_t commas = 0;
    for (const char *c = line; *c; c++)
        commas += *c == ',';
    if (split(line, f, col, 3) != 3)
        return cs_errorf(err, CS_EPARSE,
                         "%s:%zu:1: expected 3 fields (origin,destination,demand_tbps), found %zu",
                         name, ln, commas + 1);
    const size_t o = city(t, f[0], name, ln, col[0], "origin", err);
    const size_t dst = city(t, f[1], name, ln, col[1], "destination", err);
    char *end = NULL;
    errno = 0;
    const double v = strtod(f[2], &end);
    bool ok = o != SIZE_MAX && dst != SIZE_MAX;
    /* Bounded, so that every product and sum that reaches the results (x demand_scale <= 1000,
     * summed over the pairs) is finite. */
    if (end == f[2] || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0.0 ||
        strpbrk(f[2], "xX") || v > CS_DEMAND_MAX_TBPS) {
        cs_errorf(err, CS_EINVAL,
                  "%s:%zu:%zu: demand_tbps: expected a number in (0, 1000000], found \"%s\"", name,
                  ln, col[2], f[2]);
        ok = false;
    }
    if (ok && o == dst) {
        cs_errorf(err, CS_EINVAL,
                  "%s:%zu:%zu: destination: expected a city other than the origin, found \"%s\"",
                  name, ln, col[1], f[1]);
        ok = false;
    }
    for (size_t i = 0; ok && i < d->n; i++) {
        const cs_demand_entry *p = &d->e[i];
        if ((p->origin == o && p->destination == dst) ||
            (p->origin == dst && p->destination == o)) {
            cs_errorf(err, CS_EINVAL, "%s:%zu:1: pair %s,%s is already listed on line %zu", name,
                      ln, f[0], f[1], p->line);
            ok = false;
        }
    }
    if (!ok) return CS_EINVAL;
    d->e[d->n++] = (cs_demand_entry){o, dst, v, ln};
    d->total += v;
    return CS_OK;
}

static size_t find_str(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0) return i;
    return SIZE_MAX;
}

/*
 * Builds d->pairs from the entries (see cs_demand_pairs). O(demands x pairs).
 * \return CS_OK or CS_ENOMEM.
 */
static cs_status build_pairs(cs_demand_t *d, const cs_topology_t *t, const char *name,
                             cs_error *err)
{
    const size_t nd = d->n;
    d->pair_city = malloc((nd + 1) * sizeof *d->pair_city);
    d->pair_region = malloc((nd + 1) * sizeof *d->pair_region);
    d->pair_region_index = malloc((nd + 1) * sizeof *d->pair_region_index);
    d->pair_of_demand = malloc((nd + 1) * sizeof *d->pair_of_demand);
    d->regions = malloc((nd + 1) * sizeof *d->regions);
    if (!d->pair_city || !d->pair_region || !d->pair_region_index || !d->pair_of_demand ||
        !d->regions)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory for the pair table", name);
    size_t np = 0, ng = 0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *de = &d->e[i];
        const cs_node *a = cs_topology_node(t, de->origin);
        const cs_node *b = cs_topology_node(t, de->destination);
        const bool ja = cs_node_is_japan(a);
        d->pair_of_demand[i] = SIZE_MAX;
        if (ja == cs_node_is_japan(b)) continue; /* domestic, or between two foreign cities */
        const size_t city = ja ? de->origin : de->destination;
        const char *region = ja ? b->region : a->region;
        size_t p = 0;
        while (p < np && !(d->pair_city[p] == city && strcmp(d->pair_region[p], region) == 0))
            p++;
        if (p == np) {
            size_t g = find_str(d->regions, ng, region);
            if (g == SIZE_MAX) d->regions[g = ng++] = region;
            d->pair_city[np] = city;
            d->pair_region[np] = region;
            d->pair_region_index[np++] = g;
        }
        assert(p < np && np <= nd && ng <= np);
        d->pair_of_demand[i] = p;
    }
    d->pairs = (cs_demand_pairs){
        .n_pairs = np,
        .city = d->pair_city,
        .region = d->pair_region,
        .region_index = d->pair_region_index,
        .n_regions = ng,
        .regions = d->regions,
        .pair_of_demand = d->pair_of_demand,
    };
    return CS_OK;
}

cs_status cs_demand_load_string(cs_demand_t **out, const char *csv, const char *name,
                                const cs_topology_t *t, cs_error *err)
{
    *out = NULL;
    cs_demand_t *d = calloc(1, sizeof *d);
    char *text = malloc(strlen(csv) + 1);
    size_t lines = 1;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    cs_status first = CS_OK; /* of the first problem; err may be NULL or hold older errors */
    if (d == NULL || text == NULL || (d->e = malloc(lines * sizeof *d->e)) == NULL) {
        first = cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
        goto fail;
    }
    strcpy(text, csv);
    cs_sha256 h;
    cs_sha256_init(&h);
    cs_sha256_update(&h, csv, strlen(csv));
    cs_sha256_final_hex(&h, d->sha256);
    size_t ln = 0;
    bool header = false;
    /* Stops at the end of the text, so that the empty rest after a final
     * newline is not counted as a line of its own. */
    for (char *line = text, *next; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) *next++ = '\0';
        ln++;
        const char *s = line + strspn(line, " \t\r");
        if (*s == '\0' || *s == '#') continue;
        if (!header) {
            char *f[3];
            size_t col[3];
            if (split(line, f, col, 3) != 3 || strcmp(f[0], "origin") ||
                strcmp(f[1], "destination") || strcmp(f[2], "demand_tbps")) {
                first = cs_errorf(
                    err, CS_EPARSE,
                    "%s:%zu:1: expected the header \"origin,destination,demand_tbps\"", name, ln);
                break;
            }
            header = true;
            continue;
        }
        const cs_status rc = parse_line(d, line, name, ln, t, err);
        if (first == CS_OK) first = rc;
    }
    if (first == CS_OK && d->n == 0)
        first = cs_errorf(err, CS_EINVAL, "%s:%zu:1: expected at least one demand, found none",
                          name, ln > 0 ? ln : 1);
    if (first == CS_OK) first = build_pairs(d, t, name, err);
    if (first != CS_OK) goto fail;
    free(text);
    *out = d;
    return CS_OK;
fail:
    free(text);
    cs_demand_free(d);
    return first;
}

cs_status cs_demand_load(cs_demand_t **out, const char *path, const cs_topology_t *t, cs_error *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    cs_status rc = cs_read_file(path, &buf, &len, err);
    if (rc != CS_OK) return rc;
    if (strlen(buf) != len)
        rc = cs_errorf(err, CS_EPARSE, "%s: expected a text file, found a NUL byte", path);
    else
        rc = cs_demand_load_string(out, buf, path, t, err);
    free(buf);
    return rc;
}

void cs_demand_free(cs_demand_t *d)
{
    if (d == NULL) return;
    free(d->e);
    free(d->pair_city);
    free(d->pair_region);
    free(d->pair_region_index);
    free(d->pair_of_demand);
    free(d->regions);
    free(d);
}

size_t cs_demand_count(const cs_demand_t *d)
{
    return d->n;
}

const cs_demand_entry *cs_demand_entry_at(const cs_demand_t *d, size_t i)
{
    return &d->e[i];
}

double cs_demand_total(const cs_demand_t *d)
{
    return d->total;
}

const cs_demand_pairs *cs_demand_pairs_of(const cs_demand_t *d)
{
    return &d->pairs;
}

const char *cs_demand_sha256(const cs_demand_t *d)
{
    return d->sha256;
}
