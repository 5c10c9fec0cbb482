"""The historical replays (scenarios/replays/) against the record.

Each replay runs once with a small trial count; the checks compare its output with the
published facts quoted in the scenario's comments and in docs/validation.md, within the
tolerance stated there:

* repair times: within a factor of 1.5 of the recorded day (the record is a handful of
  events with one date each; a model of ship availability, permits and weather is not
  expected to do better than that, and a factor of 2-4 is what issue 11 calls wrong);
* service: "badly degraded" is at most 60% of Japan's intact traffic with the region served
  at the event; "no loss" is at least 90% in the median trial;
* places: the bounds the issue states (30 km of the Boso coast, the drag's max_depth_m).

Checks that the current model does not meet are marked xfail with the reason (the model
gap) and listed as "does not reproduce" in docs/validation.md; they are not weakened.
"""

import math

import h5py
import numpy as np
import pytest

from replay_figures import Replay, SOUTH_EAST_ASIA, q, run_replay

# Trials per replay: enough for the medians asserted, small enough for Debug+ASan.
TRIALS = {
    "hengchun-2006": 20,
    "hengchun-2006-hazard": 150,
    "tohoku-2011": 40,
    "tohoku-2011-hazard": 300,
    "morakot-2009": 40,
    "soudelor-2015": 60,
    "taiwan-tpe-2025": 20,
    "boso-drag-2024": 60,
}

# Factor of the tolerance on recorded repair days (module docstring).
TOL = 1.5

GAP_KDDI_2011 = ("does not reproduce: KDDI's repairs were complete only in August 2011 (about "
                 "five months); the model's last repair is on day ~82 with the record's fault "
                 "places (PC-1 and EAC off Ajigaura, KDDI's ten off Ibaraki, Choshi and "
                 "Kanagawa), the ships on record (the 2011 fleet, PC-1's two contract ships, "
                 "SBSS's Fu An) and the 31-day Fukushima stand-down. What took the rest is not "
                 "in the sources found: faults on cables the dataset does not hold, failed "
                 "recoveries of buried cable, longer waits inside the zone (docs/validation.md)")

@pytest.fixture(scope="session")
def replays(tmp_path_factory):
    directory = tmp_path_factory.mktemp("replays")
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = Replay(run_replay(name, directory, TRIALS[name]))
        return cache[name]

    return get


def within(value, recorded, tol=TOL):
    return recorded / tol <= value <= recorded * tol


# ----- Hengchun 2006 (scenarios/replay-2006.yaml is this replay) -----

# APCN is in the record too (KDDI 2007-02-13; Converge Digest 2007-01-01: system 1 segment B17,
# the Hong Kong branch) and in the topology since APCN (1996-2011) was added (issue 10).
RECORDED_2006 = {"APCN", "APCN-2", "CHUS", "EAC-C2C", "FEA", "FNAL", "SMW3"}


def test_replay_2006_is_the_hengchun_replay():
    from replay_figures import REPO
    link = REPO / "scenarios" / "replay-2006.yaml"
    assert link.resolve() == (REPO / "scenarios" / "replays" / "hengchun-2006.yaml").resolve()
    link = REPO / "scenarios" / "replay-2011.yaml"
    assert link.resolve() == (REPO / "scenarios" / "replays" / "tohoku-2011.yaml").resolve()


def test_hengchun_2006_cuts_the_recorded_systems(replays):
    r = replays("hengchun-2006")
    assert r.as_of == 2006
    cut = r.systems_cut()
    # The record's systems that land in Japan's 2006 network in this dataset, every trial, and
    # no system the record does not name.
    assert cut == {system: 1.0 for system in RECORDED_2006}, cut
    assert r.capacity_lost().min() > 0


