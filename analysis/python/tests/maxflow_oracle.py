"""An independent max-flow check of a results file (issue 10, "What must hold": every run's
output passes an independent max-flow check, under every routing policy).

It reads ONLY the HDF5 file (docs/hdf5-schema.md): /topology/nodes, /topology/edges (ends,
capacities), /topology/demands, /topology/regions, /baseline/edge_flow_tbps, the failed lists,
/trials/outcome and /outcomes (served per demand, flow per edge), the root attributes and, for
recovery runs, /timeseries and /recovery/faults. It rebuilds each trial's surviving graph with
networkx (not igraph, not the simulator's own Dinic code) and asserts, for every distinct
(outcome, set of edges down):

* every edge flow is >= 0, exactly 0 on an edge down (failed, or at a failed node), and at
  most the capacity the trial was routed on;
* 0 <= served <= demand for every demand;
* per (origin city, region of the destination) group, the served total is at most the maximum
  flow from the city to all the group's destination cities at once (a super-sink);
* jointly: all that Japan is served abroad is at most the maximum flow from a super-source of
  all the Japanese cities to a super-sink of all the foreign ones; per foreign region, from all
  Japanese cities to that region's cities; per Japanese city, from it to all foreign cities;
* pair_cut = 1 only where the group is served nothing.

Recovery runs: at every grid time, the total served (/timeseries/served_tbps) is at most the
sum of the bounds above (per group, per region from all of Japan, each at most its demand) on
the graph left by the segments whose repairs are outstanding (fault fail_days <= t <
end_days; stations and links counted as up, so the graph can only be larger than the one
routed), with the capacities of the restoration share of that day.

The capacity the trial was routed on (docs/model.md, "Restoration"): c_e is the run's basis
(root attribute capacity_basis: lit_tbps or capacity_tbps). With a restoration share rho < 1 a
trial whose failures displace traffic (an edge down carries intact flow f0_e,
/baseline/edge_flow_tbps) is routed on c'_e = s_e + rho (c_e - s_e) on cable segments (s_e what
the edge holds of the demand spread in proportion to capacity, /baseline/held_tbps), c_e on
links; a trial that displaces nothing keeps the intact routing, whose flows f0_e use no edge
down: its bound is max(c'_e, f0_e). s_e rests on maximum flows, which are not unique, so it is
read from the file, not recomputed: a file without /baseline/held_tbps is checked against c_e,
an upper bound of c'_e (files made before the spread, d440ec7, were routed on f0_e + rho (c_e -
f0_e), those made between it and the dataset on s_e; c_e bounds both). rho is the scenario's routing.restoration_share (scenario_resolved) or, when derived,
restoration_at_event x min(1, (1 - u) / u x D / C) with D the sum of /topology/regions
demand_tbps and C the capacity of the segments with exactly one end in Japan: recomputed here
from the file. A file without /topology/regions (written before the impact metrics) is checked
against c_e, an upper bound of c'_e.

Links closed to transit (docs/routing.md) are not recorded in the file: every link counts as
open, so the graph is a supergraph of the one each demand could use and the bounds stay upper
bounds.

Tolerance: a value v passes against a bound b when v <= b (1 + 1e-9) + 1e-12 Tbps. Both sides
are sums of at most a few thousand floating-point increments (the router's placements, the
max-flow's augmentations), each rounded to 2^-53 relative, so their rounding is below ~1e-12
relative; 1e-9 is far above it yet a thousandth of a Mbps on 1 Tbps, far below anything real. The
absolute 1e-12 Tbps (1 bit/s) covers a bound of 0, where the router serves exactly 0 (a residual
at or below CS_ROUTING_EPS_TBPS = 1e-9 counts as none, which only ever serves less).

Usage: /usr/bin/python3 maxflow_oracle.py [--exact] RESULTS.h5... (prints the checks, exit
status 1 on a violation; --exact computes whole max flows, not stopped once they prove the
bound, and prints the smallest relative slack (bound - served) / bound).
"""

import math
import sys

import h5py
import networkx as nx
import numpy as np
import yaml
from networkx.algorithms.flow import edmonds_karp


def _table(obj):
    """A dataset's values, or a format 4 dictionary table decoded (docs/hdf5-schema.md)."""
    if isinstance(obj, h5py.Group):
        return obj["values"][()][obj["value_offsets"][:-1] + obj["index"][()]]
    return obj[()]

REL = 1e-9
ABS = 1e-12


def within(value, bound):
    return value <= bound * (1.0 + REL) + ABS


def _s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


