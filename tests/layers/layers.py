#!/usr/bin/python3
"""The layering of sim/src (issue 14): each folder includes only what its README allows.

Usage: layers.py SOURCE_DIR. Fails (exit 1) naming file:line and the rule broken when a file
of sim/src includes a private header of a folder it may not use, or a public header of a
higher layer; or when a source file lies outside the layer folders. Each folder's README.md
says the same in prose; this table is the rule that is checked.
"""
import os
import re
import sys

# folder: (private folders it may include, public headers it must not include)
HIGH = {"engine", "mpirun", "results", "results_mpi", "resultsio", "batch", "analysis",
        "report", "criticality", "evolution", "estimator", "inspect", "outfile"}
RULES = {
    "core": ({"core"}, HIGH | {"topology", "demand", "scenario", "regions", "hazard",
                                "failures", "cutsite", "routing", "recovery", "netinfo",
                                "export", "ydoc", "coast"}),
    "model": ({"core", "model"}, HIGH | {"hazard", "failures", "cutsite", "routing", "coast"}),
    "hazards": ({"core", "hazards"}, HIGH | {"routing", "coast"}),
    "routing": ({"core", "routing"}, HIGH | {"hazard", "cutsite", "coast"}),
    "engine": ({"core", "hazards", "routing", "engine"}, {"report", "coast"}),
    "results": ({"core", "results"}, {"engine", "hazard", "mpirun", "report", "criticality",
                                      "evolution", "analysis", "coast"}),
    "analysis": ({"core", "analysis"}, {"engine", "hazard", "mpirun", "results",
                                        "results_mpi", "report", "coast"}),
    "report": ({"core", "report", "results"}, {"engine", "hazard", "mpirun", "results_mpi"}),
}
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main(root):
    src = os.path.join(root, "sim", "src")
    bad = []
    for dirpath, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            layer = rel.split(os.sep)[0] if os.sep in rel else None
            if layer not in RULES:
                bad.append("%s: not in a layer folder (%s)" % (rel, ", ".join(RULES)))
                continue
            private, banned = RULES[layer]
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = INC.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    top, _, rest = inc.partition("/")
                    if not rest:
                        bad.append("sim/src/%s:%d: \"%s\": a private header without its folder"
                                   % (rel, n, inc))
                    elif top == "cablesim":
                        stem = os.path.splitext(rest)[0]
                        if stem in banned:
                            bad.append("sim/src/%s:%d: %s may not include %s (a higher layer)"
                                       % (rel, n, layer, inc))
                    elif top not in private:
                        bad.append("sim/src/%s:%d: %s may not include %s (private to %s/)"
                                   % (rel, n, layer, inc, top))
    for b in bad:
        print("layers: " + b)
    if not bad:
        print("layers: every include of sim/src follows its folder's rule")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
