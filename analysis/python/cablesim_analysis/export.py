"""The network a run used, with what happened to it, for other tools: a networkx graph
(:func:`to_networkx`) and GeoJSON for QGIS and other GIS (:func:`to_geojson`, command
``geojson``).

Per edge (cable segment or terrestrial link):

- ``p_down``: share of trials in which it was down, cut or at a lost node (``cablesim analyze``'s
  ``segments[].criticality.failed.p``), with ``p_down_lo``, ``p_down_hi`` (95% Wilson);
- ``p_cut``: share of trials in which it was cut itself (listed in /trials/failed_edges);
- ``baseline_flow_tbps``: its flow in the intact network;
- ``flow_up_tbps``, ``rerouted_tbps`` = flow_up - baseline: the mean flow over the trials in which
  it is up and the extra load it carries on average; ``rise_disturbed_tbps``: the rise over the
  trials with some failure (``analyze``'s ``flow.rise_tbps``). NaN without /trials/edge_flow_tbps.

Per cable system, the same with a cable down when any of its segments is and its flow its
largest segment flow (``cable_p_down``, ``cable_rerouted_tbps``, ... on each segment's feature).
Per node: ``p_lost`` (listed in /trials/failed_nodes).
"""

import json
import math

import numpy as np
import pandas as pd

from . import stats, topology


