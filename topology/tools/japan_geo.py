"""Geometry for build_japan.py: great-circle distances and interpolation, the antimeridian,
points in polygons, route simplification and the shallow share of a segment."""
import math

# ----------------------------------------------------------------------------
# geometry helpers
# ----------------------------------------------------------------------------
R_EARTH = 6371.0088


def hav(a, b):
    lon1, lat1 = map(math.radians, a)
    lon2, lat2 = map(math.radians, b)
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * R_EARTH * math.asin(min(1.0, math.sqrt(h)))


def path_len(coords):
    return sum(hav(coords[i], coords[i + 1]) for i in range(len(coords) - 1))


def to_xyz(p):
    lon, lat = map(math.radians, p)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def from_xyz(v):
    x, y, z = v
    n = math.sqrt(x * x + y * y + z * z)
    x, y, z = x / n, y / n, z / n
    return (math.degrees(math.atan2(y, x)), math.degrees(math.asin(max(-1, min(1, z)))))


def gc_interp(a, b, f):
    """point at fraction f on the great circle a->b"""
    va, vb = to_xyz(a), to_xyz(b)
    dot = max(-1.0, min(1.0, sum(i * j for i, j in zip(va, vb))))
    om = math.acos(dot)
    if om < 1e-9:
        return a
    s = math.sin(om)
    k1 = math.sin((1 - f) * om) / s
    k2 = math.sin(f * om) / s
    return from_xyz(tuple(k1 * i + k2 * j for i, j in zip(va, vb)))


def densify_gc(points, step_km=250.0):
    out = [tuple(points[0])]
    for a, b in zip(points[:-1], points[1:]):
        d = hav(a, b)
        n = max(1, int(math.ceil(d / step_km)))
        for i in range(1, n + 1):
            out.append(gc_interp(tuple(a), tuple(b), i / n))
    return out


def nearest_on_segment(p, a, b):
    """approximate nearest point of p on segment a-b (local equirectangular), returns (point, dist_km)"""
    lat0 = math.radians(p[1])
    kx = math.cos(lat0)

    def unwrap(lon):
        d = lon - p[0]
        while d > 180:
            d -= 360
        while d < -180:
            d += 360
        return d

    ax, ay = unwrap(a[0]) * kx, a[1] - p[1]
    bx, by = unwrap(b[0]) * kx, b[1] - p[1]
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L2))
    lon = p[0] + (ax + t * dx) / kx
    if lon > 180:
        lon -= 360
    if lon < -180:
        lon += 360
    q = (lon, p[1] + ay + t * dy)
    return q, hav(p, q), t


def split_antimeridian(coords):
    """coords in [-180,180]; return list of parts, split where the path crosses 180."""
    # unwrap
    un = [list(coords[0])]
    for c in coords[1:]:
        lon = c[0]
        prev = un[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        un.append([lon, c[1]])
    parts = [[un[0]]]
    for a, b in zip(un[:-1], un[1:]):
        # find crossings of odd multiples of 180 between a and b
        lo, hi = sorted((a[0], b[0]))
        k_lo = math.ceil((lo - 180) / 360)
        k_hi = math.floor((hi - 180) / 360)
        crossings = []
        for k in range(k_lo, k_hi + 1):
            x = 180 + 360 * k
            if lo < x < hi or (x == b[0] and a[0] != b[0]) or (x == a[0] and a[0] != b[0]):
                crossings.append(x)
        crossings.sort(reverse=(b[0] < a[0]))
        for x in crossings:
            if x == a[0]:
                continue  # already on the line; handled when it was b
            t = (x - a[0]) / (b[0] - a[0])
            lat = a[1] + t * (b[1] - a[1])
            parts[-1].append([x, lat])
            parts.append([[x, lat]])
        if parts[-1][-1] != b:
            parts[-1].append(b)
    out = []
    for part in parts:
        if len(part) < 2:
            continue
        # normalise: choose shift so that the part lies in [-180,180]
        mid = sum(p[0] for p in part) / len(part)
        shift = -360 * round(mid / 360)
        q = [[round(max(-180.0, min(180.0, p[0] + shift)), 5), round(p[1], 5)] for p in part]
        # drop consecutive duplicates
        qq = [q[0]]
        for p in q[1:]:
            if p != qq[-1]:
                qq.append(p)
        if len(qq) >= 2:
            out.append(qq)
    return out


def point_in_poly(p, poly):
    x, y = p
    inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xin = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xin:
                inside = not inside
    return inside


def simplify_dp(coords, tol_deg):
    """Douglas-Peucker in lon/lat degrees (coords already unwrapped or not crossing 180)."""
    if len(coords) < 3:
        return coords
    a, b = coords[0], coords[-1]
    dmax, idx = -1, 0
    for i in range(1, len(coords) - 1):
        p = coords[i]
        dx, dy = b[0] - a[0], b[1] - a[1]
        L2 = dx * dx + dy * dy
        if L2 == 0:
            d = math.hypot(p[0] - a[0], p[1] - a[1])
        else:
            t = max(0, min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / L2))
            d = math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
        if d > dmax:
            dmax, idx = d, i
    if dmax <= tol_deg:
        return [a, b]
    return simplify_dp(coords[: idx + 1], tol_deg)[:-1] + simplify_dp(coords[idx:], tol_deg)


# Continental-shelf polygons (lon, lat), drawn by hand from the 200 m isobath at a
# coarse scale (GEBCO-style general charts).  Used ONLY for the shallow_share estimate.
SHELF_POLYS = {
    "yellow-east-china-sea-korea-strait": [
        (119.5, 25.4), (122.2, 25.3), (124.0, 26.6), (126.0, 28.6), (128.2, 30.8),
        (129.6, 32.3), (129.9, 33.6), (130.6, 34.3), (129.6, 35.6), (126.3, 37.6),
        (126.5, 41.0), (117.5, 40.5), (117.5, 30.0)],
    "taiwan-strait-south-china-coast": [
        (112.5, 21.3), (116.0, 21.6), (118.5, 22.4), (120.2, 22.3), (120.2, 23.2),
        (121.1, 25.3), (119.5, 25.6), (117.0, 24.2), (114.0, 22.9), (112.5, 22.3)],
    "sunda-shelf-gulf-of-thailand-java-sea": [
        (99.5, 14.0), (101.5, 14.0), (105.5, 10.6), (108.0, 9.6), (109.6, 6.5),
        (112.5, 3.6), (114.6, 4.9), (116.2, 4.6), (114.5, -3.0), (117.5, -4.0),
        (117.0, -8.5), (105.0, -7.5), (98.0, 0.5), (98.0, 8.0)],
}
SHORE_KM = 25.0   # length at each landed end assumed to lie on the (narrow) shelf


def shallow_share(coords, from_is_station, to_is_station):
    pts = []
    for a, b in zip(coords[:-1], coords[1:]):
        d = hav(a, b)
        n = max(1, int(d // 5))
        for i in range(n):
            pts.append((gc_interp(tuple(a), tuple(b), (i + 0.5) / n), d / n))
    total = sum(w for _, w in pts)
    if total <= 0:
        return 1.0
    acc = 0.0
    s = 0.0
    for p, w in pts:
        near = (from_is_station and acc < SHORE_KM) or (to_is_station and total - acc < SHORE_KM)
        inside = any(point_in_poly(p, poly) for poly in SHELF_POLYS.values())
        if near or inside:
            s += w
        acc += w
    return round(min(1.0, s / total), 3)
