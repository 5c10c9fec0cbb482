"""Figures of the historical replays (scenarios/replays/), read from their results files.

Used by test_replays.py (assertions against the record) and, run as a script, to print the
figures that docs/validation.md quotes:

    CABLESIM_CLI=build/release/sim/cablesim /usr/bin/python3 tests/replays/replay_figures.py [TRIALS]

Everything is computed from the datasets of docs/hdf5-schema.md with h5py and numpy only:
failed edges and nodes (/trials), served demand per demand (/trials, /baseline), per-fault
repair records (/recovery/faults). When a dataset that later model work adds is present
(/trials/cuts), it is used; its absence is reported, not guessed.
"""

import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]
REPLAYS = REPO / "scenarios" / "replays"

# The regions that the record calls "South-East Asia" (Chunghwa Telecom, KDDI 2006).
SOUTH_EAST_ASIA = ("Singapore", "Malaysia", "Thailand", "Philippines", "Vietnam", "Indonesia",
                   "Brunei")


def cli_path():
    cli = os.environ.get("CABLESIM_CLI")
    if not cli:
        raise RuntimeError("CABLESIM_CLI is not set: the path of the built cablesim binary "
                           "(ctest sets it; by hand: CABLESIM_CLI=build/<dir>/sim/cablesim)")
    return cli


def run_replay(name, directory, trials=None, extra=()):
    """Runs scenarios/replays/NAME.yaml (with --set trials=TRIALS when given) into
    DIRECTORY/NAME.h5 and returns that path."""
    out = Path(directory) / f"{name}.h5"
    cmd = [cli_path(), "run", str(REPLAYS / f"{name}.yaml"), "-o", str(out), "--quiet"]
    if trials is not None:
        cmd += ["--set", f"trials={trials}"]
    cmd += list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return out


def _s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


