"""Fixtures: small results files made by running the built cablesim (path in $CABLESIM_CLI)
on tests/data/engine-topo.geojson and engine-demand.csv.

The network as of 2015 (OLD-1 retired in 2012): Tokyo reaches landing station jp-a, Tokyo and
Osaka reach jp-b; PAC-1 (jp-a - Morro Bay, lit 8 Tbps) and PAC-2 (jp-b - Hermosa, lit 10) go
to Los Angeles, ASIA-1 (jp-a, lit 4) and ASIA-2 (jp-b, lit 5) to Hong Kong. Demand: Tokyo-LA
7.5, Osaka-LA 4.25, Tokyo-HK 3.5, Osaka-HK 1.75, Tokyo-Osaka 0.5 Tbps (17.5 in all).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"
TOPOLOGY = DATA / "engine-topo.geojson"
DEMAND = DATA / "engine-demand.csv"

RANDOM_TRIALS = 200


def cli_path():
    cli = os.environ.get("CABLESIM_CLI")
    if not cli:
        pytest.skip("CABLESIM_CLI is not set: these tests need the built cablesim binary "
                    "(ctest sets it; by hand: CABLESIM_CLI=build/<dir>/sim/cablesim)")
    if not os.access(cli, os.X_OK):
        pytest.fail(f"CABLESIM_CLI={cli} is not an executable file")
    return cli


def run_cablesim(scenario_text, directory, name, *extra):
    """Writes SCENARIO into directory/name.yaml, runs it, returns the results path."""
    directory = Path(directory)
    scenario = directory / f"{name}.yaml"
    scenario.write_text(scenario_text, encoding="utf-8")
    out = directory / f"{name}.h5"
    proc = subprocess.run([cli_path(), "run", str(scenario), "-o", str(out), "--quiet", *extra],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"cablesim run failed ({proc.returncode}): {proc.stderr}"
    return out


def scenario(name, trials, hazard, as_of=2015, topology=TOPOLOGY, demand=DEMAND, extra="",
             routing="routing: {restoration_share: 1}\n"):
    """A scenario on the test network. The reader's hand figures are for routing without a
    restoration limit (share 1); routing="" gives the default restoration model."""
    return (f"name: {name}\ntopology: {topology}\ndemand: {demand}\nas_of: {as_of}\n"
            f"trials: {trials}\nseed: 20240917\n{routing}hazards:\n{hazard}{extra}")


RANDOM_HAZARD = "  - type: random_faults\n    window_days: 365\n    rate_deep: 0.05\n"
CUT_HAZARD = "  - type: explicit\n    cables: [PAC-1, PAC-2]\n"


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("results")


@pytest.fixture(scope="session")
def random_h5(workdir):
    """200 trials of random faults over a year (many segments fail)."""
    return run_cablesim(scenario("pytest-random", RANDOM_TRIALS, RANDOM_HAZARD), workdir, "random")


@pytest.fixture(scope="session")
def cut_h5(workdir):
    """5 trials that all cut both trans-Pacific cables, PAC-1 and PAC-2."""
    return run_cablesim(scenario("pytest-cut", 5, CUT_HAZARD), workdir, "cut")


@pytest.fixture(scope="session")
def noflow_h5(workdir):
    """The random scenario without edge flows and latency in the file."""
    return run_cablesim(
        scenario("pytest-noflow", 20, RANDOM_HAZARD,
                 extra="output:\n  edge_flow: false\n  latency: false\n"),
        workdir, "noflow")


@pytest.fixture(scope="session")
def yearly_h5(workdir):
    """The random scenario on the networks of 2015, 2004 and 2008 (in that order)."""
    return [run_cablesim(scenario(f"pytest-{y}", 50, RANDOM_HAZARD, as_of=y), workdir, f"y{y}")
            for y in (2015, 2004, 2008)]


@pytest.fixture(scope="session")
def geojson():
    with open(TOPOLOGY, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture
def copy_of(tmp_path):
    """Copies a results file into the test's directory (to modify it)."""
    def make(src, name="copy.h5"):
        dst = tmp_path / name
        shutil.copyfile(src, dst)
        return dst
    return make