def test_hengchun_2006_japan_to_hong_kong_and_south_east_asia_badly_degraded(replays):
    r = replays("hengchun-2006")
    group = r.region_served(("Hong Kong",) + SOUTH_EAST_ASIA)
    share = q(next(iter(group.values())), 0.5)
    assert share <= 0.6, f"Hong Kong + South-East Asia served {share:.3f} of intact"
    hk = q(r.region_served()["Hong Kong"], 0.5)
    assert hk <= 0.6, f"Hong Kong served {hk:.3f} of intact"


def restoration_shares(r, day):
    """The restoration model's shares recomputed from a results file and its scenario
    (docs/model.md, Restoration): the full share min(1, (1 - u) / u x D / C) with D the demand
    of the regions the intact network serves (/topology/regions) and C Japan's international
    capacity (/topology/edges), and the ramp's share on DAY (whole days)."""
    import yaml
    routing = yaml.safe_load(r.scenario_resolved)["routing"]
    u, a = routing["utilisation"], routing["restoration_at_event"]
    ramp = routing["restoration_ramp_days"]
    with h5py.File(r.path, "r") as f:
        regions = f["/topology/regions"][:]
    demand = regions["demand_tbps"][regions["reachable"] == 1].sum()
    full = min(1.0, (1 - u) / u * demand / r.japan_international_capacity())
    return full, a * full + (1 - a) * full * min(1.0, math.floor(day) / ramp)


def test_hengchun_2006_hong_kong_at_70_to_80_percent_after_a_week(replays, tmp_path):
    # The record: Hong Kong's Internet at 70-80% of normal on 2 January 2007, a week after the
    # cuts (OFTA via China Daily 2007-01-04), before any repair (the first ships reached the
    # faults on day 8-9). The replay's recovery run routes day 7 with the ramp's share of that
    # day; the same state at the event with that share fixed gives the per-region figures the
    # results file does not keep per time.
    r = replays("hengchun-2006")
    assert r.faults["start_days"].min() > 7, "a repair started before day 7"
    full, week = restoration_shares(r, 7)
    assert 0 < week < full
    with h5py.File(r.path, "r") as f:
        t = f["/timeseries/time_days"][:]
        served = f["/timeseries/served_tbps"][:]
    k = int(np.searchsorted(t, 7.0))
    assert t[k] == 7.0
    day7 = run_replay("hengchun-2006", tmp_path, 1,
                      ("--set", "recovery=", "--set", f"routing.restoration_share={week!r}"))
    fixed = Replay(day7)
    # The at-event run with the day-7 share is the recovery run's day 7: same total served.
    assert np.allclose(served[:, k], fixed.served.sum(axis=1)[0], rtol=1e-9), \
        (served[:, k], fixed.served.sum(axis=1))
    hk = float(fixed.region_served()["Hong Kong"][0])
    assert 0.70 <= hk <= 0.80, f"Hong Kong served {hk:.3f} of intact on day 7"
    # And at the event, before restoration was arranged, it was worse than a week later.
    assert q(r.region_served()["Hong Kong"], 0.5) < hk


def test_hengchun_2006_isolates_nothing_the_intact_network_serves(replays):
    # The record: service degraded, detoured over satellite and other cables, never cut off
    # from Japan (KDDI). Regions the 2006 network does not reach (Russia) are not counted.
    r = replays("hengchun-2006")
    assert not r.regions_isolated()
    for region, served in r.region_served().items():
        assert served.min() > 0, region


def test_hengchun_2006_repair_times_of_the_recorded_order(replays):
    r = replays("hengchun-2006")
    # China-US back on day 28, APCN-2 on day 46, FLAG (FEA) on day 48; EAC still being
    # arranged on day 49 (KDDI, ITpro 2007-02-13).
    for system, day in (("CHUS", 28), ("APCN-2", 46), ("FEA", 48)):
        back = q(r.system_back(system), 0.5)
        assert within(back, day), f"{system} back on day {back:.1f}, recorded {day}"
    eac = q(r.system_back("EAC-C2C"), 0.5)
    assert eac >= 49 / TOL, f"EAC back on day {eac:.1f}, recorded after day 49"
    # The first ships finished other work and reached the faults on 3-4 January (day 8-9).
    first = r.faults["start_days"].min()
    assert 8 <= first <= 10, f"first repair started on day {first:.1f}"




