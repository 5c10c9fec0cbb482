"""The cities (metros) and the demand between them for build_japan.py
(topology/japan-demand.csv): the model, its parameters and their sources."""
import math
import os
from collections import defaultdict

from japan_geo import hav

OUT_DEMAND = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "japan-demand.csv")

# ----------------------------------------------------------------------------
# cities (metros).  Coordinates: city centres (rounded), from general gazetteers.
# pop = metro population in millions (rounded; national statistics, c. 2020-2023)
# ----------------------------------------------------------------------------
CITIES = {
    # id: (name, cc, region, lon, lat, pop_m)
    "city-tokyo": ("Tokyo", "JP", "Japan", 139.767, 35.681, 37.0),
    "city-osaka": ("Osaka", "JP", "Japan", 135.502, 34.694, 19.0),
    "city-nagoya": ("Nagoya", "JP", "Japan", 136.906, 35.181, 9.0),
    "city-fukuoka": ("Fukuoka", "JP", "Japan", 130.402, 33.590, 5.5),
    "city-sapporo": ("Sapporo", "JP", "Japan", 141.354, 43.062, 2.6),
    "city-sendai": ("Sendai", "JP", "Japan", 140.872, 38.268, 2.3),
    "city-naha": ("Naha", "JP", "Japan", 127.681, 26.212, 1.5),
    "city-los-angeles": ("Los Angeles", "US", "US West Coast", -118.244, 34.052, 0),
    "city-san-jose": ("San Jose / Silicon Valley", "US", "US West Coast", -121.886, 37.338, 0),
    "city-portland": ("Portland / Hillsboro", "US", "US West Coast", -122.676, 45.523, 0),
    "city-seattle": ("Seattle", "US", "US West Coast", -122.332, 47.606, 0),
    "city-honolulu": ("Honolulu", "US", "Hawaii", -157.858, 21.307, 0),
    "city-hagatna": ("Hagatna", "GU", "Guam", 144.752, 13.476, 0),
    "city-vancouver": ("Vancouver", "CA", "Canada", -123.121, 49.283, 0),
    "city-hong-kong": ("Hong Kong", "HK", "Hong Kong", 114.169, 22.319, 0),
    "city-singapore": ("Singapore", "SG", "Singapore", 103.820, 1.352, 0),
    "city-taipei": ("Taipei", "TW", "Taiwan", 121.565, 25.033, 0),
    "city-seoul": ("Seoul", "KR", "Korea", 126.978, 37.567, 0),
    "city-shanghai": ("Shanghai", "CN", "China", 121.474, 31.230, 0),
    "city-guangzhou": ("Guangzhou", "CN", "China", 113.264, 23.129, 0),
    "city-manila": ("Manila", "PH", "Philippines", 120.984, 14.600, 0),
    "city-vladivostok": ("Vladivostok", "RU", "Russia", 131.886, 43.116, 0),
    "city-sydney": ("Sydney", "AU", "Australia", 151.209, -33.869, 0),
    "city-kuala-lumpur": ("Kuala Lumpur", "MY", "Malaysia", 101.687, 3.139, 0),
    "city-bangkok": ("Bangkok", "TH", "Thailand", 100.502, 13.756, 0),
    "city-ho-chi-minh": ("Ho Chi Minh City", "VN", "Vietnam", 106.660, 10.762, 0),
    "city-jakarta": ("Jakarta", "ID", "Indonesia", 106.845, -6.208, 0),
    "city-bandar-seri-begawan": ("Bandar Seri Begawan", "BN", "Brunei", 114.939, 4.903, 0),
}

# ----------------------------------------------------------------------------
# demand
# ----------------------------------------------------------------------------
# D_TOTAL: Japan's international peak load (one direction), Tbps, for 2025.
#   Japan international internet bandwidth >2 Tbps at end-2011 (Terabit Consulting for
#   UN ESCAP) out of ~77 Tbps global internet bandwidth (TeleGeography via GigaOM,
#   2011) -> Japan share s_JP = 2/77 = 2.6 %.
#   Global used international bandwidth 2023 (all networks incl. content providers):
#   ~5 Pbps (TeleGeography blog 2024-05), growing ~35 %/yr -> 2025: 5000 x 1.35^2.
#   Japan used international bandwidth 2025 ~ 0.026 x 9113 = 237 Tbps.
#   Peak load / used (provisioned) bandwidth: PEAK_FACTOR.
JP_SHARE_2011 = 2.0 / 77.0
GLOBAL_USED_2023_TBPS = 5000.0
GROWTH = 1.35
PEAK_FACTOR = 0.5
D_TOTAL = round(JP_SHARE_2011 * GLOBAL_USED_2023_TBPS * GROWTH ** 2 * PEAK_FACTOR, 1)