class Run:
    """What the check needs of one results file."""

    def __init__(self, path):
        self.path = str(path)
        with h5py.File(self.path, "r") as f:
            a = f.attrs
            self.policy = _s(a["routing_policy"])
            self.basis = _s(a["capacity_basis"])
            self.resolved = yaml.safe_load(_s(a["scenario_resolved"]))
            nodes, edges, demands = (f["topology/nodes"][:], f["topology/edges"][:],
                                     f["topology/demands"][:])
            self.regions = f["topology/regions"][:] if "topology/regions" in f else None
            self.f0 = f["baseline/edge_flow_tbps"][:]
            self.held = f["baseline/held_tbps"][:] if "baseline/held_tbps" in f else None
            t = f["trials"]
            self.eoff, self.fe = t["failed_offsets"][:], t["failed_edges"][:]
            self.noff, self.fn = t["failed_node_offsets"][:], t["failed_nodes"][:]
            self.n_trials = len(self.eoff) - 1
            if "outcome" in t:
                self.outcome = t["outcome"][:].astype(np.int64)
                grp = f["outcomes"]
            else:  # format 1: one row per trial
                self.outcome = np.arange(self.n_trials)
                grp = t
            self.served = _table(grp["served_tbps"])
            self.flow = _table(grp["edge_flow_tbps"]) if "edge_flow_tbps" in grp else None
            self.pair_cut = _table(grp["pair_cut"])
            self.pairs = f["topology/pairs"][:]
            self.timeseries = None
            if "timeseries" in f:
                self.timeseries = (f["timeseries/time_days"][:], f["timeseries/served_tbps"][:])
                self.fault_offsets = f["recovery/fault_offsets"][:]
                self.faults = f["recovery/faults"][:]
        self.country = [_s(c) for c in nodes["country"]]
        self.region = [_s(r) for r in nodes["region"]]
        self.kind = [_s(k) for k in edges["kind"]]
        self.ends = np.stack([edges["from"], edges["to"]], axis=1).astype(np.int64)
        self.c = np.asarray(edges["lit_tbps" if self.basis == "lit" else "capacity_tbps"],
                            dtype=float)
        self.origin = demands["origin"].astype(np.int64)
        self.dest = demands["destination"].astype(np.int64)
        self.demand = np.asarray(demands["demand_scaled_tbps"], dtype=float)
        self.japan = [c == "JP" for c in self.country]
        self._groups()
        self.rho_at_event, self.rho_full, self.ramp_days = self._shares()

    # ---------------------------------------------------------------- setup

    def _groups(self):
        """(origin city, region of the destination) -> demand rows; the pair of each group."""
        self.groups = {}
        for i in range(len(self.demand)):
            key = (int(self.origin[i]), self.region[self.dest[i]])
            self.groups.setdefault(key, []).append(i)
        self.sinks = {}  # region -> its cities
        for i in range(len(self.demand)):
            self.sinks.setdefault(self.region[self.dest[i]], set()).add(int(self.dest[i]))

    def _shares(self):
        """The restoration shares at the event and in full, and the ramp's days
        (docs/model.md, "Restoration"): rho >= 1 means the capacities c."""
        r = self.resolved.get("routing") or {}
        given = r.get("restoration_share")
        u, a = float(r.get("utilisation", 0.25)), float(r.get("restoration_at_event", 0.4))
        ramp = float(r.get("restoration_ramp_days", 0.0)) if self.timeseries else 0.0
        if self.regions is None and given is None:
            return 1.0, 1.0, 0.0  # no way to know rho: c bounds c'
        D = 0.0
        for g in self.regions:
            D += float(g["demand_tbps"])
        C = 0.0
        for j in range(len(self.c)):
            e0, e1 = self.ends[j]
            if self.kind[j] == "segment" and self.japan[e0] != self.japan[e1]:
                C += self.c[j]
        full = min(1.0, (1.0 - u) / u * D / C) if C > 0.0 else 1.0
        at_event = float(given) if given is not None else a * full
        return at_event, full, ramp

    def share_at(self, t_days):
        """rho on day floor(t) of the recovery ramp (cs_engine_restoration_share_at)."""
        to = max(self.rho_at_event, self.rho_full)
        if not (self.ramp_days > 0.0 and to > self.rho_at_event) or not t_days > 0.0:
            return self.rho_at_event
        k, steps = math.floor(t_days), math.ceil(self.ramp_days)
        if k >= steps:
            return to
        return self.rho_at_event + (to - self.rho_at_event) * min(1.0, k / self.ramp_days)

    def capacities(self, rho):
        """c'_e of a trial that displaces traffic, at share rho (c_e without /baseline/held_tbps:
        an upper bound, see the module's docstring)."""
        if rho >= 1.0 or self.held is None:
            return self.c.copy()
        s0 = np.minimum(self.held, self.c)
        seg = np.array([k == "segment" for k in self.kind])
        return np.where(seg, s0 + rho * (self.c - s0), self.c)

    def routed_on(self, rho, down):
        """The capacities a state with the edges down was routed on, at share rho: c'_e when an
        edge down carries intact flow (the engine's rule), else the intact routing's, bounded by
        max(c'_e, f0_e)."""
        cap = self.capacities(rho)
        if rho < 1.0 and not np.any(down & (self.f0 > 0.0)):
            cap = np.maximum(cap, np.minimum(self.f0, self.c))
        return cap

    def down(self, t):
        """Edges down in trial t: failed, or at a failed node."""
        d = np.zeros(len(self.c), dtype=bool)
        d[self.fe[self.eoff[t]:self.eoff[t + 1]]] = True
        nodes = self.fn[self.noff[t]:self.noff[t + 1]]
        if len(nodes):
            failed = np.zeros(len(self.country), dtype=bool)
            failed[nodes] = True
            d |= failed[self.ends[:, 0]] | failed[self.ends[:, 1]]
        return d

    # ------------------------------------------------------------- max flow

    def graph(self, down, cap):
        """The surviving graph: each edge up as two arcs of its capacity (parallel edges
        summed), super-sinks ("T", region), ("T", "abroad") and super-sources ("S", "Japan"),
        ("S", region) joined by arcs of unbounded capacity. A super-node has arcs on one side
        only, so no flow passes through it between other ends."""
        g = nx.DiGraph()
        g.add_nodes_from(range(len(self.country)))
        for j in np.nonzero(~down)[0]:
            a, b = (int(x) for x in self.ends[j])
            for u, v in ((a, b), (b, a)):
                if g.has_edge(u, v):
                    g[u][v]["capacity"] += cap[j]
                else:
                    g.add_edge(u, v, capacity=cap[j])
        for region, cities in self.sinks.items():
            for v in cities:
                g.add_edge(v, ("T", region))
                if not self.japan[v]:
                    g.add_edge(v, ("T", "abroad"))
        for (city, region), rows in self.groups.items():
            if self.japan[city] and region != "Japan":
                g.add_edge(("S", "Japan"), city)
                g.add_edge(("S", region), city)
        return g