def test_hengchun_2006_hazards_cut_the_recorded_systems(replays):
    # The earthquake and flow models alone, at the 2006 epicentre and magnitude: about the
    # seven recorded systems of the topology (within the factor of 1.5, and no more), and no
    # other system in more than 5% of trials.
    r = replays("hengchun-2006-hazard")
    assert within(r.mean_systems_cut(), len(RECORDED_2006))
    assert r.mean_systems_cut() <= len(RECORDED_2006)
    others = {c: p for c, p in r.systems_cut().items() if c not in RECORDED_2006 and p > 0.05}
    assert not others, others


# ----- Tohoku 2011 -----

def test_tohoku_2011_isolates_no_region(replays):
    r = replays("tohoku-2011")
    assert r.as_of == 2011
    # The international systems of the record and KDDI's domestic JIH, whose submarine route
    # KDDI reported cut (ITpro 2011-04-08: two of the three routes of KDDI's backbone cut,
    # the submarine cable among them).
    assert set(r.systems_cut()) == {"APCN-2", "EAC-C2C", "JIH", "JUS", "PC-1"}
    assert not r.regions_isolated()
    for region, served in r.region_served().items():
        assert served.min() > 0, region


def test_tohoku_2011_no_loss_at_the_event(replays):
    # Traffic rerouted within hours (Telstra) to a day (StarHub; telecomasia 2011-03-14): every
    # region at least 90% served in the median trial, at the event. (Met since the restoration
    # model spreads the intact demand over the systems in proportion to capacity; before, with
    # latency-first flows as what each system held, US West Coast 69%, Canada and Hawaii 62.5%.)
    r = replays("tohoku-2011")
    assert not r.regions_below(0.9), r.regions_below(0.9)


def test_tohoku_2011_pc1_north_back_of_the_recorded_order(replays):
    r = replays("tohoku-2011")
    # PC-1 North back on 25 May 2011 (day 75): its contract ship waited out the stand-down and
    # repaired the segment's cuts on the slope one after the other.
    north = q(r.segment_back("pc-1:3"), 0.5)
    assert within(north, 75), f"PC-1 North back on day {north:.1f}, recorded 75"
    # The record's "more than a dozen breaks" on international cables (Capacity Media
    # 2011-06-13) and KDDI's ten fault places (Nikkei 2022-03-09): 8 cuts on PC-1 and EAC,
    # KDDI's 10.
    assert len(r.faults) / r.trials == 18


@pytest.mark.xfail(reason=GAP_KDDI_2011, strict=False)
def test_tohoku_2011_last_repair_of_the_recorded_order(replays):
    r = replays("tohoku-2011")
    # KDDI's repairs were complete in August 2011 (Nikkei 2022-03-09; Mynavi 2013-07-22),
    # day 143-173: about 150.
    last = q(r.last_repair(), 0.5)
    assert last >= 150 / TOL, f"last repair on day {last:.1f}, recorded about 150"


# Domestic systems of the 2011 network that the record we have does not cover (it lists the
# international systems and KDDI's): JIH is KDDI's domestic cable, whose submarine route was
# cut (ITpro 2011-04-08) but with no count; Muroran-Hachinohe (Softbank) lies under the north of
# the rupture, and whether it broke is not in the sources found.
DOMESTIC_2011 = ("JIH", "MURORAN-HACHINOHE")
RECORDED_2011 = ("APCN-2", "EAC-C2C", "JUS", "PC-1")


