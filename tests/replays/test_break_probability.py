"""Where the earthquake's `p_max` comes from (docs/model.md, "Where `p_max` comes from"): the
break sites that lay within the rupture's reach in the two events whose breaks this repository
sources, and how many of them broke.

The slope model breaks a site at distance d from the rupture with p_max / (1 + exp((d - d50) /
(spread d50))): at a site well within the reach, with p_max. Run with `p_max: 1`, the share of
trials that cut a site is that site's distance factor; the sites cut in at least 90% of trials
are "within the reach", where the model's break probability is p_max (0.9 x that factor). The
record says, for some of them, whether they broke; the share that broke estimates p_max, with a
Clopper-Pearson interval. This test recomputes the sites within reach on each event's network
(the hazard replays with `p_max: 1`) and checks them against the table of docs/model.md, so that
a change of the geometry, the reach or the network that changes the derivation fails here.
"""

import math

import h5py
import pytest
import yaml
from scipy.stats import beta

from replay_figures import run_replay

TRIALS = 200

# The sites within reach: (segment, landing station of the slope), docs/model.md's table.
IN_REACH = {
    "tohoku-2011-hazard": {
        ("pc-1:3", "jp-ajigaura"), ("pc-1:5", "jp-ajigaura"),
        ("eac-c2c:16", "jp-ajigaura"), ("eac-c2c:24", "jp-ajigaura"),
        ("apcn-2:1", "jp-kitaibaraki"), ("apcn-2:2", "jp-kitaibaraki"),
        ("jus:1", "jp-kitaibaraki"), ("jus:2", "jp-kitaibaraki"),
        ("jih:7", "jp-ibaraki"), ("jih:8", "jp-ibaraki"), ("jih:8", "jp-sendai"),
        ("jih:9", "jp-sendai"),
        ("muroran-hachinohe:1", "jp-hachinohe"),
    },
    "hengchun-2006-hazard": {("chus:4", "tw-fangshan"), ("smw3:18", "tw-fangshan")},
}
# What the record says of them. Broken, the segment named (its only site within reach):
# PC-1 North and West, EAC K and L off Ajigaura (TeleGeography via Computerworld 2011-03-15;
# Pacific Crossing via submarinenetworks.com 2011-04-11); China-US W2 (the Fangshan spur) and
# SEA-ME-WE 3 S1.8 (Fangshan - BU4) (Converge Digest 2007-01-01). Broken, the system only:
# APCN-2 and Japan-US at Kitaibaraki (same sources), KDDI's domestic submarine cable JIH (ITpro
# 2011-04-08): which of their sites broke is not in the sources. Not in the sources:
# Muroran-Hachinohe. (scenarios/replays/tohoku-2011.yaml and hengchun-2006.yaml quote them.)
BROKEN_SITES = {("pc-1:3", "jp-ajigaura"), ("pc-1:5", "jp-ajigaura"),
                ("eac-c2c:16", "jp-ajigaura"), ("eac-c2c:24", "jp-ajigaura"),
                ("chus:4", "tw-fangshan"), ("smw3:18", "tw-fangshan")}
BROKEN_SYSTEMS = {"apcn-2", "jus", "jih"}
UNKNOWN = {"muroran-hachinohe"}


def clopper_pearson(k, n, level=0.95):
    a = 1 - level
    lo = 0.0 if k == 0 else beta.ppf(a / 2, k, n - k + 1)
    hi = 1.0 if k == n else beta.ppf(1 - a / 2, k + 1, n - k)
    return lo, hi


def sites_cut(path):
    """The share of trials that cut each (segment, landed end) slope site."""
    with h5py.File(path, "r") as f:
        n = int(f.attrs["trials"])
        nodes, edges = f["/topology/nodes"][:], f["/topology/edges"][:]
        cuts, off = f["/trials/cuts"][:], f["/trials/cut_offsets"][:]
    node_id = [x.decode() for x in nodes["id"]]
    kind = [x.decode() for x in nodes["kind"]]
    count = {}
    for t in range(n):
        seen = set()
        for c in cuts[off[t]:off[t + 1]]:
            e = edges[c["edge"]]
            # The slope's landing: the segment's landed end nearer the cut.
            ends = [v for v in (e["from"], e["to"]) if kind[v] == "landing_station"]
            near = min(ends, key=lambda v: math.hypot(nodes[v]["lon_deg"] - c["lon_deg"],
                                                      nodes[v]["lat_deg"] - c["lat_deg"]))
            seen.add((e["id"].decode(), node_id[near]))
        for s in seen:
            count[s] = count.get(s, 0) + 1
    return {s: k / n for s, k in count.items()}


@pytest.fixture(scope="module")
def within_reach(tmp_path_factory):
    out = {}
    for name, extra in (("tohoku-2011-hazard", ()),
                        ("hengchun-2006-hazard", ("--set", "hazards.0.sediment_flow=null"))):
        d = tmp_path_factory.mktemp(name)
        share = sites_cut(run_replay(name, d, TRIALS, ("--set", "hazards.0.p_max=1") + extra))
        out[name] = {s for s, v in share.items() if v >= 0.9}
        # The reach is sharp: nothing between 10% and 90% in these two events.
        assert not [s for s, v in share.items() if 0.1 < v < 0.9], share
    return out


def test_the_sites_within_reach_are_the_documented_ones(within_reach):
    for name, sites in IN_REACH.items():
        assert within_reach[name] == sites, (name, within_reach[name] ^ sites)


def system(site):
    return site[0].split(":")[0]


def test_p_max_lies_in_the_records_interval(within_reach, tmp_path):
    sites = set().union(*within_reach.values())
    # No site within reach is of a system the record calls undamaged (TGN-P and the systems
    # landing south of Tokyo lie outside the reach).
    assert {system(s) for s in sites} <= ({system(s) for s in BROKEN_SITES} | BROKEN_SYSTEMS
                                          | UNKNOWN)
    # Where the record resolves the site, every site within reach broke: 6 of 6.
    resolved = sites & BROKEN_SITES
    assert resolved == BROKEN_SITES
    lo, hi = clopper_pearson(len(resolved), len(resolved))
    assert len(resolved) == 6 and hi == 1.0 and math.isclose(lo, 0.025 ** (1 / 6))
    assert round(lo, 3) == 0.541
    # Each site of a broken system counted as broken: 14 of 14; each system once: 9 of 9.
    known = {s for s in sites if system(s) not in UNKNOWN}
    assert len(known) == 14 and round(clopper_pearson(14, 14)[0], 3) == 0.768
    units = len(resolved) + len({system(s) for s in known - resolved})
    assert units == 9 and round(clopper_pearson(9, 9)[0], 3) == 0.664
    # The default p_max lies inside the narrowest of these intervals and between the
    # rule-of-succession estimates (k + 1) / (n + 2) of the two counts, 7/8 and 15/16.
    path = run_replay("tohoku-2011-hazard", tmp_path, 1)
    with h5py.File(path, "r") as f:
        resolved_scenario = yaml.safe_load(f.attrs["scenario_resolved"])
    p_max = resolved_scenario["hazards"][0]["p_max"]
    assert 0.768 <= p_max <= 1.0
    assert 7 / 8 <= p_max <= 15 / 16
