/*
 * topology.c: loading, validating and filtering the GeoJSON cable model; the accessors.
 *
 * Implementation notes. Loading runs in four passes over the parsed JSON:
 * (1) every Point feature becomes a node and every id is registered, so that
 * edges may name nodes that appear later in the file; (2) every line feature
 * becomes an edge, its ends resolved and its geometry checked against them;
 * (3) cities are checked to be connected on the full, unfiltered graph;
 * (4) only then is the as_of filter applied and the igraph graph built.
 * Validation never stops at the first problem: each one is reported through
 * the error context so that `topology check` can list them all. Passes 1 to 3
 * are in topology_parse.c.
 */
#include "cablesim/topology.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cablesim/sha256.h"
#include "core/fileio.h"
#include "model/network_impl.h"
#include "model/topology_impl.h"

struct cs_topology {
    char *path;
    char sha256[65];
    int as_of;
    cs_node *nodes;
    size_t nn;
    cs_edge *edges;
    size_t ne;
    char **cables;
    size_t nc;
    cs_strmap node_ids, edge_ids, cable_ids;
    igraph_t graph;
    bool has_graph;
};

/* --------------------------------------------------------------- loading */

static bool in_service(const cs_edge *e, int year)
{
    return year == 0 || (e->rfs <= year && (e->retired == 0 || year < e->retired));
}

/* Pass 4: moves the kept features of p into t, renumbering nodes. */
static cs_status build(cs_topology_t *t, cs_topo_parsed *p, int as_of, cs_error *err)
{
    size_t *newidx = malloc((p->nn + 1) * sizeof *newidx);
    bool *used = calloc(p->nn + 1, sizeof *used);
    t->nodes = malloc((p->nn + 1) * sizeof *t->nodes);
    t->edges = malloc((p->ne + 1) * sizeof *t->edges);
    t->cables = malloc((p->ne + 1) * sizeof *t->cables);
    if (!newidx || !used || !t->nodes || !t->edges || !t->cables) goto oom;
    for (size_t j = 0; j < p->ne; j++)
        if (in_service(&p->edges[j], as_of)) used[p->edges[j].from] = used[p->edges[j].to] = true;
    for (size_t i = 0; i < p->nn; i++) {
        cs_node *n = &p->nodes[i];
        if (as_of != 0 && !used[i] && n->kind != CS_NODE_CITY) {
            newidx[i] = SIZE_MAX;
            cs_topo_free_node(n);
            continue;
        }
        newidx[i] = t->nn;
        t->nodes[t->nn++] = *n;
    }
    p->nn = 0; /* ownership moved */
    if (cs_strmap_init(&t->node_ids, t->nn) || cs_strmap_init(&t->edge_ids, p->ne) ||
        cs_strmap_init(&t->cable_ids, p->ne))
        goto oom;
    for (size_t i = 0; i < t->nn; i++)
        cs_strmap_insert(&t->node_ids, t->nodes[i].id, i, NULL);
    for (size_t j = 0; j < p->ne; j++) {
        cs_edge *e = &p->edges[j];
        if (!in_service(e, as_of)) {
            cs_topo_free_edge(e);
            continue;
        }
        e->from = newidx[e->from];
        e->to = newidx[e->to];
        if (as_of != 0) e->lit_tbps = cs_edge_lit_in_year(e, as_of);
        if (e->kind == CS_EDGE_SEGMENT) {
            size_t c;
            if (!cs_strmap_get(&t->cable_ids, e->cable, &c)) {
                c = t->nc;
                t->cables[t->nc++] = (char *)e->cable;
                cs_strmap_insert(&t->cable_ids, e->cable, c, NULL);
            }
            e->cable_index = c;
        }
        cs_strmap_insert(&t->edge_ids, e->id, t->ne, NULL);
        t->edges[t->ne++] = *e;
    }
    p->ne = 0;
    free(newidx);
    free(used);
    return CS_OK;
oom:
    free(newidx);
    free(used);
    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", t->path);
}

static cs_status build_graph(cs_topology_t *t, cs_error *err)
{
    igraph_vector_int_t ev;
    if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * t->ne)) != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", t->path);
    for (size_t j = 0; j < t->ne; j++) {
        VECTOR(ev)[2 * j] = (igraph_integer_t)t->edges[j].from;
        VECTOR(ev)[2 * j + 1] = (igraph_integer_t)t->edges[j].to;
    }
    const igraph_error_t rc =
        igraph_create(&t->graph, &ev, (igraph_integer_t)t->nn, IGRAPH_UNDIRECTED);
    igraph_vector_int_destroy(&ev);
    if (rc != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_EIGRAPH, "%s: cannot build the graph: %s", t->path,
                         cs_igraph_last_reason());
    t->has_graph = true;
    return CS_OK;
}