class Replay:
    """The figures of one results file."""

    def __init__(self, path):
        self.path = Path(path)
        with h5py.File(path, "r") as f:
            self.as_of = int(f.attrs["as_of"])
            self.scenario = _s(f.attrs["scenario"])
            self.scenario_resolved = _s(f.attrs.get("scenario_resolved", self.scenario))
            self.trials = int(f.attrs["trials"])
            self.nodes = f["/topology/nodes"][:]
            self.edges = f["/topology/edges"][:]
            self.demands = f["/topology/demands"][:]
            self.base_served = f["/baseline/served_tbps"][:]
            self.served = self._per_trial(f, "served_tbps")
            self.failed_edges = f["/trials/failed_edges"][:]
            self.failed_offsets = f["/trials/failed_offsets"][:]
            self.failed_nodes = f["/trials/failed_nodes"][:]
            self.failed_node_offsets = f["/trials/failed_node_offsets"][:]
            self.pair_cut = self._per_trial(f, "pair_cut")
            self.pairs = f["/topology/pairs"][:]
            self.has_recovery = "/recovery/faults" in f
            if self.has_recovery:
                self.faults = f["/recovery/faults"][:]
                self.fault_offsets = f["/recovery/fault_offsets"][:]
                self.horizon = float(f["/timeseries/time_days"][-1])
            self.has_cuts = "/trials/cuts" in f
            if self.has_cuts:
                self.cuts = f["/trials/cuts"][:]
                self.cut_offsets = f["/trials/cut_offsets"][:]
        self.cable = np.array([_s(c) for c in self.edges["cable"]])
        self.edge_id = np.array([_s(c) for c in self.edges["id"]])

    @staticmethod
    def _per_trial(f, name):
        """A routed outcome per trial: /trials/NAME in format 1, the rows of /outcomes/NAME that
        /trials/outcome names in format 2 and later (docs/hdf5-schema.md, "/outcomes",
        "Dictionary tables")."""
        if "/trials/outcome" not in f:
            return f["/trials/" + name][:]
        table = f["/outcomes/" + name]
        if isinstance(table, h5py.Group):  # format 4: a dictionary table (values, index)
            table = table["values"][()][table["value_offsets"][:-1] + table["index"][()]]
        return table[:][f["/trials/outcome"][:]]

    def scenario_number(self, key):
        """The number given to KEY in the scenario as it ran (the root attribute `scenario`,
        block-style YAML written by cablesim), or None when the key is absent."""
        m = re.search(rf"^\s*{re.escape(key)}:\s*([-+0-9.eE]+)\s*$", self.scenario, re.M)
        return float(m.group(1)) if m else None

    # ----- what failed -----

    def down_edges(self, t):
        """Edges down in trial t: failed edges and every edge at a failed node."""
        down = set(self.failed_edges[self.failed_offsets[t]:self.failed_offsets[t + 1]].tolist())
        lost = set(self.failed_nodes[self.failed_node_offsets[t]:
                                     self.failed_node_offsets[t + 1]].tolist())
        if lost:
            for e, row in enumerate(self.edges):
                if row["from"] in lost or row["to"] in lost:
                    down.add(e)
        return sorted(down)

    def systems_cut(self):
        """{cable system: share of trials in which at least one of its edges is down}."""
        count = {}
        for t in range(self.trials):
            for c in {self.cable[e] for e in self.down_edges(t) if self.cable[e]}:
                count[c] = count.get(c, 0) + 1
        return {c: n / self.trials for c, n in sorted(count.items())}

    def mean_systems_cut(self):
        return sum(len({self.cable[e] for e in self.down_edges(t) if self.cable[e]})
                   for t in range(self.trials)) / self.trials

    def capacity_lost(self):
        """Per trial, the capacity of the run's basis (/topology/edges lit_tbps, which is what
        `capacity: lit` routes on) of every edge down, Tbps."""
        lit = self.edges["lit_tbps"]
        return np.array([lit[self.down_edges(t)].sum() for t in range(self.trials)])

    def japan_international_capacity(self):
        """Lit capacity of the segments with one end at a Japanese node and the other abroad
        (or at a branching unit outside Japan), Tbps: the denominator of 'share lost'."""
        country = np.array([_s(c) for c in self.nodes["country"]])
        total = 0.0
        for row in self.edges:
            if _s(row["kind"]) != "segment":
                continue
            a, b = country[row["from"]], country[row["to"]]
            if (a == "JP") != (b == "JP"):
                total += row["lit_tbps"]
        return total

    # ----- service -----

    def _region_demands(self):
        region = {}
        for i, d in enumerate(self.demands):
            o, t = self.nodes[d["origin"]], self.nodes[d["destination"]]
            oc, tc = _s(o["country"]), _s(t["country"])
            if oc == "JP" and tc != "JP":
                r = _s(t["region"])
            elif tc == "JP" and oc != "JP":
                r = _s(o["region"])
            else:
                continue
            region.setdefault(r, []).append(i)
        return region

    def region_served(self, regions=None):
        """{region: per-trial served / intact served of Japan's traffic with that region}
        (or the group of REGIONS together as one entry). Regions the intact network of the
        year does not serve are left out (there is nothing to lose)."""
        groups = self._region_demands()
        if regions is not None:
            idx = [i for r in regions for i in groups.get(r, [])]
            groups = {"+".join(regions): idx}
        out = {}
        for r, idx in sorted(groups.items()):
            intact = self.base_served[idx].sum()
            if intact <= 0:
                continue
            out[r] = self.served[:, idx].sum(axis=1) / intact
        return out

    def regions_below(self, level=0.9, quantile=0.5):
        """Regions whose served share at the event is below LEVEL in the median trial."""
        return {r: float(np.quantile(s, quantile)) for r, s in self.region_served().items()
                if np.quantile(s, quantile) < level}

    def regions_isolated(self):
        """Regions with a (city, region) pair cut off (no surviving path) in some trial, among
        the regions the intact network of the year serves."""
        served = self.region_served()
        out = set()
        for j, p in enumerate(self.pairs):
            if _s(p["region"]) in served and self.pair_cut[:, j].any():
                out.add(_s(p["region"]))
        return sorted(out)

    # ----- repairs -----

    def _trial_faults(self, t):
        return self.faults[self.fault_offsets[t]:self.fault_offsets[t + 1]]

    def fault_durations(self):
        """end - fail of every fault of every trial (inf when not repaired in the horizon)."""
        return self.faults["end_days"] - self.faults["fail_days"]

    def last_repair(self):
        """Per trial, the day the last fault was repaired (inf: not within the horizon)."""
        out = []
        for t in range(self.trials):
            fa = self._trial_faults(t)
            out.append(fa["end_days"].max() if len(fa) else 0.0)
        return np.array(out)

    def system_back(self, cable):
        """Per trial with a fault on CABLE, the day its last fault was repaired."""
        out = []
        for t in range(self.trials):
            fa = self._trial_faults(t)
            mine = fa[self.cable[fa["edge"]] == cable]
            if len(mine):
                out.append(mine["end_days"].max())
        return np.array(out)

    def segment_back(self, segment):
        out = []
        for t in range(self.trials):
            fa = self._trial_faults(t)
            mine = fa[self.edge_id[fa["edge"]] == segment]
            if len(mine):
                out.append(mine["end_days"].max())
        return np.array(out)


