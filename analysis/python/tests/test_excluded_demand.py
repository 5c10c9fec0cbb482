"""Two routing bugs found by session 19's random sweep against an exact LP (docs/validation.md,
"Random topologies against an exact LP"), each on a network of a few cities in tests/data/:

* a demand the intact network serves nothing of is "never routed" (docs/model.md, "Demand the
  intact network cannot serve"), yet it was placed in trials whenever capacity came free: its
  flow took capacity while its served amount was written as 0;
* with the restoration limit, a trial whose failures take down no edge with intact flow keeps
  the intact routing (docs/model.md, "Restoration"), yet such a demand, connected but unserved,
  made every failure set count as displacing: the trial was routed again on the restricted
  capacities.
"""

import subprocess

import h5py
import numpy as np
import pytest

import maxflow_oracle as oracle
from conftest import REPO, cli_path

POLICIES = ("latency-first", "maxflow")
DATA = REPO / "tests" / "data"


def run(tmp_path, network, policy, share, hazards, tag=""):
    scenario = tmp_path / f"{network}-{policy}{tag}.yaml"
    scenario.write_text(f"""name: {network}
topology: {DATA / (network + '.geojson')}
demand: {DATA / (network + '-demand.csv')}
as_of: 2025
trials: 1
routing: {{policy: {policy}, rounds: 1, restoration_share: {share}}}
hazards: {hazards}
""")
    out = tmp_path / f"{network}-{policy}{tag}.h5"
    proc = subprocess.run([cli_path(), "run", str(scenario), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert oracle.check(out).violations == []
    return oracle.Run(out), out


@pytest.mark.parametrize("policy", POLICIES)
def test_a_demand_the_intact_network_crowds_out_is_never_routed(tmp_path, policy):
    # Chiba-Guam fills Tokyo-Guam (1 Tbps); Saitama-Guam gets nothing and is left out. With
    # Chiba-Tokyo cut, Tokyo-Guam is free, but nothing may flow on it: Saitama-Guam is not
    # routed. Before session 19: 0.5 Tbps on Saitama-Tokyo and Tokyo-Guam, served 0.
    r, path = run(tmp_path, "excluded-crowded", policy, 1,
                  "[{type: explicit, segments: [chiba-tokyo]}]")
    with h5py.File(path) as f:
        assert f["baseline/served_tbps"][:].tolist() == [1.0, 0.0]
        assert f["baseline/edge_flow_tbps"][:].tolist() == [1.0, 0.0, 1.0]
    o = int(r.outcome[0])
    assert r.served[o].tolist() == [0.0, 0.0]
    assert r.flow[o].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("policy", POLICIES)
def test_an_unused_failure_keeps_the_intact_routing_beside_an_unserved_demand(tmp_path, policy):
    # Chiba-Guam (1 Tbps) runs on tg1, the shorter cable: f0 = 1 there, while the spread holds
    # 0.5 on each cable, so the restricted capacity of tg1 is 0.5 + 0.2 x 0.5 = 0.6. Cutting
    # the unused Chiba-Saitama link displaces nothing: the trial is the intact routing, bit for
    # bit, also with Naha-Guam (joined only by an unlit cable) connected and unserved. Before
    # session 19 it was routed on the restricted capacities: 0.6 on tg1 and 0.4 on tg2.
    r, path = run(tmp_path, "excluded-unlit", policy, 0.2,
                  "[{type: explicit, segments: [chiba-saitama]}]")
    with h5py.File(path) as f:
        base_served, base_flow = f["baseline/served_tbps"][:], f["baseline/edge_flow_tbps"][:]
    assert base_served.tolist() == [1.0, 0.0]
    tg1, tg2 = 3, 4
    o = int(r.outcome[0])
    assert r.capacities(r.rho_at_event)[tg1] == pytest.approx(0.6, rel=1e-12)
    if policy == "latency-first":
        assert base_flow[tg1] == 1.0 and base_flow[tg2] == 0.0
    assert np.array_equal(r.served[o], base_served)
    assert np.array_equal(r.flow[o], base_flow)
    # Cutting tg1, which carries intact flow, does displace: the restricted capacities apply.
    r, _ = run(tmp_path, "excluded-unlit", policy, 0.2, "[{type: explicit, segments: [tg1]}]", "-tg1")
    o = int(r.outcome[0])
    assert r.served[o][0] == pytest.approx(0.6, rel=1e-12)  # tg2's 0.5 + 0.2 x 0.5