static cs_status load_root(cs_topology_t *t, const json_t *root, const cs_topology_options *opt,
                           cs_error *err)
{
    cs_topo_loc l = {.file = t->path, .err = err};
    const json_t *type = json_object_get(root, "type");
    const json_t *features = json_object_get(root, "features");
    char found[80];
    if (!json_is_object(root) || !json_is_string(type) ||
        strcmp(json_string_value(type), "FeatureCollection") != 0) {
        cs_topo_describe(json_is_object(root) ? type : root, found, sizeof found);
        return cs_errorf(err, CS_EINVAL,
                         "%s: key \"type\": expected a GeoJSON \"FeatureCollection\", found %s",
                         t->path, found);
    }
    if (!json_is_array(features)) {
        cs_topo_describe(features, found, sizeof found);
        return cs_errorf(err, CS_EINVAL,
                         "%s: key \"features\": expected an array of features, found %s", t->path,
                         found);
    }
    const size_t nf = json_array_size(features);
    cs_topo_parsed p;
    memset(&p, 0, sizeof p);
    p.nodes = malloc((nf + 1) * sizeof *p.nodes);
    p.edges = malloc((nf + 1) * sizeof *p.edges);
    cs_status rc = CS_ENOMEM;
    if (!p.nodes || !p.edges || cs_strmap_init(&p.ids, nf) || cs_strmap_init(&p.node_ids, nf)) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", t->path);
        goto done;
    }
    cs_topo_parse_pass(&l, features, &p, false);
    cs_topo_parse_pass(&l, features, &p, true);
    if (l.nerr == 0 && (rc = cs_topo_check_cities_connected(&l, &p)) != CS_OK) goto done;
    if (l.nerr > 0) {
        rc = l.oom ? CS_ENOMEM : CS_EINVAL;
        goto done;
    }
    if ((rc = build(t, &p, opt ? opt->as_of : 0, err)) != CS_OK) goto done;
    t->as_of = opt ? opt->as_of : 0;
    rc = build_graph(t, err);
done:
    cs_topo_parsed_destroy(&p);
    return rc;
}

/* Loads text (named name); with a design section (doc, net), applies it to the parsed JSON first.
 * The sha256 is always the text's: the scenario, recorded with the results, holds the changes. */
static cs_status load_text(cs_topology_t **out, const char *text, size_t len, const char *name,
                           const cs_topology_options *opt, const cs_ydoc_t *doc,
                           const cs_ynode *net, cs_error *err)
{
    *out = NULL;
    if (opt != NULL && opt->as_of != 0 && (opt->as_of < 1850 || opt->as_of > 2100))
        return cs_errorf(err, CS_EINVAL, "as_of year %d is out of range (expected 1850..2100)",
                         opt->as_of);
    cs_topology_t *t = calloc(1, sizeof *t);
    if (t == NULL || (t->path = cs_topo_dup_str(name)) == NULL) {
        free(t);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    }
    cs_sha256 h;
    cs_sha256_init(&h);
    cs_sha256_update(&h, text, len);
    cs_sha256_final_hex(&h, t->sha256);
    json_error_t jerr;
    json_t *root = NULL;
    cs_status rc;
    /* jansson reports an empty file as column 0 of "near end of file": say what it is. */
    if (strspn(text, " \t\r\n") == len)
        rc = cs_errorf(err, CS_EPARSE,
                       "%s:1:1: invalid JSON: expected a GeoJSON FeatureCollection, found an "
                       "empty file",
                       name);
    else if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
        rc = cs_errorf(err, CS_EPARSE, "%s:%d:%d: invalid JSON: %s", name, jerr.line, jerr.column,
                       jerr.text);
    else if (net != NULL &&
             (rc = cs_network_apply(root, name, opt ? opt->as_of : 0, doc, net, err)) != CS_OK)
        ;
    else
        rc = load_root(t, root, opt, err);
    json_decref(root);
    if (rc != CS_OK) {
        cs_topology_free(t);
        return rc;
    }
    *out = t;
    return CS_OK;
}

cs_status cs_topology_load_string(cs_topology_t **out, const char *json, const char *name,
                                  const cs_topology_options *opt, cs_error *err)
{
    return load_text(out, json, strlen(json), name, opt, NULL, NULL, err);
}