def test_tohoku_2011_hazards_cut_the_recorded_systems(replays):
    # The earthquake alone, breaks on the slope under or near the rupture plane (calibrated on
    # this event, docs/model.md): the four recorded systems in nearly every trial, and the
    # international systems the record does not name (those landing south of Tokyo, TGN-P) in
    # few.
    r = replays("tohoku-2011-hazard")
    cut = r.systems_cut()
    for system in RECORDED_2011:
        assert cut.get(system, 0.0) >= 0.9, (system, cut)
    others = {c: p for c, p in cut.items()
              if c not in RECORDED_2011 + DOMESTIC_2011 and p > 0.1}
    assert not others, others
    # Every cut lies on the slope or at its foot (200 m to the deep water of the depth
    # profile), none in the trench.
    assert r.has_cuts and len(r.cuts) > 0
    assert (r.cuts["depth_m"] >= 200 - 1e-6).all() and (r.cuts["depth_m"] <= 3682 + 1e-6).all()


@pytest.mark.parametrize("shift_deg", [-0.57, 0.57])
def test_tohoku_2011_hazards_hold_when_the_trench_line_moves(tmp_path, shift_deg):
    # With the rupture plane the result hardly depends on where the trench line is drawn: moved
    # 50 km (0.57 degrees of longitude at 38 N) landward or seaward, the four recorded systems
    # are still cut in nearly every trial and nothing landing south of Tokyo more than rarely.
    # (With the rupture line, 50 km seaward cut them in 0.10-0.20 of trials, docs/model.md.)
    import yaml
    from replay_figures import REPLAYS
    spec = yaml.safe_load((REPLAYS / "tohoku-2011-hazard.yaml").read_text())
    quake = spec["hazards"][0]
    fault = [[lon + shift_deg, lat] for lon, lat in quake["fault"]]
    epi = [quake["epicentre"][0] + shift_deg, quake["epicentre"][1]]
    r = Replay(run_replay("tohoku-2011-hazard", tmp_path, 150,
                          ("--set", f"hazards.0.fault={fault}",
                           "--set", f"hazards.0.epicentre={epi}")))
    cut = r.systems_cut()
    for system in RECORDED_2011:
        assert cut.get(system, 0.0) >= 0.9, (shift_deg, system, cut)
    others = {c: p for c, p in cut.items()
              if c not in RECORDED_2011 + DOMESTIC_2011 and p > 0.15}
    assert not others, (shift_deg, others)


# ----- Morakot 2009 -----

# The record's systems (Chunghwa via PCWorld: SEA-ME-WE 3, APCN, APCN-2, EAC, C2C, FNAL;
# submarinenetworks.com also China-US and FLAG FEA) that land in Japan's 2009 network in the
# dataset (C2C does not land in Japan).
RECORDED_2009 = {"APCN", "APCN-2", "CHUS", "EAC-C2C", "FEA", "FNAL", "SMW3"}


def test_morakot_2009_cuts_the_recorded_systems(replays):
    # docs/validation.md's verdict "Systems cut: agrees": the record's systems of the dataset in
    # every trial, no other, within the record's 6-8 systems.
    r = replays("morakot-2009")
    assert r.as_of == 2009
    assert r.systems_cut() == {system: 1.0 for system in RECORDED_2009}, r.systems_cut()
    assert 6 <= len(RECORDED_2009) <= 8

def test_morakot_2009_milder_than_2006_for_japan(replays):
    # The record: "much slighter than in 2006" (new cables since 2006 carried the detours).
    a = replays("morakot-2009").region_served(("Hong Kong",) + SOUTH_EAST_ASIA)
    b = replays("hengchun-2006").region_served(("Hong Kong",) + SOUTH_EAST_ASIA)
    assert q(next(iter(a.values())), 0.5) >= q(next(iter(b.values())), 0.5)


def test_morakot_2009_no_loss_at_the_event(replays):
    # Rerouted quickly, at least 98% restored (technologytell, 2009): every region at least 90%
    # served in the median trial, at the event. (Met since the spread basis of the restoration
    # model; before, Hong Kong 64% and South-East Asia 62.5%.)
    r = replays("morakot-2009")
    assert not r.regions_below(0.9), r.regions_below(0.9)