def q(values, a):
    """Quantile a of VALUES (inf kept: a repair not done within the horizon)."""
    values = np.asarray(values, dtype=float)
    return float(np.quantile(values, a)) if len(values) else math.nan


def fmt_days(x):
    return "not within the horizon" if math.isinf(x) else f"{x:.1f}"


def describe(name, r):
    """The figures of one replay as text lines (what docs/validation.md quotes)."""
    lines = [f"## {name} (as_of {r.as_of}, {r.trials} trials)"]
    sc = r.systems_cut()
    lines.append("systems cut (share of trials): " +
                 ", ".join(f"{c} {p:.2f}" for c, p in sc.items()))
    lines.append(f"systems cut per trial (mean): {r.mean_systems_cut():.2f}")
    cap = r.capacity_lost()
    intl = r.japan_international_capacity()
    lines.append(f"capacity lost (lit, Tbps): median {q(cap, 0.5):.3f}, max {cap.max():.3f}; "
                 f"Japan's international lit capacity {intl:.3f} Tbps")
    rs = r.region_served()
    lines.append("Japan's traffic served at the event, median over trials (share of intact): " +
                 ", ".join(f"{k} {q(v, 0.5):.2f}" for k, v in rs.items()))
    hk_sea = r.region_served(("Hong Kong",) + SOUTH_EAST_ASIA)
    for k, v in hk_sea.items():
        lines.append(f"Hong Kong + South-East Asia together: median {q(v, 0.5):.3f}")
    lines.append(f"regions below 90% (median trial): {r.regions_below() or 'none'}; "
                 f"regions cut off in some trial: {r.regions_isolated() or 'none'}")
    if r.has_recovery:
        d = r.fault_durations()
        last = r.last_repair()
        lines.append(f"faults per trial: {len(r.faults) / r.trials:.1f}; per-fault repair days "
                     f"(fail to end): median {fmt_days(q(d, 0.5))}, 10% {fmt_days(q(d, 0.1))}, "
                     f"90% {fmt_days(q(d, 0.9))}")
        lines.append(f"last repair (day): median {fmt_days(q(last, 0.5))}, "
                     f"10% {fmt_days(q(last, 0.1))}, 90% {fmt_days(q(last, 0.9))} "
                     f"(horizon {r.horizon:g})")
        for c in sorted({r.cable[e] for e in r.faults["edge"]}):
            b = r.system_back(c)
            lines.append(f"  {c} back (day): median {fmt_days(q(b, 0.5))}, "
                         f"90% {fmt_days(q(b, 0.9))}")
    lines.append(f"/trials/cuts present: {r.has_cuts}")
    return lines


def main(argv):
    trials = int(argv[1]) if len(argv) > 1 else None
    names = sorted(p.stem for p in REPLAYS.glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            r = Replay(run_replay(name, tmp, trials))
            print("\n".join(describe(name, r)))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