cs_status cs_topology_load_design(cs_topology_t **out, const char *path,
                                  const cs_topology_options *opt, const cs_ydoc_t *doc,
                                  const cs_ynode *network, cs_error *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    cs_status rc = cs_read_file(path, &buf, &len, err);
    if (rc != CS_OK) return rc;
    rc = load_text(out, buf, len, path, opt, doc, network, err);
    free(buf);
    return rc;
}

cs_status cs_topology_load(cs_topology_t **out, const char *path, const cs_topology_options *opt,
                           cs_error *err)
{
    return cs_topology_load_design(out, path, opt, NULL, NULL, err);
}

void cs_topology_free(cs_topology_t *t)
{
    if (t == NULL) return;
    for (size_t i = 0; i < t->nn; i++)
        cs_topo_free_node(&t->nodes[i]);
    for (size_t j = 0; j < t->ne; j++)
        cs_topo_free_edge(&t->edges[j]); /* frees cable names too */
    free(t->nodes);
    free(t->edges);
    free(t->cables);
    cs_strmap_destroy(&t->node_ids);
    cs_strmap_destroy(&t->edge_ids);
    cs_strmap_destroy(&t->cable_ids);
    if (t->has_graph) igraph_destroy(&t->graph);
    free(t->path);
    free(t);
}

/* ------------------------------------------------------------- accessors */

size_t cs_topology_node_count(const cs_topology_t *t)
{
    return t->nn;
}

size_t cs_topology_edge_count(const cs_topology_t *t)
{
    return t->ne;
}

size_t cs_topology_cable_count(const cs_topology_t *t)
{
    return t->nc;
}

const cs_node *cs_topology_node(const cs_topology_t *t, size_t i)
{
    return &t->nodes[i];
}

const cs_edge *cs_topology_edge(const cs_topology_t *t, size_t j)
{
    return &t->edges[j];
}

const char *cs_topology_cable(const cs_topology_t *t, size_t c)
{
    return t->cables[c];
}

bool cs_topology_find_node(const cs_topology_t *t, const char *id, size_t *index)
{
    return cs_strmap_get(&t->node_ids, id, index);
}

bool cs_topology_find_edge(const cs_topology_t *t, const char *id, size_t *index)
{
    return cs_strmap_get(&t->edge_ids, id, index);
}

bool cs_topology_find_cable(const cs_topology_t *t, const char *name, size_t *index)
{
    return cs_strmap_get(&t->cable_ids, name, index);
}

const igraph_t *cs_topology_graph(const cs_topology_t *t)
{
    return &t->graph;
}

const char *cs_topology_path(const cs_topology_t *t)
{
    return t->path;
}

int cs_topology_as_of(const cs_topology_t *t)
{
    return t->as_of;
}

const char *cs_topology_sha256(const cs_topology_t *t)
{
    return t->sha256;
}

double cs_edge_lit_in_year(const cs_edge *e, int year)
{
    if (e->nlit_years == 0) return e->lit_tbps;
    size_t k = 0;
    while (k + 1 < e->nlit_years && e->lit_years[k + 1] <= year)
        k++;
    return e->lit_by_year[k];
}

const char *cs_node_kind_name(cs_node_kind kind)
{
    switch (kind) {
    case CS_NODE_LANDING:
        return "landing_station";
    case CS_NODE_BRANCHING_UNIT:
        return "branching_unit";
    case CS_NODE_CITY:
        return "city";
    }
    return "?";
}

bool cs_node_kind_from_name(const char *name, cs_node_kind *out)
{
    static const cs_node_kind all[] = {CS_NODE_LANDING, CS_NODE_BRANCHING_UNIT, CS_NODE_CITY};
    for (size_t i = 0; name != NULL && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, cs_node_kind_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

const char *cs_edge_kind_name(cs_edge_kind kind)
{
    return kind == CS_EDGE_SEGMENT ? "segment" : "link";
}

bool cs_edge_kind_from_name(const char *name, cs_edge_kind *out)
{
    static const cs_edge_kind all[] = {CS_EDGE_SEGMENT, CS_EDGE_LINK};
    for (size_t i = 0; name != NULL && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, cs_edge_kind_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

bool cs_node_fields_are_japan(cs_node_kind kind, const char *country, const char *region)
{
    if (kind == CS_NODE_CITY) return region != NULL && strcmp(region, CS_REGION_JAPAN) == 0;
    return country != NULL && strcmp(country, CS_COUNTRY_JAPAN) == 0;
}

bool cs_node_is_japan(const cs_node *n)
{
    return cs_node_fields_are_japan(n->kind, n->country, n->region);
}
