/*
 * export.h: writing a loaded topology for other tools.
 *
 * Three formats (docs/topology-format.md, "Exporting"):
 *  - GraphML and Graphviz DOT, written by igraph's writers from a copy of the
 *    topology graph that carries the attributes: vertices id, name, kind,
 *    country, region, lon, lat; edges id, kind, cable, capacity_tbps,
 *    lit_tbps, length_km, rfs, retired, owners. A missing string is "". A
 *    missing number (only `retired`, for an edge in service) has no <data>
 *    element in GraphML and is "" in DOT, where numbers are written as plain
 *    decimals (DOT has no NaN and no exponent notation). GraphML key ids are
 *    prefixed v_ and e_ because vertex and edge attributes share names.
 *  - GeoJSON: a normalised FeatureCollection (nodes, then edges, in topology
 *    order; every key the loader knows, null where unknown; length_km always
 *    filled in; the original geometry). cs_topology_load() reads it back to
 *    the same nodes, edges, capacities and lengths, bit for bit.
 *
 * The graph writers need igraph's attribute handler, which cs_library_init()
 * installs. Nothing here prints or exits.
 */
#ifndef CS_EXPORT_H
#define CS_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "cablesim/error.h"
#include "cablesim/topology.h"

typedef enum { CS_EXPORT_GRAPHML = 0, CS_EXPORT_DOT = 1, CS_EXPORT_GEOJSON = 2 } cs_export_format;

/** Parses "graphml", "dot" or "geojson" into *out. Returns false for anything else. */
bool cs_export_format_parse(const char *name, cs_export_format *out);

/** "graphml", "dot" or "geojson". */
const char *cs_export_format_name(cs_export_format format);

/**
 * Writes t in format to the open stream out (not closed, but flushed).
 *
 * \param out    Stream to write to, e.g. stdout.
 * \param t      The topology (as loaded, filtered or not).
 * \param format Output format.
 * \param name   Names the destination in messages ("<stdout>", a path).
 * \param err    Error context (may be NULL).
 * \return CS_OK; CS_EIO when writing fails; CS_EINVAL when a string cannot be
 *         written in the format (igraph refuses control characters in XML);
 *         CS_EIGRAPH, CS_ENOMEM. Output may be partial on failure.
 * Linear in the size of the topology.
 */
cs_status cs_export_write(FILE *out, const cs_topology_t *t, cs_export_format format,
                          const char *name, cs_error *err);

/**
 * Writes t in format to the file at path, never leaving a partial file there:
 * the data goes to "<path>.tmp.<pid>", which is renamed to path on success
 * and removed on failure. An existing file at path is replaced only on success.
 * \return as cs_export_write(); CS_EIO also when the file cannot be created or renamed.
 */
cs_status cs_export_file(const char *path, const cs_topology_t *t, cs_export_format format,
                         cs_error *err);

#endif /* CS_EXPORT_H */
