"""Route geometry for maps: the results file has none, so it is read from the topology
GeoJSON the run used.

find_topology() locates that file as ``cablesim run --resume`` does (docs/scenarios.md,
"Paths of a stored run") and accepts a candidate only when its SHA-256 equals the results'
``topology_sha256``, so a map never draws the routes of another version of the network. The
scenario's ``topology`` (the bundled ``topology/japan.geojson`` when absent), when relative,
is tried from $CABLESIM_INPUT_DIR, the scenario's directory when it ran (root attribute
``scenario_dir_abs``), that directory from the results file's (``scenario_dir_rel``), as given
(``scenario_dir_given``), the working directory, the results file's directory and the bundled
data directories ($CABLESIM_DATADIR, /usr/local/share/cablesim, /usr/share/cablesim, this
source tree); then the recorded ``topology_path_abs`` and ``topology_path_rel`` (from the
results file's directory), and the file name under $CABLESIM_INPUT_DIR. An explicit path
(``--topology``) is used as given; a hash mismatch then only warns.
"""

import hashlib
import json
import os
import re
import warnings

import numpy as np

from .reader import ResultsError

DEFAULT_TOPOLOGY = "topology/japan.geojson"
_SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def scenario_topology(scenario_text):
    """The scenario's ``topology`` value (a path string), or None when it has none."""
    try:
        import yaml  # python3-yaml; optional, the regex below reads what cablesim emits
    except ImportError:
        yaml = None
    if yaml is not None:
        try:
            doc = yaml.safe_load(scenario_text)
        except yaml.YAMLError:
            doc = None
        if isinstance(doc, dict):
            value = doc.get("topology")
            return str(value) if value is not None else None
    m = re.search(r"^topology:[ \t]*(.*?)[ \t]*$", scenario_text, re.MULTILINE)
    if not m or m.group(1) in ("", "~", "null"):
        return None
    value = m.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_dirs():
    dirs = [os.environ.get("CABLESIM_DATADIR"), "/usr/local/share/cablesim",
            "/usr/share/cablesim", _SOURCE_ROOT]
    return [d for d in dirs if d]


def find_topology(r, explicit=None):
    """Path of the topology GeoJSON of results r (see the module docstring)."""
    want = r.attrs.get("topology_sha256")
    if explicit is not None:
        explicit = os.fspath(explicit)
        if not os.path.isfile(explicit):
            raise ResultsError(f"{explicit}: no such topology file")
        if want and sha256_of(explicit) != want:
            warnings.warn(f"{explicit}: not the topology {r.path} was run on (SHA-256 differs); "
                          "routes missing from it are not drawn", stacklevel=2)
        return explicit
    given = scenario_topology(r.scenario_text)
    rel = given if given is not None else DEFAULT_TOPOLOGY
    a = r.attrs
    here = os.path.dirname(os.path.abspath(r.path))
    env = os.environ.get("CABLESIM_INPUT_DIR")
    candidates = []
    if os.path.isabs(rel):
        candidates.append(rel)
    else:
        bases = [env, a.get("scenario_dir_abs")]
        if a.get("scenario_dir_rel"):
            bases.append(os.path.join(here, a["scenario_dir_rel"]))
        bases += [a.get("scenario_dir_given"), os.getcwd(), here] + _data_dirs()
        candidates += [os.path.join(b, rel) for b in bases if b]
    if a.get("topology_path_abs"):
        candidates.append(a["topology_path_abs"])
    if a.get("topology_path_rel"):
        candidates.append(os.path.join(here, a["topology_path_rel"]))
    if env:
        candidates.append(os.path.join(env, os.path.basename(rel)))
    tried, looked = [], []
    for c in candidates:
        if c in looked:
            continue
        looked.append(c)
        if not os.path.isfile(c):
            continue
        tried.append(c)
        if not want or sha256_of(c) == want:
            return c
    found = (f"found {', '.join(tried)} (SHA-256 differs)" if tried
             else "no such file")
    raise ResultsError(f"{r.path}: cannot find the topology it was run on "
                       f"(scenario topology: {rel!r}; tried {', '.join(looked)}; {found}); "
                       "give it with --topology, or set CABLESIM_INPUT_DIR to the directory "
                       "the scenario's relative paths start from")


def load_routes(path):
    """Route geometry of every edge of a topology GeoJSON: {edge id: [array (n, 2) of lon,
    lat per part]}. Parts of a MultiLineString stay separate."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as e:
        raise ResultsError(f"{path}: cannot read the topology ({e})") from None
    routes = {}
    for i, feat in enumerate(doc.get("features", [])):
        props = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        if props.get("kind") not in ("segment", "link"):
            continue
        coords = geom.get("coordinates")
        if geom.get("type") == "LineString":
            parts = [coords]
        elif geom.get("type") == "MultiLineString":
            parts = coords
        else:
            raise ResultsError(f"{path}: feature {i} (id {props.get('id')!r}): expected a "
                               f"LineString or MultiLineString, found {geom.get('type')!r}")
        routes[props.get("id")] = [np.asarray(p, dtype=float)[:, :2] for p in parts]
    return routes


def shift_lon(lon):
    """Longitudes shifted to [0, 360), so that the Pacific is one continuous band."""
    return np.mod(np.asarray(lon, dtype=float), 360.0)


def continuous_parts(parts):
    """Parts of a route in shifted longitudes, joined where one part ends where the next
    begins (the antimeridian split of the GeoJSON), and unwrapped so that no step jumps by
    more than 180 degrees (a route crossing the 0 meridian)."""
    joined = []
    for p in parts:
        q = p.copy()
        q[:, 0] = shift_lon(q[:, 0])
        if joined and np.allclose(joined[-1][-1], q[0], atol=1e-9):
            joined[-1] = np.vstack([joined[-1], q[1:]])
        else:
            joined.append(q)
    for q in joined:
        q[:, 0] = np.rad2deg(np.unwrap(np.deg2rad(q[:, 0])))
    return joined
