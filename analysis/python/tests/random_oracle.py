"""Random small networks and an exact linear-programme check of what cablesim writes for them
(session 19; docs/validation.md, "Random topologies against an exact LP").

make_network(seed, directory) writes a random topology (GeoJSON, docs/topology-format.md) and
demand file: 5-30 nodes (cities in Japan, China, Korea, the US and Singapore, landing stations,
branching units), a random spanning tree plus more edges and parallel systems, capacities with
bottlenecks, lit capacity equal, lower or 0, links within one country closed to transit at
random, 1-25 demands between random cities (domestic ones included).

check(results, topology) checks one results file against the topology it was made from, for
every distinct (outcome, edges down), with scipy's HiGHS linear programming:

* edge flows >= 0, 0 on edges down, at most the capacity the trial was routed on (c_e, or with
  the restoration limit c'_e = s_e + rho (c_e - s_e) on segments of a trial that displaces
  traffic; a trial that displaces nothing keeps the intact routing, to rounding);
* 0 <= served <= demand;
* the file's edge flows can carry its served amounts: a multi-commodity flow with per-demand
  conservation, within the edge flows and on the edges open to each demand (transit), exists;
* the total served is at most the maximum multi-commodity flow (the exact optimum);
* a routed demand left short has no path of spare capacity open to it (both policies stop a
  demand only then; a demand the intact network serves nothing of is never routed);
* maxflow with one round: the first demand in file order gets exactly min(D, its max flow).

No policy promises the optimum (docs/routing.md), so served = optimum is not asked.
"""

import collections
import json
import os
import random

import h5py
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

import maxflow_oracle as oracle

EPS = 1e-9  # CS_ROUTING_EPS_TBPS
COUNTRIES = ("JP", "CN", "KR", "US", "SG")
REGION = {"JP": "Japan", "CN": "China", "KR": "Korea", "US": "US West Coast", "SG": "Singapore"}