class Report:
    def __init__(self, path, exact):
        self.path = path
        self.exact = exact  # whole max flows (for the slack figures), not stopped at a cutoff
        self.violations = []
        self.states = self.flows = self.trials = 0
        self.tightest = math.inf  # smallest (bound - served) / bound over groups served
        self.tightest_joint = math.inf  # the same over the joint bounds

    def fail(self, what):
        self.violations.append(f"{self.path}: {what}")


def check(path, exact=False, timeseries=True):
    """Checks a results file; returns a Report (violations empty when it passes). exact: compute
    whole max flows, for the slack figures (slower; the verdict is the same). timeseries: False
    leaves out the time series of a recovery run."""
    run = Run(path)
    rep = Report(path, exact)
    rep.trials = run.n_trials
    rep.rho = run.rho_at_event
    seen = set()
    for t in range(run.n_trials):
        down = run.down(t)
        o = int(run.outcome[t])
        key = (o, np.packbits(down).tobytes())
        if key in seen:
            continue
        seen.add(key)
        rep.states += 1
        check_state(run, rep, t, o, down, run.routed_on(run.rho_at_event, down))
    rep.ts_bounds = {}
    if run.timeseries is not None and timeseries:
        check_timeseries(run, rep)
    return rep


def _group_maxflow(rep, g, residual, run, city, region, enough=None):
    """The max flow from CITY to all of REGION's destination cities at once. When CITY is
    itself one of them (a domestic group, or a city both sending and receiving within its own
    region), its own arc to the super-sink is left out: a demand never ends where it starts, and
    with the arc the bound would be unbounded (networkx raises NetworkXUnbounded)."""
    if city not in run.sinks.get(region, ()):
        return _maxflow(rep, g, residual, city, ("T", region), enough)
    h = g.copy()
    h.remove_edge(city, ("T", region))
    return _maxflow(rep, h, nx.algorithms.flow.build_residual_network(h, "capacity"), city,
                    ("T", region), enough)


def _maxflow(rep, g, residual, s, t, enough=None):
    """The max flow from s to t; with enough, the search may stop once the flow reaches it
    (edmonds_karp's cutoff): the value is then at least enough, or exact when below it."""
    rep.flows += 1
    cutoff = None if rep.exact or enough is None else enough
    return nx.maximum_flow_value(g, s, t, flow_func=edmonds_karp, residual=residual,
                                 cutoff=cutoff)


