"""Random small networks under both routing policies, each results file checked against an exact
linear programme (random_oracle.py; docs/validation.md, "Random topologies against an exact
LP"). A few fixed seeds, so that the suite stays short; the sweep of session 19 ran 60."""

import csv
import json
import subprocess

import h5py
import numpy as np
import pytest

import maxflow_oracle as oracle
import random_oracle
from conftest import cli_path

# Seeds whose networks have a bottleneck, a demand the intact network crowds out (4, 10) and
# transit-closed links; each network runs under three of its failure sets.
SEEDS = (4, 10, 19, 29)


def run(directory, name, scenario):
    path = directory / f"{name}.yaml"
    path.write_text(json.dumps(scenario))
    out = directory / f"{name}.h5"
    proc = subprocess.run([cli_path(), "run", str(path), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_random_networks_pass_the_exact_check(tmp_path, seed):
    topology, demand, edges, stations, cables, rng = random_oracle.make_network(seed, tmp_path)
    sets = random_oracle.failure_sets(rng, edges, stations, cables)
    states = excluded = 0
    for k, failures in enumerate((sets[0], sets[2], sets[-1])):
        for policy in ("latency-first", "maxflow"):
            scenario = {"name": f"random {seed}", "topology": topology, "demand": demand,
                        "as_of": 2025, "trials": 1, "seed": seed,
                        "capacity": rng.choice(["lit", "design"]),
                        "demand_scale": rng.choice([0.3, 1, 3]),
                        "routing": {"policy": policy, "rounds": rng.choice([1, 2, 8]),
                                    "restoration_share": rng.choice([1, 0.3])},
                        "hazards": [dict({"type": "explicit"}, **failures)] if failures else []}
            out = run(tmp_path, f"r{k}-{policy}", scenario)
            bad, n = random_oracle.check(out, topology)
            assert bad == [], (scenario, bad)
            assert oracle.check(out).violations == []
            states += n
            # Demands the intact network serves nothing of are never routed: without them in
            # the demand file, the others' routing is the same, bit for bit.
            r = oracle.Run(out)
            with h5py.File(out) as f:
                base = f["baseline/served_tbps"][:]
            if np.any(base == 0.0) and np.any(base > 0.0):
                excluded += 1
                rows = list(csv.reader(open(demand)))
                keep = np.nonzero(base > 0.0)[0]
                fewer = tmp_path / f"r{k}-{policy}-kept.csv"
                fewer.write_text("\n".join(",".join(rows[i + 1]) for i in keep).join(
                    [",".join(rows[0]) + "\n", "\n"]))
                again = oracle.Run(run(tmp_path, f"r{k}-{policy}-kept",
                                       dict(scenario, demand=str(fewer))))
                o, p = int(r.outcome[0]), int(again.outcome[0])
                assert np.array_equal(r.flow[o], again.flow[p]), (scenario, "flows")
                assert np.array_equal(r.served[o][keep], again.served[p]), (scenario, "served")
    assert states >= 6
    if seed in (4, 10):
        assert excluded > 0