def _p_down(r, level):
    """Trials in which each edge ("segment") or cable ("cable") was down: failed or at a failed
    node; a cable when any of its segments was (Series by edge id or cable name)."""
    if level == "cable":
        cables = stats.cable_of_edge(r)
        names = list(dict.fromkeys(c for c in cables if c is not None))
        cols = [np.flatnonzero((cables == c).to_numpy()) for c in names]
    else:
        names = r.edge_ids
    counts = np.zeros(len(names), dtype=np.int64)
    step = max(1, (8 << 20) // max(1, len(r.edges)))
    for start in range(0, r.n_trials, step):
        stop = min(r.n_trials, start + step)
        down = stats._down_matrix(r, start, stop)
        if level == "cable":
            down = np.stack([down[:, c].any(axis=1) for c in cols], axis=1) if names else \
                np.zeros((stop - start, 0), dtype=bool)
        counts += down.sum(axis=0)
    return pd.Series(counts, index=pd.Index(names, name="cable" if level == "cable" else "edge"))


def _with_wilson(counts, n, prefix):
    ci = [stats.wilson(int(k), n) for k in counts]
    return pd.DataFrame({f"{prefix}": [c[0] for c in ci], f"{prefix}_lo": [c[1] for c in ci],
                         f"{prefix}_hi": [c[2] for c in ci]}, index=counts.index)


_FLOW = ["baseline_flow_tbps", "flow_up_tbps", "rerouted_tbps", "rise_disturbed_tbps"]


def edge_table(r):
    """One row per edge (index: edge id): the topology columns, then p_down (with its Wilson
    interval), p_cut and the flow columns (see the module docstring)."""
    e = r.edges.set_index("id", drop=False)
    e.index.name = "edge"
    nodes = r.nodes["id"].to_numpy()
    df = pd.DataFrame({
        "cable": stats.cable_of_edge(r).to_numpy(),
        "kind": e["kind"].to_numpy(),
        "from": nodes[e["from"].to_numpy()],
        "to": nodes[e["to"].to_numpy()],
        "capacity_tbps": e["capacity_tbps"].to_numpy(),
        "lit_tbps": e["lit_tbps"].to_numpy(),
        "length_km": e["length_km"].to_numpy(),
    }, index=e.index)
    df = df.join(_with_wilson(_p_down(r, "segment"), r.n_trials, "p_down"))
    cut = stats.criticality(r, "segment")["p_failed"]
    df["p_cut"] = cut.to_numpy()
    if r.has("edge_flow_tbps"):
        flow = stats.rerouted_load(r, "segment")
        for c in _FLOW:
            df[c] = flow[c].to_numpy()
    else:
        df["baseline_flow_tbps"] = r.baseline_edge_flow.to_numpy()
        for c in _FLOW[1:]:
            df[c] = np.nan
    return df


def cable_table(r):
    """One row per cable system (index: cable): p_down (any segment down) with its Wilson
    interval and the flow columns of its largest segment flow."""
    df = _with_wilson(_p_down(r, "cable"), r.n_trials, "p_down")
    if r.has("edge_flow_tbps"):
        flow = stats.rerouted_load(r, "cable")
        for c in _FLOW:
            df[c] = flow[c].reindex(df.index).to_numpy()
    else:
        for c in _FLOW:
            df[c] = np.nan
    return df


def node_table(r):
    """One row per node (index: node id): the topology columns and p_lost."""
    n = r.nodes.set_index("id", drop=False)
    n.index.name = "node"
    off, vals = r.failed_csr("nodes")
    lost = np.bincount(vals.astype(np.int64), minlength=len(n)) if vals.size else \
        np.zeros(len(n), dtype=np.int64)
    df = n[["name", "kind", "country", "region", "lon_deg", "lat_deg"]].copy()
    df["p_lost"] = lost / r.n_trials if r.n_trials else np.nan
    return df


def _plain(v):
    """A JSON/GraphML-friendly Python value: NaN becomes None, numpy scalars Python ones."""
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def to_networkx(r):
    """The effective network of results file r as a networkx MultiGraph: nodes keyed by id
    (attributes of node_table), one edge per segment or link keyed by its id (attributes of
    edge_table: failure probability p_down, p_cut, load baseline_flow_tbps, rerouted_tbps, ...),
    graph attributes scenario, as_of, seed, trials."""
    import networkx as nx
    g = nx.MultiGraph(scenario=r.name, as_of=int(r.attrs.get("as_of", 0)),
                      seed=int(r.attrs.get("seed", 0)), trials=int(r.n_trials),
                      results=r.path)
    for nid, row in node_table(r).iterrows():
        g.add_node(nid, **{k: _plain(v) for k, v in row.items()})
    for eid, row in edge_table(r).iterrows():
        attrs = {k: _plain(v) for k, v in row.items() if k not in ("from", "to")}
        g.add_edge(row["from"], row["to"], key=eid, id=eid, **attrs)
    return g


def _antimeridian_lines(parts):
    """Route parts as RFC 7946 line coordinates: longitudes in [-180, 180]."""
    out = []
    for p in parts:
        q = np.asarray(p, dtype=float)
        lon = ((q[:, 0] + 180.0) % 360.0) - 180.0
        lon[(q[:, 0] == 180.0)] = 180.0
        out.append([[float(x), float(y)] for x, y in zip(lon, q[:, 1])])
    return out


def to_geojson(r, topology_path=None):
    """A GeoJSON FeatureCollection (dict) of results file r for QGIS: one LineString (or
    MultiLineString across the antimeridian) per segment and link with the edge_table columns
    and its cable's (cable_p_down, cable_rerouted_tbps, ...), one Point per node with p_lost.
    Routes are the network's as the run had it (topology.effective_routes(), property
    geometry): "route", the topology GeoJSON's (found and checked by SHA-256 as the ``map``
    command does; topology_path overrides), extended to the new station of a segment the
    scenario relanded; "design", a segment the scenario's ``network`` section added, through its
    waypoints; "ends", the great circle between its ends (an edge the file lacks, or every
    edge when the file cannot be found)."""
    routes = topology.effective_routes(r, topology_path)
    nodes = node_table(r)
    cables = cable_table(r)
    feats = []
    for eid, row in edge_table(r).iterrows():
        props = {"id": eid}
        props.update({k: _plain(v) for k, v in row.items()})
        c = row["cable"]
        if c is not None and c in cables.index:
            props.update({f"cable_{k}": _plain(v) for k, v in cables.loc[c].items()})
        parts, props["geometry"] = routes[eid]
        lines = _antimeridian_lines(parts)
        geom = ({"type": "LineString", "coordinates": lines[0]} if len(lines) == 1
                else {"type": "MultiLineString", "coordinates": lines})
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    for nid, row in nodes.iterrows():
        props = {"id": nid}
        props.update({k: _plain(v) for k, v in row.items()})
        feats.append({"type": "Feature", "properties": props, "geometry": {
            "type": "Point", "coordinates": [float(row["lon_deg"]), float(row["lat_deg"])]}})
    return {"type": "FeatureCollection",
            "name": f"cablesim {r.name} ({r.attrs.get('as_of')}, {r.n_trials} trials)",
            "features": feats}


def write_geojson(r, path, topology_path=None):
    """Writes to_geojson(r) to path (UTF-8)."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(to_geojson(r, topology_path), fh, ensure_ascii=False)
        fh.write("\n")