def make_network(seed, directory):
    """Writes tSEED.geojson and tSEED.csv into DIRECTORY; returns (topology, demand, edge ids,
    station ids, cable names, the random generator for the scenario's choices)."""
    rng = random.Random(seed)
    n = rng.randint(5, 30)
    kinds = ["city"] * 4 + [rng.choice(["city", "landing_station", "landing_station",
                                        "branching_unit"]) for _ in range(n - 4)]
    nodes = []
    for k, kind in enumerate(kinds):
        if k < 2:
            country = "JP"
        elif k < 4:
            country = rng.choice(COUNTRIES[1:])
        else:
            country = "XX" if kind == "branching_unit" else rng.choice(COUNTRIES)
        props = {"id": f"n{k}", "kind": kind, "name": f"N{k}", "country": country}
        if kind == "city":
            props["region"] = REGION[country]
        nodes.append((props, [round(rng.uniform(120, 150), 4), round(rng.uniform(10, 40), 4)]))
    edges, cables = [], [f"C{j}" for j in range(rng.randint(1, 6))]

    def add(a, b):
        pa, pb = nodes[a][0], nodes[b][0]
        link_ok = "branching_unit" not in (pa["kind"], pb["kind"])
        segment = not link_ok or rng.random() < 0.6
        cap = rng.choice([rng.uniform(0.5, 20), rng.uniform(0.5, 20), rng.uniform(0.01, 0.3)])
        p = {"id": f"e{len(edges)}", "kind": "segment" if segment else "link", "from": pa["id"],
             "to": pb["id"], "capacity_tbps": round(cap, 4), "rfs": 2000, "source": "random"}
        r = rng.random()
        if r < 0.15:
            p["lit_tbps"] = 0.0
        elif r < 0.6:
            p["lit_tbps"] = round(cap * rng.uniform(0.1, 1.0), 4)
        if segment:
            p["cable"] = rng.choice(cables)
        elif pa["country"] == pb["country"] and rng.random() < 0.5:
            p["transit"] = False
        xa, xb = nodes[a][1], nodes[b][1]
        mid = [round((xa[0] + xb[0]) / 2 + rng.uniform(-2, 2), 4),
               round((xa[1] + xb[1]) / 2 + rng.uniform(-2, 2), 4)]
        edges.append((p, [xa, mid, xb] if rng.random() < 0.7 else [xa, xb]))

    for k in range(1, n):
        add(k, rng.randrange(k))
    for _ in range(rng.randint(0, 2 * n)):
        add(*rng.sample(range(n), 2))
    for _ in range(rng.randint(0, n // 2)):  # a parallel system on a pair already joined
        p = rng.choice(edges)[0]
        add(int(p["from"][1:]), int(p["to"][1:]))
    features = [{"type": "Feature", "properties": p,
                 "geometry": {"type": "Point", "coordinates": xy}} for p, xy in nodes]
    features += [{"type": "Feature", "properties": p,
                  "geometry": {"type": "LineString", "coordinates": c}} for p, c in edges]
    topology = os.path.join(directory, f"t{seed}.geojson")
    with open(topology, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    cities = [p["id"] for p, _ in nodes if p["kind"] == "city"]
    pairs = [(a, b) for i, a in enumerate(cities) for b in cities[i + 1:]]
    rng.shuffle(pairs)
    demand = os.path.join(directory, f"t{seed}.csv")
    with open(demand, "w") as f:
        f.write("origin,destination,demand_tbps\n")
        for a, b in pairs[:rng.randint(1, min(len(pairs), 25))]:
            d = rng.choice([rng.uniform(0.01, 2), rng.uniform(1, 15)])
            f.write(f"{a},{b},{round(d, 4)}\n")
    used = sorted({p["cable"] for p, _ in edges if "cable" in p})
    stations = [p["id"] for p, _ in nodes if p["kind"] != "city"]
    return topology, demand, [p["id"] for p, _ in edges], stations, used, rng


def failure_sets(rng, edges, stations, cables):
    """Explicit failures: none, one edge, two, a cable system, a third of the edges, a station."""
    out = [None, {"segments": rng.sample(edges, 1)},
           {"segments": rng.sample(edges, min(2, len(edges)))},
           {"segments": rng.sample(edges, max(1, len(edges) // 3))}]
    if cables:
        out.append({"cables": [rng.choice(cables)]})
    if stations:
        out.append({"stations": [rng.choice(stations)]})
    return out


def max_multiflow(n_nodes, ends, cap, usable, origins, dests, upper):
    """The maximum of sum_i t_i, 0 <= t_i <= upper_i, over multi-commodity flows on undirected
    edges: sum_i (x_i,e,+ + x_i,e,-) <= cap_e, demand i only on the edges usable[i]. Returns
    (optimum, t)."""
    n_edges, k = len(cap), len(origins)
    n_x = 2 * n_edges * k
    rows, cols, vals = [], [], []
    for i in range(k):
        for e in range(n_edges):
            if not usable[i][e]:
                continue
            a, b = ends[e]
            fwd, back = 2 * (i * n_edges + e), 2 * (i * n_edges + e) + 1
            # node rows: net outflow of commodity i
            rows += [i * n_nodes + a, i * n_nodes + a, i * n_nodes + b, i * n_nodes + b]
            cols += [fwd, back, fwd, back]
            vals += [1.0, -1.0, -1.0, 1.0]
        rows += [i * n_nodes + origins[i], i * n_nodes + dests[i]]
        cols += [n_x + i, n_x + i]
        vals += [-1.0, 1.0]
    a_eq = sp.csr_matrix((vals, (rows, cols)), shape=(k * n_nodes, n_x + k))
    rows, cols = [], []
    for i in range(k):
        for e in range(n_edges):
            if usable[i][e]:
                rows += [e, e]
                cols += [2 * (i * n_edges + e), 2 * (i * n_edges + e) + 1]
    a_ub = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_edges, n_x + k))
    bounds = [(0, None if usable[i][e] else 0) for i in range(k) for e in range(n_edges)
              for _ in range(2)] + [(0, u) for u in upper]
    c = np.zeros(n_x + k)
    c[n_x:] = -1.0
    res = linprog(c, A_ub=a_ub, b_ub=np.asarray(cap, dtype=float), A_eq=a_eq,
                  b_eq=np.zeros(k * n_nodes), bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return -res.fun, res.x[n_x:]


def _joined(n_nodes, ends, usable, s, t):
    adj = collections.defaultdict(list)
    for e, (a, b) in enumerate(ends):
        if usable[e]:
            adj[a].append(b)
            adj[b].append(a)
    seen, todo = {s}, [s]
    while todo:
        for w in adj[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return t in seen


def check(results, topology):
    """The violations of RESULTS (made on TOPOLOGY) as text lines, and the number of distinct
    states checked."""
    bad = []
    run = oracle.Run(results)
    features = json.load(open(topology))["features"]
    edge_props = [f["properties"] for f in features if f["geometry"]["type"] != "Point"]
    country = [f["properties"]["country"] for f in features if f["geometry"]["type"] == "Point"]
    with h5py.File(results, "r") as f:
        base_served = f["baseline/served_tbps"][:]
    rounds = int((run.resolved.get("routing") or {}).get("rounds", 8))
    ends = [tuple(int(v) for v in x) for x in run.ends]
    basis = "lit_tbps" if run.basis == "lit" else "capacity_tbps"
    given = np.array([p.get(basis, p["capacity_tbps"]) for p in edge_props])
    if not np.array_equal(given, run.c):
        bad.append("/topology/edges: capacities are not the input's")
    transit = [p.get("transit", True) for p in edge_props]
    opened = [[transit[e] or country[ends[e][0]] in (country[run.origin[i]], country[run.dest[i]])
               for e in range(len(ends))] for i in range(len(run.demand))]
    rho, seen = run.rho_at_event, set()
    for t in range(run.n_trials):
        o, down = int(run.outcome[t]), run.down(t)
        if (o, down.tobytes()) in seen:
            continue
        seen.add((o, down.tobytes()))
        served, flow = run.served[o].astype(float), run.flow[o].astype(float)
        where = f"trial {t}"
        kept = rho < 1.0 and not np.any(down & (run.f0 > 0.0))
        if kept and not (np.allclose(flow, run.f0, rtol=1e-12, atol=1e-12) and
                         np.allclose(served, base_served, rtol=1e-12, atol=1e-12)):
            bad.append(f"{where}: displaces no intact flow but is not the intact routing")
        cap = np.where(down, 0.0, run.c if kept else run.capacities(rho))
        if np.any(flow < 0.0) or np.any(flow[down] != 0.0):
            bad.append(f"{where}: a negative flow, or flow on an edge down")
        if np.any(~oracle.within(flow, cap)):
            bad.append(f"{where}: flow over capacity on edges "
                       f"{np.nonzero(~oracle.within(flow, cap))[0].tolist()}")
        if np.any(served < 0.0) or np.any(served > run.demand):
            bad.append(f"{where}: served outside [0, demand]")
        usable = [[opened[i][e] and not down[e] for e in range(len(ends))]
                  for i in range(len(run.demand))]
        n_nodes = len(country)
        _, carried = max_multiflow(n_nodes, ends, flow * (1 + 1e-9) + 1e-12, usable, run.origin,
                                   run.dest, served)
        short = served - carried
        if np.any(short > 1e-9 * np.maximum(served, 1e-3) + 1e-9):
            i = int(np.argmax(short))
            bad.append(f"{where}: the edge flows cannot carry demand {i}'s {served[i]!r} Tbps "
                       f"(at most {carried[i]!r})")
        best, _ = max_multiflow(n_nodes, ends, cap, usable, run.origin, run.dest, run.demand)
        if not oracle.within(served.sum(), best):
            bad.append(f"{where}: served {served.sum()!r} over the optimum {best!r}")
        spare = cap - flow
        for i in range(len(run.demand)):
            if base_served[i] > 0.0 and served[i] < run.demand[i] * (1 - 1e-9) - (rounds + 1) * EPS:
                room = [usable[i][e] and spare[e] > max(2 * EPS, 1e-9 * cap[e])
                        for e in range(len(ends))]
                if _joined(n_nodes, ends, room, run.origin[i], run.dest[i]):
                    bad.append(f"{where}: demand {i} is left short with a path of spare capacity")
        if run.policy == "maxflow" and rounds == 1 and base_served[0] > 0.0:
            first, _ = max_multiflow(n_nodes, ends, cap, usable[:1], run.origin[:1],
                                     run.dest[:1], run.demand[:1])
            if abs(served[0] - first) > 1e-9 * max(first, 1e-3) + 1e-9:
                bad.append(f"{where}: maxflow, one round: the first demand got {served[0]!r}, "
                           f"not min(D, its max flow) {first!r}")
    return bad, len(seen)