def test_morakot_2009_repairs_within_the_recorded_range(replays):
    # Expected repaired by 15 September (day ~37) to "two months" (day ~60).
    last = q(replays("morakot-2009").last_repair(), 0.5)
    assert 37 / TOL <= last <= 60 * TOL, f"last repair on day {last:.1f}"


# ----- Soudelor 2015 -----

def test_soudelor_2015_breaks_several_systems_without_loss_in_japan(replays):
    r = replays("soudelor-2015")
    # At least 6 of the ~17 cables crossing the canyon broke (Gavey et al. 2017): of the 8
    # Japan-landing systems crossing it in 2015 that is about 3 or more.
    assert r.mean_systems_cut() >= 6 / 17 * 8
    # No loss of service in Japan was reported.
    assert not r.regions_below(0.9), r.regions_below(0.9)


# ----- TPE off Yehliu, 2025 -----

def test_taiwan_tpe_2025_no_service_loss(replays):
    r = replays("taiwan-tpe-2025")
    assert set(r.systems_cut()) == {"TPE"}
    assert not r.regions_below(0.9), r.regions_below(0.9)


def test_taiwan_tpe_2025_repair_of_the_recorded_order(replays):
    r = replays("taiwan-tpe-2025")
    # The cut lies in Taiwan's territorial sea, on Taiwan's side of the median line with
    # Japan's zone: foreign waters, a permit (docs/model.md, "Where a fault lies").
    assert set(r.faults["waters"].tolist()) == {1}
    back = q(r.segment_back("tpe:5"), 0.5)
    assert within(back, 17), f"TPE back on day {back:.1f}, recorded 17"


# ----- a Baltic-2024-style drag off Boso -----

# The south Boso coast, Futtsu to Taito-zaki (approximate, to ~1 km, from the GSI map).
BOSO_COAST = [(139.79, 35.31), (139.82, 35.16), (139.75, 34.97), (139.87, 34.90),
              (139.95, 34.96), (140.02, 35.03), (140.10, 35.10), (140.31, 35.14),
              (140.40, 35.30)]


def km_to_coast(lon, lat):
    """Distance (km) from a point to the BOSO_COAST polyline, in a local equirectangular
    projection (errors well under 1 km at this scale)."""
    kx = 111.32 * math.cos(math.radians(35.0))
    ky = 110.57
    p = np.array([lon * kx, lat * ky])
    best = math.inf
    for (a0, a1), (b0, b1) in zip(BOSO_COAST, BOSO_COAST[1:]):
        a, b = np.array([a0 * kx, a1 * ky]), np.array([b0 * kx, b1 * ky])
        ab = b - a
        t = min(1.0, max(0.0, float(np.dot(p - a, ab) / np.dot(ab, ab))))
        best = min(best, float(np.linalg.norm(p - (a + t * ab))))
    return best


def test_boso_coast_distance():
    assert km_to_coast(139.95466, 34.97666) < 2          # Chikura station
    assert 25 < km_to_coast(139.95, 34.65) < 35          # ~30 km south of Nojima-zaki


def test_boso_drag_cuts_near_the_coast_and_shallow(replays):
    r = replays("boso-drag-2024")
    assert r.has_cuts, "no /trials/cuts in the results"
    max_depth = r.scenario_number("max_depth_m")
    assert max_depth is not None, "the drag gives no max_depth_m"
    assert len(r.cuts) > 0
    for c in r.cuts:
        assert km_to_coast(c["lon_deg"], c["lat_deg"]) <= 30
        assert c["depth_m"] <= max_depth


def test_boso_drag_repairs_take_days_to_weeks(replays):
    d = replays("boso-drag-2024").fault_durations()
    # Baltic 2024: BCS back in 11 days, C-Lion1 in 10-11.
    assert within(q(d, 0.5), 10.5), f"median repair {q(d, 0.5):.1f} days"
    assert q(d, 0.9) <= 30, f"90% of repairs within {q(d, 0.9):.1f} days, not weeks"