def check_state(run, rep, t, o, down, cap):
    served = run.served[o]
    where = f"trial {t} (outcome {o})"
    if run.flow is not None:
        fl = run.flow[o]
        if np.any(fl < 0.0):
            rep.fail(f"{where}: negative edge flow on edges {np.nonzero(fl < 0)[0].tolist()}")
        if np.any(fl[down] != 0.0):
            rep.fail(f"{where}: flow on edges down {np.nonzero(down & (fl != 0))[0].tolist()}")
        over = ~within(fl, cap)
        if np.any(over):
            j = int(np.nonzero(over)[0][0])
            rep.fail(f"{where}: edge {j} carries {fl[j]!r} Tbps over its capacity {cap[j]!r}")
    if np.any(served < 0.0) or np.any(served > run.demand):
        rep.fail(f"{where}: served outside [0, demand]")
    g = run.graph(down, cap)
    residual = nx.algorithms.flow.build_residual_network(g, "capacity")
    japan_abroad = 0.0
    by_region, by_city = {}, {}
    for (city, region), rows in run.groups.items():
        got = float(sum(served[i] for i in rows))
        if run.japan[city] and region != "Japan":
            japan_abroad += got
            by_region[region] = by_region.get(region, 0.0) + got
            by_city[city] = by_city.get(city, 0.0) + got
        if got == 0.0:
            continue
        bound = _group_maxflow(rep, g, residual, run, city, region, got)
        if not within(got, bound):
            rep.fail(f"{where}: group ({city}, {region}) served {got!r} Tbps over its max flow "
                     f"{bound!r}")
        elif rep.exact and bound > 0.0:
            rep.tightest = min(rep.tightest, (bound - got) / bound)
    joint = [("Japan abroad", ("S", "Japan"), ("T", "abroad"), japan_abroad)]
    joint += [(f"Japan to {r}", ("S", r), ("T", r), v) for r, v in by_region.items()]
    joint += [(f"city {c} abroad", c, ("T", "abroad"), v) for c, v in by_city.items()]
    for name, s, sink, got in joint:
        if got == 0.0:
            continue
        bound = _maxflow(rep, g, residual, s, sink, got)
        if not within(got, bound):
            rep.fail(f"{where}: {name}: served {got!r} Tbps over the max flow {bound!r}")
        elif rep.exact and bound > 0.0:
            rep.tightest_joint = min(rep.tightest_joint, (bound - got) / bound)
    for p, row in enumerate(run.pairs):
        if run.pair_cut[o][p]:
            rows = run.groups.get((int(row["city"]), _s(row["region"])), [])
            if any(served[i] != 0.0 for i in rows):
                rep.fail(f"{where}: pair {p} is cut but served")


def check_timeseries(run, rep):
    """Recovery runs: the total served at each grid time is at most the sum, over the foreign
    regions, of min(the region's demand, the max flow from Japan's cities to its cities, the sum
    of its groups' min(demand, max flow)), plus min(demand, max flow) of every other group
    (domestic, or between foreign cities)."""
    times, served = run.timeseries
    for t in range(run.n_trials):
        fa = run.faults[run.fault_offsets[t]:run.fault_offsets[t + 1]]
        states = {}
        for k, tk in enumerate(times):
            down = np.zeros(len(run.c), dtype=bool)
            on = (fa["fail_days"] <= tk - 1e-9) & (fa["end_days"] > tk + 1e-9)
            down[fa["edge"][on]] = True
            rho = run.share_at(tk)
            states.setdefault((np.packbits(down).tobytes(), rho), (down, rho, []))[2].append(k)
        for down, rho, ks in states.values():
            rep.states += 1
            g = run.graph(down, run.routed_on(rho, down))
            residual = nx.algorithms.flow.build_residual_network(g, "capacity")
            other, regions = 0.0, {}
            for (city, region), rows in run.groups.items():
                want = float(sum(run.demand[i] for i in rows))
                b = min(want, _group_maxflow(rep, g, residual, run, city, region, want))
                if run.japan[city] and region != "Japan":
                    w, s = regions.get(region, (0.0, 0.0))
                    regions[region] = (w + want, s + b)
                else:
                    other += b
            bound = other
            for region, (want, s) in regions.items():
                bound += min(want, s, _maxflow(rep, g, residual, ("S", region), ("T", region),
                                               min(want, s)))
            for k in ks:
                rep.ts_bounds[(t, k)] = bound
                if not within(float(served[t, k]), bound):
                    rep.fail(f"trial {t}, time {times[k]} days: served {served[t, k]!r} Tbps "
                             f"over the sum of the max flows {bound!r}")


def main(args):
    exact = "--exact" in args
    bad = 0
    for p in (a for a in args if a != "--exact"):
        rep = check(p, exact)
        print(f"{p}: {rep.trials} trials, {rep.states} states, {rep.flows} max flows, "
              f"rho {rep.rho:.6g}, tightest slack: group {rep.tightest:.3g}, joint "
              f"{rep.tightest_joint:.3g}: "
              f"{len(rep.violations)} violation(s)")
        for v in rep.violations[:20]:
            print("  " + v)
        bad += len(rep.violations) > 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
