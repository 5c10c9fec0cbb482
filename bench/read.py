"""Typical reads of a results file with the Python reader, for bench/read.sh:

    python3 bench/read.py PACKAGE_DIR FILE MODE

MODE: open (open_results only), trials (100 single trials of served_tbps, latency_ms and
edge_flow_tbps, spread over the run), full (r.served, r.edge_flow, r.latency: the whole trial
matrices, as a notebook takes them), iter (iter_rows of the three, a slice at a time), records
(r.cuts, r.hazard_events and, with recovery, recovery.faults: the record lists whole). Prints
the CPU seconds of the reads (not of the imports) and a checksum of what was read."""
import resource
import sys
import time

sys.path.insert(0, sys.argv[1])
from cablesim_analysis import open_results, recovery  # noqa: E402

path, mode = sys.argv[2], sys.argv[3]
t0 = time.process_time()
h = 0.0
with open_results(path) as r:
    if mode == "trials":
        for t in range(0, r.n_trials, max(1, r.n_trials // 100)):
            for name in ("served_tbps", "latency_ms", "edge_flow_tbps"):
                h += float(r.read(name, t, t + 1).fillna(0).to_numpy().sum())
    elif mode == "full":
        h += float(r.served.to_numpy().sum()) + float(r.edge_flow.to_numpy().sum())
        h += float(r.latency.fillna(0).to_numpy().sum())
    elif mode == "records":
        h += float(r.cuts["depth_m"].sum()) + float(r.hazard_events["target"].sum())
        if "recovery" in r.file:
            h += float(recovery.faults(r)["fail_days"].sum())
    elif mode == "iter":
        for name in ("served_tbps", "latency_ms", "edge_flow_tbps"):
            for df in r.iter_rows(name):
                h += float(df.fillna(0).to_numpy().sum())
print(f"{mode}: {time.process_time() - t0:.2f} s CPU, peak "
      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, check {h!r}",
      file=sys.stderr)
