"""The job scripts of contrib/slurm and contrib/pbs under a simulated scheduler.

Each task runs the shipped script with the variables the scheduler sets (SLURM_* / PBS_*), with
fake `scontrol` and `qsub` on PATH that record what they are asked. A hard kill (SIGKILL after
the first write, CABLESIM_RAISE) followed by a requeue, a clean stop at the time limit (SIGTERM
after the first write) with the script's requeue or resubmission, and a spurious requeue of a
finished part must all end in a merged file identical, dataset by dataset, to one whole run's.
"""
import os
import stat
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CLI = os.environ.get("CABLESIM_CLI", "cablesim")
PARTS = 3


@pytest.fixture()
def job(tmp_path):
    """A submit directory with a scenario, a fake scheduler on PATH and a whole run to compare."""
    (tmp_path / "s.yaml").write_text(
        f"name: contrib\ntopology: {DATA}/engine-topo.geojson\n"
        f"demand: {DATA}/engine-demand.csv\nas_of: 2011\ntrials: 300\nseed: 17\n"
        "output:\n  batch_trials: 20\n"
        "hazards:\n  - type: random_faults\n    window_days: 365\n    rate_deep: 0.1\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, out in (("scontrol", ""), ("qsub", "echo 99.server\n")):
        fake = bin_dir / name
        fake.write_text(f'#!/bin/sh\necho "{name} $*" >> "$FAKE_LOG"\n{out}')
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    subprocess.run([CLI, "run", "s.yaml", "-o", "whole.h5", "--quiet"], cwd=tmp_path, check=True)
    return tmp_path


def run_script(job, script, extra):
    env = dict(os.environ)
    env.pop("CABLESIM_RAISE", None)
    env.update({"PATH": f"{job / 'bin'}:{env['PATH']}", "FAKE_LOG": str(job / "scheduler.log"),
                "CABLESIM": CLI, "SCENARIO": "s.yaml", "PARTS": str(PARTS), "OUTDIR": "parts",
                "OUTPUT": "merged.h5"})
    env.update(extra)
    return subprocess.run(["bash", str(ROOT / "contrib" / script)], cwd=job, env=env,
                          capture_output=True, text=True)


def log(job):
    path = job / "scheduler.log"
    return path.read_text() if path.exists() else ""


def assert_same_as_whole(job, name):
    with h5py.File(job / "whole.h5", "r") as a, h5py.File(job / name, "r") as b:
        assert a.attrs["complete"] == 1 and b.attrs["complete"] == 1
        for group in ("trials", "baseline"):
            assert set(a[group]) == set(b[group])
            for key in a[group]:
                assert a[group][key][()].tobytes() == b[group][key][()].tobytes(), key


def test_slurm_array_killed_stopped_requeued(job):
    slurm = {"SLURM_SUBMIT_DIR": str(job), "SLURM_ARRAY_JOB_ID": "4242"}
    task = lambda i, **kw: run_script(job, "slurm/parts.sbatch",
                                      {**slurm, "SLURM_ARRAY_TASK_ID": str(i), **kw})
    # Task 0: a hard kill after its first write (lost node, end of the grace period).
    r = task(0, CABLESIM_RAISE="KILL@write=1")
    assert r.returncode == 128 + 9, r.stderr
    assert (job / "parts" / "part-0.h5.tmp").exists()
    assert "requeue" not in log(job)
    # Slurm requeues it: the script resumes the killed part.
    r = task(0)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "resuming it" in r.stdout
    assert not (job / "parts" / "part-0.h5.tmp").exists()
    # Task 1: the warning signal, a clean stop: the script requeues its own task.
    r = task(1, CABLESIM_RAISE="TERM@write=1")
    assert r.returncode == 3, r.stderr
    assert "scontrol requeue 4242_1" in log(job)
    r = task(1)
    assert r.returncode == 0, r.stdout + r.stderr
    # Task 2, then a spurious requeue of it: nothing redone, the file untouched.
    assert task(2).returncode == 0
    before = (job / "parts" / "part-2.h5").stat()
    r = task(2)
    assert r.returncode == 0 and "nothing to do" in r.stdout
    after = (job / "parts" / "part-2.h5").stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    # The merge, and a requeue of it.
    r = run_script(job, "slurm/merge.sbatch", slurm)
    assert r.returncode == 0, r.stdout + r.stderr
    assert_same_as_whole(job, "merged.h5")
    r = run_script(job, "slurm/merge.sbatch", slurm)
    assert r.returncode == 0 and "complete already" in r.stdout


def test_pbs_array_walltime_resubmitted(job):
    pbs = {"PBS_O_WORKDIR": str(job), "SCRIPTDIR": str(ROOT / "contrib" / "pbs"),
           "WAIT_TRIES": "1", "WAIT_SECONDS": "0"}
    task = lambda i, **kw: run_script(job, "pbs/parts.pbs", {**pbs, "PBS_ARRAY_INDEX": str(i), **kw})
    assert task(0).returncode == 0
    # Subjob 1 reaches its walltime: SIGTERM, a clean stop, and the script resubmits the part.
    r = task(1, CABLESIM_RAISE="TERM@write=1")
    assert r.returncode == 3, r.stderr
    assert "INDEX=1" in log(job) and "parts.pbs" in log(job)
    # Subjob 2 is killed hard (kill_delay too short): nothing resubmits it, the merge says so.
    r = task(2, CABLESIM_RAISE="KILL@write=1")
    assert r.returncode == 128 + 9
    r = run_script(job, "pbs/merge.pbs", pbs)
    assert r.returncode == 3 and "still unfinished" in r.stderr
    assert not (job / "merged.h5").exists()
    # The resubmitted part 1 (a single job with INDEX), and part 2 run again by hand.
    assert run_script(job, "pbs/parts.pbs", {**pbs, "INDEX": "1"}).returncode == 0
    assert task(2).returncode == 0
    r = run_script(job, "pbs/merge.pbs", pbs)
    assert r.returncode == 0, r.stdout + r.stderr
    assert_same_as_whole(job, "merged.h5")
