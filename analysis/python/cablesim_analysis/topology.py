"""Route geometry for maps: the results file has none, so it is read from the topology
GeoJSON the run used; effective_routes() adds what the scenario's ``network`` section changed
(systems added, segments relanded), drawn as cablesim draws them.

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
import math
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


# ---------------------------------------------------------------- routes of the network as run

EARTH_RADIUS_KM = 6371.0088  # as sim/include/cablesim/geo.h
PIECE_KM = 100.0             # the pieces of a drawn great circle, as sim/src/model/network.c
END_KM = 25.0                # how far a route's end may lie from its station (topology-format.md)


def _vec(lon, lat):
    lo, la = np.radians(lon), np.radians(lat)
    return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def distance_km(a, b):
    """Great-circle distance between two (lon, lat) points, km."""
    d = float(np.clip(_vec(*a) @ _vec(*b), -1.0, 1.0))
    return EARTH_RADIUS_KM * math.acos(d)


def great_circle(points):
    """The route through points [(lon, lat), ...] along great circles, in pieces of at most
    PIECE_KM, as RFC 7946 parts: [array (n, 2)] with longitudes in [-180, 180], a new part where
    the route crosses 180 degrees (one ends at +-180, the next starts at -+180), as cablesim
    draws the routes of the systems a scenario adds (docs/scenarios.md, "Design alternatives")."""
    pts = [(float(lon), float(lat)) for lon, lat in points]
    out = [pts[0]]
    for a, b in zip(pts, pts[1:]):
        va, vb = _vec(*a), _vec(*b)
        om = math.acos(float(np.clip(va @ vb, -1.0, 1.0)))
        k = max(1, math.ceil(EARTH_RADIUS_KM * om / PIECE_KM))
        for i in range(1, k + 1):
            if i == k or math.sin(om) < 1e-12:
                out.append(b if i == k else a)
                continue
            t = i / k
            v = (math.sin((1 - t) * om) * va + math.sin(t * om) * vb) / math.sin(om)
            out.append((math.degrees(math.atan2(v[1], v[0])),
                        math.degrees(math.asin(float(np.clip(v[2], -1.0, 1.0))))))
    parts, cur = [], [out[0]]
    for p in out[1:]:
        prev = cur[-1]
        lon = ((p[0] + 180.0) % 360.0) - 180.0 if abs(p[0]) != 180.0 else p[0]
        if abs(lon - prev[0]) > 180.0:  # crosses the antimeridian between prev and p
            east = 180.0 if prev[0] > 0 else -180.0
            dlon = lon + (360.0 if east > 0 else -360.0) - prev[0]
            lat = prev[1] + (east - prev[0]) / dlon * (p[1] - prev[1])
            cur.append((east, lat))
            parts.append(np.asarray(cur))
            cur = [(-east, lat)]
        cur.append((lon, p[1]))
    parts.append(np.asarray(cur))
    return parts


def _designed(r):
    """{edge id: its entry (a map: from, to, via or coordinates)} of the segments the run's
    scenario added (its ``network.add``): ids <cable in lower case>:1, :2, ... in list order.
    Empty when the scenario adds none or cannot be read (those edges are then drawn by their
    ends)."""
    try:
        import yaml
    except ImportError:
        return {}
    try:
        doc = yaml.safe_load(r.scenario_resolved or r.scenario_text)
    except yaml.YAMLError:
        return {}
    net = doc.get("network") if isinstance(doc, dict) else None
    adds = net.get("add") if isinstance(net, dict) else None
    out = {}
    for sys_ in adds if isinstance(adds, list) else []:
        if not isinstance(sys_, dict) or not isinstance(sys_.get("segments"), list):
            continue
        for k, seg in enumerate(sys_["segments"], 1):
            if isinstance(seg, dict):
                out[f"{str(sys_.get('cable', '')).lower()}:{k}"] = seg
    return out


def effective_routes(r, topology_path=None, required=False):
    """The route of every edge of results file r, as the run's network had it: {edge id:
    (parts, how)} with parts as in load_routes() and how one of

    - "route": the topology file's route (found as find_topology() does); a route whose end
      lies more than END_KM from the edge's node (a segment the scenario relanded at another
      station) is extended along the great circle to it, as cablesim relands it;
    - "design": a segment the scenario's ``network`` section added, drawn as cablesim draws it:
      great circles through its ``via`` waypoints, or its ``coordinates``;
    - "ends": the great circle between the edge's ends (an edge the file lacks, or every edge
      when the file cannot be found and required is false).
    """
    try:
        routes = load_routes(find_topology(r, topology_path))
    except ResultsError:
        if required or topology_path is not None:
            raise
        routes = {}
    designed = _designed(r)
    nodes = r.nodes
    lonlat = list(zip(nodes["lon_deg"].to_numpy(float), nodes["lat_deg"].to_numpy(float)))
    ids = nodes["id"].to_numpy()
    out = {}
    for eid, f, t in zip(r.edge_ids, r.edges["from"].to_numpy(), r.edges["to"].to_numpy()):
        a, b = lonlat[int(f)], lonlat[int(t)]
        seg = designed.get(eid) if eid not in routes else None
        if seg is not None and seg.get("coordinates"):
            out[eid] = ([np.asarray(seg["coordinates"], dtype=float)[:, :2]], "design")
        elif seg is not None:
            via = [tuple(p) for p in seg.get("via") or []]
            if str(seg.get("from")) == ids[int(t)] and str(seg.get("to")) == ids[int(f)]:
                via = via[::-1]
            out[eid] = (great_circle([a, *via, b]), "design")
        elif eid in routes:
            out[eid] = (_relanded(routes[eid], a, b), "route")
        else:
            out[eid] = (great_circle([a, b]), "ends")
    return out


def _relanded(parts, a, b):
    """parts with each end that lies more than END_KM from its node (a at the start or the end,
    whichever fits better, b at the other) extended along the great circle to it."""
    s, e = tuple(parts[0][0]), tuple(parts[-1][-1])
    if distance_km(s, a) + distance_km(e, b) > distance_km(s, b) + distance_km(e, a):
        a, b = b, a
    parts = [p.copy() for p in parts]
    if distance_km(s, a) > END_KM:
        head = great_circle([a, s])
        parts = head[:-1] + [np.vstack([head[-1][:-1], parts[0]])] + parts[1:]
    if distance_km(e, b) > END_KM:
        tail = great_circle([e, b])
        parts = parts[:-1] + [np.vstack([parts[-1], tail[0][1:]])] + tail[1:]
    return parts