# group shares: trans-Pacific vs Asia-Pacific
#   TeleGeography (2013): ~40 % of Asia's international internet bandwidth connected to
#   US/Canada, Europe 28 %; Japan is a trans-Pacific hub and its Europe-bound traffic
#   largely rides via the US or via Singapore, so: trans-Pacific 0.50, Asia-Pacific 0.50.
GROUPS = {
    "transpacific": (0.50, ["US West Coast", "Canada", "Hawaii"]),
    "asiapacific": (0.50, ["Hong Kong", "Singapore", "Taiwan", "Korea", "China", "Philippines",
                            "Russia", "Australia", "Malaysia", "Thailand", "Vietnam", "Indonesia",
                            "Brunei", "Guam"]),
}
# gravity term inside a group: w = U^0.5 x H / d  (U internet users, millions, c. 2023,
# rounded from ITU/World Bank; H hub factor for content/interconnection hubs;
# d great-circle distance Tokyo - metro, 1000 km)
REGION_USERS = {
    "US West Coast": 60, "Canada": 35, "Hawaii": 1.3,
    "Hong Kong": 7, "Singapore": 5.5, "Taiwan": 21, "Korea": 50, "China": 1050,
    "Philippines": 80, "Russia": 8, "Australia": 25, "Malaysia": 32, "Thailand": 60,
    "Vietnam": 78, "Indonesia": 215, "Brunei": 0.45, "Guam": 0.17,
}
HUB = {"US West Coast": 6.0, "Hong Kong": 4.0, "Singapore": 4.0, "China": 0.15, "Russia": 0.1, "Australia": 0.3}
# split of a foreign region between its metros
REGION_CITY_SPLIT = {
    "US West Coast": {"city-san-jose": 0.35, "city-los-angeles": 0.30, "city-seattle": 0.20, "city-portland": 0.15},
    "China": {"city-shanghai": 0.7, "city-guangzhou": 0.3},
}
# Japanese side: metro population x concentration factor (Tokyo and Osaka host the
# major IXs and data-centre clusters)
JP_CONC = {"city-tokyo": 2.5, "city-osaka": 1.5}
# domestic pairs that ride submarine cables (Okinawa).  Japan broadband download
# traffic ~12.7 Tbps (MIC, Nov 2019) x 1.2/yr -> ~38 Tbps average 2025; peak x1.5;
# Okinawa ~1.2 % of population -> ~0.7 Tbps peak, mostly served from Tokyo/Osaka.
DOMESTIC = [("city-tokyo", "city-naha", 0.45), ("city-osaka", "city-naha", 0.15),
            ("city-fukuoka", "city-naha", 0.05), ("city-nagoya", "city-naha", 0.03),
            ("city-tokyo", "city-sapporo", 1.2)]


def build_demand():
    tokyo = (CITIES["city-tokyo"][3], CITIES["city-tokyo"][4])
    jp = {c: v[5] * JP_CONC.get(c, 1.0) for c, v in CITIES.items() if v[2] == "Japan"}
    s = sum(jp.values())
    jp = {c: w / s for c, w in jp.items()}
    region_cities = defaultdict(list)
    for c, v in CITIES.items():
        if v[2] != "Japan":
            region_cities[v[2]].append(c)
    rows = []
    region_tot = {}
    for g, (gshare, regions) in GROUPS.items():
        w = {}
        for r in regions:
            cs = region_cities[r]
            lon = sum(CITIES[c][3] for c in cs) / len(cs)
            lat = sum(CITIES[c][4] for c in cs) / len(cs)
            d = hav(tokyo, (lon, lat)) / 1000.0
            w[r] = math.sqrt(REGION_USERS[r]) * HUB.get(r, 1.0) / d
        ws = sum(w.values())
        for r in regions:
            region_tot[r] = D_TOTAL * gshare * w[r] / ws
    for r, tot in region_tot.items():
        split = REGION_CITY_SPLIT.get(r, {c: 1.0 / len(region_cities[r]) for c in region_cities[r]})
        for fc, fs in split.items():
            for jc, js in jp.items():
                dmd = round(tot * fs * js, 3)
                if dmd >= 0.001:
                    rows.append((jc, fc, dmd))
    for a, b, d in DOMESTIC:
        rows.append((a, b, d))
    return rows


def write_demand(rows):
    head = [
        "# cablesim traffic demand for the japan topology (generated by topology/tools/build_japan.py)",
        "# demand_tbps = one direction's peak load between the two metros, 2025, routed in both directions",
        f"# international total D = s_JP x G_2023 x g^2 x p = {JP_SHARE_2011:.4f} x {GLOBAL_USED_2023_TBPS:.0f} x {GROWTH}^2 x {PEAK_FACTOR} = {D_TOTAL} Tbps",
        "# s_JP: Japan >2 Tbps intl internet bandwidth end-2011 (Terabit Consulting / UN ESCAP, docslib.org/download/6644851) over 77 Tbps global (TeleGeography via old.gigaom.com)",
        "# G_2023: 5 Pbps used international bandwidth 2023, ~35-40 %/yr CAGR (blog.telegeography.com/used-international-bandwidth-reaches-new-heights)",
        "# split: trans-Pacific 50 % / Asia-Pacific 50 % (cf. TeleGeography 2013: ~40 % of Asia's bandwidth to US/Canada, commsupdate.com 2013-10-17),",
        "# gravity inside each group w = sqrt(users) x hub / distance; Japanese side by metro population x IX concentration (see topology/README.md)",
        "# domestic Okinawa pairs: MIC broadband traffic 12.7 Tbps (Nov 2019, soumu.go.jp 01kiban04_02000160) extrapolated; see README",
        "# data derived from TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0); this file: CC BY-NC-SA 3.0",
    ]
    with open(OUT_DEMAND, "w", encoding="utf-8") as f:
        f.write("\n".join(head) + "\n")
        f.write("origin,destination,demand_tbps\n")
        for a, b, d in rows:
            f.write(f"{a},{b},{d}\n")
