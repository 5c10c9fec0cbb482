/*
 * schema.c: the dataset table of the results file (results_schema.h). The one place that lists
 * the datasets: the writer, the trial batch, the reader, merge, resume, docs/hdf5-schema.md,
 * docs/hdf5-schema.json and the Python reader all follow it. `units` and `description` are the
 * attributes written into every file: changing one changes the files.
 */
#include "cablesim/results_schema.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The packed fault record of /recovery/faults (CS_FAULT_RECORD_BYTES, batch.h). */
static const cs_record_member fault_members[] = {
    {"edge", 0, CS_DT_U32, CS_DT_U32},        {"fail_days", 4, CS_DT_F64, CS_DT_F64},
    {"ship", 12, CS_DT_I32, CS_DT_I32},       {"dispatch_days", 16, CS_DT_F64, CS_DT_F64},
    {"start_days", 24, CS_DT_F64, CS_DT_F64}, {"end_days", 32, CS_DT_F64, CS_DT_F64},
    {"waters", 40, CS_DT_U8, CS_DT_U8}};

/* The packed cut record of /trials/cuts (CS_CUT_RECORD_BYTES, batch.h). Format 3 stores the
 * place, depth and time in float32 (7 significant digits: under 2 m in longitude, 0.1 m in
 * depth, seconds in time; the drawn routes are uncertain by kilometres): 25 bytes a record. */
static const cs_record_member cut_members[] = {
    {"edge", 0, CS_DT_U32, CS_DT_U32},      {"lon_deg", 4, CS_DT_F64, CS_DT_F32},
    {"lat_deg", 12, CS_DT_F64, CS_DT_F32},  {"depth_m", 20, CS_DT_F64, CS_DT_F32},
    {"waters", 28, CS_DT_U8, CS_DT_U8},     {"hazard", 29, CS_DT_I32, CS_DT_I32},
    {"time_days", 33, CS_DT_F64, CS_DT_F32}};

/* The packed event record of /trials/hazard_events (CS_EVENT_RECORD_BYTES, batch.h); format 3
 * stores its magnitude, places and length in float32: 36 bytes a record. */
static const cs_record_member event_members[] = {
    {"hazard", 0, CS_DT_I32, CS_DT_I32},     {"magnitude", 4, CS_DT_F64, CS_DT_F32},
    {"lon0_deg", 12, CS_DT_F64, CS_DT_F32},  {"lat0_deg", 20, CS_DT_F64, CS_DT_F32},
    {"lon1_deg", 28, CS_DT_F64, CS_DT_F32},  {"lat1_deg", 36, CS_DT_F64, CS_DT_F32},
    {"length_km", 44, CS_DT_F64, CS_DT_F32}, {"target", 52, CS_DT_I32, CS_DT_I32},
    {"cuts", 56, CS_DT_U32, CS_DT_U32}};

#define STATIC(type_, dim_, feat_)                                                                 \
    .type = (type_), .rows = CS_ROWS_STATIC, .dim = (dim_), .feature = (feat_)
#define TRIAL(type_, cols_, feat_)                                                                 \
    .type = (type_), .rows = CS_ROWS_TRIAL, .dim = (cols_), .feature = (feat_)
#define OFFSETS(values_, feat_)                                                                    \
    .type = CS_DT_U64, .rows = CS_ROWS_OFFSETS, .dim = CS_DIM_NONE, .values = (values_),           \
    .feature = (feat_)
#define OUTCOME(type_, cols_, feat_)                                                               \
    .type = (type_), .rows = CS_ROWS_OUTCOME, .dim = (cols_), .feature = (feat_)
#define VALUES(type_, feat_)                                                                       \
    .type = (type_), .rows = CS_ROWS_VALUES, .dim = CS_DIM_NONE, .feature = (feat_)

static const cs_dataset_schema table[CS_DS_COUNT] = {
    [CS_DS_NODES] = {.path = "/topology/nodes",
                     STATIC(CS_DT_TABLE, CS_DIM_NODES, CS_FEAT_ALWAYS),
                     .units = "lon_deg, lat_deg: degree; other columns: text",
                     .description =
                         "nodes of the topology (row i is node index i): landing stations, "
                         "branching units and cities",
                     .doc = "Nodes: landing stations, branching units, cities (columns below)."},
    [CS_DS_EDGES] =
        {.path = "/topology/edges",
         STATIC(CS_DT_TABLE, CS_DIM_EDGES, CS_FEAT_ALWAYS),
         .units = "capacity_tbps, lit_tbps: Tbps; length_km: km; depth_m: m; rfs, retired: year; "
                  "from, to, capacity_estimated, lit_estimated, shallow_share: 1; other columns: "
                  "text",
         .description = "edges of the topology (row j is edge index j): cable segments and "
                        "terrestrial links; from and to are node indices",
         .doc = "Edges: cable segments and terrestrial links (columns below)."},
    [CS_DS_DEMANDS] =
        {.path = "/topology/demands",
         STATIC(CS_DT_TABLE, CS_DIM_DEMANDS, CS_FEAT_ALWAYS),
         .units = "demand_tbps, demand_scaled_tbps: Tbps; origin, destination: 1; other columns: "
                  "text",
         .description = "the demand matrix (row k is demand index k): origin and destination are "
                        "node indices of cities; demand_scaled_tbps = demand_tbps x the "
                        "scenario's routing demand_scale, the traffic the router tries to carry",
         .doc = "The demand matrix (columns below)."},
    [CS_DS_PAIRS] = {.path = "/topology/pairs",
                     STATIC(CS_DT_TABLE, CS_DIM_PAIRS, CS_FEAT_ALWAYS),
                     .units = "city: 1; other columns: text",
                     .description =
                         "the (Japanese city, foreign region) pairs tracked by /trials/pair_cut "
                         "(row p is column p); city is a node index",
                     .doc =
                         "The (Japanese city, foreign region) pairs of `/trials/pair_cut` (columns "
                         "below)."},
    [CS_DS_REGIONS] =
        {.path = "/topology/regions",
         STATIC(CS_DT_TABLE, CS_DIM_REGIONS, CS_FEAT_IMPACT),
         .units = "demand_tbps: Tbps; reachable: 1; name: text",
         .description = "the foreign regions with demand from Japan (row g is column g of "
                        "/trials/region_served_fraction): name, the demand the intact network "
                        "reaches, and reachable = 0 when it reaches none of it",
         .doc = "Foreign regions with demand from Japan: `name`, `demand_tbps` (the scaled demand "
                "between Japan and the region that the intact network reaches), `reachable` (0: "
                "the intact network of the year reaches none of it; such a region is left out of "
                "every damage figure). Row g is column g of the per-region trial datasets."},
    [CS_DS_BASE_SERVED] = {.path = "/baseline/served_tbps",
                           STATIC(CS_DT_F64, CS_DIM_DEMANDS, CS_FEAT_ALWAYS),
                           .units = "Tbps",
                           .description = "traffic served per demand (row of /topology/demands)",
                           .doc = "Traffic served per demand in the intact network."},
    [CS_DS_BASE_LATENCY] =
        {.path = "/baseline/latency_ms",
         STATIC(CS_DT_F64, CS_DIM_DEMANDS, CS_FEAT_ALWAYS),
         .units = "ms",
         .description = "one-way latency per demand: flow-weighted mean over the paths used; NaN "
                        "when nothing is served",
         .doc = "One-way latency per demand: the flow-weighted mean over the paths used of "
                "length x 1/204 ms/km + hops x `routing.hop_ms`; NaN when nothing is served."},
    [CS_DS_BASE_EDGE_FLOW] =
        {.path = "/baseline/edge_flow_tbps",
         STATIC(CS_DT_F64, CS_DIM_EDGES, CS_FEAT_ALWAYS),
         .units = "Tbps",
         .description = "flow carried per edge (row of /topology/edges)",
         .doc = "Flow carried per edge (both directions share the capacity; see docs/model.md)."},
    [CS_DS_BASE_UNSERVED] = {.path = "/baseline/unserved_tbps",
                             STATIC(CS_DT_F64, CS_DIM_NONE, CS_FEAT_ALWAYS),
                             .units = "Tbps",
                             .description = "sum over demands of demand_scaled_tbps - served_tbps",
                             .doc = "Sum over demands of `demand_scaled_tbps - served_tbps`."},
    [CS_DS_BASE_HELD] =
        {.path = "/baseline/held_tbps",
         STATIC(CS_DT_F64, CS_DIM_EDGES, CS_FEAT_IMPACT),
         .units = "Tbps",
         .description = "what each edge holds of the demand spread in proportion to capacity "
                        "(the restoration model's s_e)",
         .doc = "What each edge holds of Japan's demand spread over the systems in proportion to "
                "capacity: s_e of the restoration model, a trial that displaces traffic is routed "
                "over c'_e = s_e + rho (c_e - s_e) on cable segments (docs/model.md, "
                "\"Restoration\"). Not a routing: the sum may exceed c_e."},
    [CS_DS_FAILED_OFFSETS] =
        {.path = "/trials/failed_offsets",
         OFFSETS(CS_DS_FAILED_EDGES, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "CSR offsets into failed_edges: trial t's failed edges are "
                        "failed_edges[failed_offsets[t]:failed_offsets[t+1]]; length trials + 1",
         .doc = "CSR offsets: trial *t*'s failed edges are "
                "`failed_edges[failed_offsets[t]:failed_offsets[t+1]]`. `failed_offsets[0]` is "
                "0."},
    [CS_DS_FAILED_EDGES] =
        {.path = "/trials/failed_edges",
         VALUES(CS_DT_U32, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "indices (rows of /topology/edges) of the edges that failed in each "
                        "trial, in the order they failed, trials concatenated; edges lost only "
                        "because an end node failed are not listed",
         .doc = "Edge indices that failed, per trial in the order they failed, trials "
                "concatenated. An edge that went down only because one of its end nodes failed "
                "is not listed (it is implied by the node failure)."},
    [CS_DS_FAILED_NODE_OFFSETS] =
        {.path = "/trials/failed_node_offsets",
         OFFSETS(CS_DS_FAILED_NODES, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "CSR offsets into failed_nodes: trial t's failed nodes are "
                        "failed_nodes[failed_node_offsets[t]:failed_node_offsets[t+1]]; length "
                        "trials + 1",
         .doc = "CSR offsets into `failed_nodes`, as above."},
    [CS_DS_FAILED_NODES] =
        {.path = "/trials/failed_nodes",
         VALUES(CS_DT_U32, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "indices (rows of /topology/nodes) of the nodes that failed in each "
                        "trial, in the order they failed, trials concatenated",
         .doc = "Node indices that failed (landing stations lost to power, a tsunami, an "
                "attack...). Every edge at a failed node is down in that trial."},
    [CS_DS_CUT_OFFSETS] =
        {.path = "/trials/cut_offsets",
         .v1_optional = true,
         OFFSETS(CS_DS_CUTS, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "CSR offsets into cuts: trial t's cuts are "
                        "cuts[cut_offsets[t]:cut_offsets[t+1]]; length trials + 1",
         .doc = "CSR offsets: trial *t*'s cuts are `cuts[cut_offsets[t]:cut_offsets[t+1]]`."},
    [CS_DS_CUTS] =
        {.path = "/trials/cuts",
         .v1_optional = true,
         VALUES(CS_DT_RECORD, CS_FEAT_ALWAYS),
         .units = "lon_deg, lat_deg: degree; depth_m: m; time_days: day; edge, waters, hazard: 1",
         .description = "every place a hazard severed an edge, per trial in the order made, "
                        "trials concatenated: edge (row of /topology/edges), lon_deg, lat_deg "
                        "(on the edge's route), depth_m (water depth there, estimated), waters "
                        "(0 domestic, 1 foreign, 2 contested), hazard (index in the scenario's "
                        "hazards list, -1 none), time_days; a segment cut twice has two records",
         .doc = "One record per cut, in the order the hazards made them: `edge` (uint32, row of "
                "/topology/edges), `lon_deg`, `lat_deg` (the point of the edge's drawn route where "
                "it was cut), `depth_m` (the water depth there: "
                "docs/model.md, \"Where a cut is\"; 0 for a terrestrial link), `waters` (uint8: "
                "0 domestic, 1 foreign, 2 contested, as the repair model classifies the point; "
                "without a `recovery:` section by its defaults: domestic within 200 nmi of a "
                "Japanese node, else foreign), `hazard` (int32, index in the scenario's "
                "`hazards` list; -1 for none), `time_days` (when). A segment cut in two places "
                "has two records; every failed edge has at least one. `lon_deg`, `lat_deg`, "
                "`depth_m` and `time_days` are float32 in format 3 files (7 significant digits: "
                "under 2 m on the ground, far below the drawn routes' uncertainty), float64 in "
                "format 1 and 2 files.",
         .members = cut_members,
         .n_members = sizeof cut_members / sizeof cut_members[0],
         .record_bytes = 41},
    [CS_DS_EVENT_OFFSETS] =
        {.path = "/trials/hazard_event_offsets",
         .v1_optional = true,
         OFFSETS(CS_DS_EVENTS, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "CSR offsets into hazard_events: trial t's events are "
                        "hazard_events[hazard_event_offsets[t]:hazard_event_offsets[t+1]]; "
                        "length trials + 1",
         .doc = "CSR offsets into `hazard_events`, as above."},
    [CS_DS_EVENTS] =
        {.path = "/trials/hazard_events",
         .v1_optional = true,
         VALUES(CS_DT_RECORD, CS_FEAT_ALWAYS),
         .units = "magnitude: Mw; lon0_deg, lat0_deg, lon1_deg, lat1_deg: degree; length_km: "
                  "km; hazard, target, cuts: 1",
         .description = "what each hazard sampled in each trial, one record per event, trials "
                        "concatenated: hazard index, magnitude, lon0/lat0 (epicentre, track "
                        "start, flow head, place of a target), lon1/lat1 (track end, where a "
                        "flow stopped), length_km (rupture, track, run-out), target (edge, cable "
                        "or node index chosen, -1 none), cuts made; NaN where not applicable",
         .doc = "One record per sampled event (docs/model.md, `cs_hazard_event` in failures.h): "
                "`hazard` (int32, index in the scenario's `hazards` list), `magnitude` (Mw), "
                "`lon0_deg`, `lat0_deg` (earthquake: epicentre; anchor_drag: track start; "
                "sediment_flow: head of the path; sabotage: where the target was cut; "
                "station_attack: the station), `lon1_deg`, `lat1_deg` (anchor_drag: track end; "
                "sediment_flow: where the flow stopped), `length_km` (rupture length, track "
                "length, run-out), float32 in format 3 files (float64 in format 1 and 2), NaN "
                "when not applicable; `target` (int32: the "
                "segment's edge index, the cable index with `unit: cable`, the station's node "
                "index; -1 otherwise), `cuts` (uint32, the cuts the event made). "
                "`random_faults` and `explicit` record no events.",
         .members = event_members,
         .n_members = sizeof event_members / sizeof event_members[0],
         .record_bytes = 60},
    [CS_DS_SERVED] = {.path = "/outcomes/served_tbps",
                      .v1_path = "/trials/served_tbps",
                      OUTCOME(CS_DT_F64, CS_DIM_DEMANDS, CS_FEAT_ALWAYS),
                      .units = "Tbps",
                      .description = "traffic served per outcome (row; trial t's is row "
                                     "/trials/outcome[t]) and demand (column, row of "
                                     "/topology/demands)",
                      .doc = "Traffic served per outcome (row) and demand. In format 1 files: "
                             "`/trials/served_tbps`, one row per trial; so for every dataset of "
                             "`/outcomes`."},
    [CS_DS_LATENCY] =
        {.path = "/outcomes/latency_ms",
         .v1_path = "/trials/latency_ms",
         OUTCOME(CS_DT_F64, CS_DIM_DEMANDS, CS_FEAT_LATENCY),
         .units = "ms",
         .description = "one-way latency per trial and demand: flow-weighted mean over the paths "
                        "used; NaN when nothing is served",
         .doc = "Latency per trial and demand, as in `/baseline`; NaN when nothing is served."},
    [CS_DS_UNSERVED] = {.path = "/trials/unserved_tbps",
                        TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_ALWAYS),
                        .units = "Tbps",
                        .description =
                            "per trial, the sum over demands of demand_scaled_tbps - served_tbps",
                        .doc =
                            "Per trial, sum over demands of `demand_scaled_tbps - served_tbps`."},
    [CS_DS_EDGE_FLOW] = {.path = "/outcomes/edge_flow_tbps",
                         .v1_path = "/trials/edge_flow_tbps",
                         OUTCOME(CS_DT_F64, CS_DIM_EDGES, CS_FEAT_EDGE_FLOW),
                         .units = "Tbps",
                         .description =
                             "flow carried per outcome (row, as served_tbps) and edge (column, row "
                             "of /topology/edges)",
                         .doc = "Flow per trial and edge. The largest dataset."},
    [CS_DS_PAIR_CUT] =
        {.path = "/outcomes/pair_cut",
         .v1_path = "/trials/pair_cut",
         OUTCOME(CS_DT_U8, CS_DIM_PAIRS, CS_FEAT_ALWAYS),
         .units = "1",
         .description = "1 when the (city, region) pair (column, row of /topology/pairs) lost "
                        "every path in the trial, else 0",
         .doc = "1 when, in that trial, no demand between the pair's city and a city of its "
                "region has any surviving path (ignoring capacity), else 0; always 0 for a pair "
                "none of whose demands the intact network serves (docs/model.md, \"Demand the "
                "intact network cannot serve\")."},
    [CS_DS_CAPACITY_LOST] =
        {.path = "/trials/capacity_lost_tbps",
         TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_IMPACT),
         .units = "Tbps",
         .description = "capacity (the run's basis, design or lit) of every edge down in the "
                        "trial: failed, or at a failed node",
         .doc = "Capacity (the run's basis: `capacity_tbps` or `lit_tbps` of /topology/edges) of "
                "every edge down: listed in `failed_edges`, or at a node of `failed_nodes` (each "
                "edge once)."},
    [CS_DS_INTL_CAPACITY_LOST] =
        {.path = "/trials/intl_capacity_lost_tbps",
         TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_IMPACT),
         .units = "Tbps",
         .description = "of capacity_lost_tbps, the segments with exactly one end in Japan",
         .doc = "The part of `capacity_lost_tbps` on segments with exactly one end in Japan "
                "(country JP): Japan's international capacity lost."},
    [CS_DS_SYSTEMS_LOST] = {.path = "/trials/systems_lost",
                            TRIAL(CS_DT_U32, CS_DIM_NONE, CS_FEAT_IMPACT),
                            .units = "1",
                            .description = "cable systems with a segment down in the trial",
                            .doc = "Cable systems with a segment down (failed, or at a failed "
                                   "node)."},
    [CS_DS_STATIONS_LOST] = {.path = "/trials/stations_lost",
                             TRIAL(CS_DT_U32, CS_DIM_NONE, CS_FEAT_IMPACT),
                             .units = "1",
                             .description = "nodes (landing stations) failed in the trial",
                             .doc = "Nodes (landing stations) failed: the length of the trial's "
                                    "`failed_nodes` list."},
    [CS_DS_REGION_SERVED] =
        {.path = "/outcomes/region_served_fraction",
         .v1_path = "/trials/region_served_fraction",
         OUTCOME(CS_DT_F64, CS_DIM_REGIONS, CS_FEAT_IMPACT),
         .units = "1",
         .description = "served / reachable demand of each region (column, row of "
                        "/topology/regions); NaN for a region the intact network does not reach",
         .doc = "Served / reachable demand between Japan and each region (column g is row g of "
                "`/topology/regions`); NaN for a region the intact network does not reach."},
    [CS_DS_REGION_LATENCY] =
        {.path = "/outcomes/region_latency_added_ms",
         .v1_path = "/trials/region_latency_added_ms",
         OUTCOME(CS_DT_F64, CS_DIM_REGIONS, CS_FEAT_IMPACT),
         .units = "ms",
         .description = "served-weighted mean latency of each region's demands minus the intact "
                        "network's; NaN when nothing is served",
         .doc = "Served-weighted mean latency of the region's demands minus the intact network's "
                "(ms); NaN when nothing is served."},
    [CS_DS_WEIGHT] =
        {.path = "/trials/weight",
         TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_WEIGHT),
         .units = "1",
         .description = "likelihood ratio of each trial under importance sampling (the model's "
                        "probability of its draws over the tilted one): weighted means (1/n) sum "
                        "w x estimate the model's expectations; absent: every weight is 1",
         .doc = "The trial's likelihood ratio under importance sampling (scenario `estimator: "
                "{method: importance_sampling}`, docs/rare-events.md): the product over the "
                "tilted draws of p/q (a failure drawn) or (1-p)/(1-q) (none). Every expectation "
                "of the model is the weighted mean (1/n) sum_t w_t x_t, not the plain mean. "
                "Written only by importance-sampled runs; readers take a missing dataset as "
                "weight 1 for every trial (plain runs' files are unchanged)."},
    [CS_DS_REGION_HEADROOM] =
        {.path = "/outcomes/region_headroom_tbps",
         .v1_path = "/trials/region_headroom_tbps",
         OUTCOME(CS_DT_F64, CS_DIM_REGIONS, CS_FEAT_HEADROOM),
         .units = "Tbps",
         .description = "spare capacity from Japan to each region after the trial's routing (the "
                        "max flow over the surviving edges open to its traffic, each with capacity "
                        "minus flow); NaN for a region the intact network does not reach; only "
                        "with output.headroom: true",
         .doc = "Headroom per region: the maximum flow from the Japanese cities of the region's "
                "pairs to its cities over the surviving edges open to that traffic, each with its "
                "spare capacity (the capacity the trial was routed on, with restoration c'_e, "
                "minus its flow); NaN for a region the intact network does not reach. Written "
                "only with `output.headroom: true` (17 max flows per trial)."},
    [CS_DS_OUTCOME] =
        {.path = "/trials/outcome",
         TRIAL(CS_DT_U32, CS_DIM_NONE, CS_FEAT_OUTCOMES),
         .units = "1",
         .description = "the row of the /outcomes datasets that holds the trial's routed outcome "
                        "(served, latency, edge flow, pair cuts, region figures); 0 is the intact "
                        "network",
         .doc = "The trial's outcome: the row of every `/outcomes` dataset that holds what the "
                "trial's routing gave (format version 2; see [/outcomes](#outcomes)). Outcome 0 "
                "is the intact network. Trial *t*'s served traffic is "
                "`/outcomes/served_tbps[outcome[t]]`."},
    [CS_DS_TIME_DAYS] =
        {.path = "/timeseries/time_days",
         STATIC(CS_DT_F64, CS_DIM_STEPS, CS_FEAT_RECOVERY),
         .units = "day",
         .description = "the grid: k x step_hours / 24 days since the trial's start",
         .doc = "The grid: k x step_hours / 24, k = 0..S-1, S = floor(horizon_days x 24 / "
                "step_hours) + 1."},
    [CS_DS_TS_SERVED] =
        {.path = "/timeseries/served_tbps",
         TRIAL(CS_DT_F64, CS_DIM_STEPS, CS_FEAT_RECOVERY),
         .units = "Tbps",
         .description = "total demand served per trial (row) at each time of "
                        "/timeseries/time_days (column), as the trial's failures happen and are "
                        "repaired",
         .doc = "Total demand served at each grid time: the routing of what is down at that "
                "time (failed at or before it, not yet back)."},
    [CS_DS_TS_QUEUE] =
        {.path = "/timeseries/queue_length",
         TRIAL(CS_DT_U32, CS_DIM_STEPS, CS_FEAT_RECOVERY),
         .units = "1",
         .description = "per trial and grid time: cable faults that have happened and have no "
                        "ship yet",
         .doc = "Cable faults that have happened and have no ship yet at each grid time."},
    [CS_DS_SHIPS] =
        {.path = "/recovery/ships",
         STATIC(CS_DT_TABLE, CS_DIM_SHIPS, CS_FEAT_RECOVERY),
         .units = "lon_deg, lat_deg: degree (home port); speed_kn: knot; availability: 1; other "
                  "columns: text",
         .description = "repair ships (row k is ship index k of ship_busy_days and faults.ship)",
         .doc = "The fleet: `name`, `home`, `zone` (fixed-length strings), `lon_deg`, `lat_deg` "
                "(home port), `speed_kn`, `availability` (float64), `source` (string). Row *k* "
                "is ship *k*."},
    [CS_DS_REC_T50] =
        {.path = "/recovery/t50_days",
         TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_RECOVERY),
         .units = "day",
         .description = "per trial, the first time from which served demand stays >= 50% of the "
                        "intact network's until the horizon; 0 if it never drops below, +inf if "
                        "not restored within the horizon",
         .doc = "First time from which served demand stays >= 50% of the intact network's (sum "
                "of `/baseline/served_tbps`) until the horizon; 0 when it never drops below; "
                "+inf when not restored within the horizon."},
    [CS_DS_REC_T90] = {.path = "/recovery/t90_days",
                       TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_RECOVERY),
                       .units = "day",
                       .description = "as t50_days, for 90%",
                       .doc = "As `t50_days`, for 90%."},
    [CS_DS_REC_T100] = {.path = "/recovery/t100_days",
                        TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_RECOVERY),
                        .units = "day",
                        .description = "as t50_days, for 100%",
                        .doc = "As `t50_days`, for 100%."},
    [CS_DS_REC_CAPACITY] =
        {.path = "/recovery/capacity_tbps_days",
         TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_RECOVERY),
         .units = "Tbps day",
         .description = "per trial, sum over failed edges of lit capacity x days down within the "
                        "horizon",
         .doc = "Sum over failed edges of lit capacity x days down within the horizon."},
    [CS_DS_REC_UNSERVED] =
        {.path = "/recovery/unserved_tbps_days",
         TRIAL(CS_DT_F64, CS_DIM_NONE, CS_FEAT_RECOVERY),
         .units = "Tbps day",
         .description = "per trial, integral over the horizon of (intact served - served) demand",
         .doc = "Integral over the horizon of (intact served - served), exact (served is "
                "constant between failures and repairs)."},
    [CS_DS_REC_BUSY] =
        {.path = "/recovery/ship_busy_days",
         TRIAL(CS_DT_F64, CS_DIM_SHIPS, CS_FEAT_RECOVERY),
         .units = "day",
         .description = "per trial (row) and ship (column, row of /recovery/ships): days from "
                        "dispatch to end of repair, summed over its repairs, clipped to the "
                        "horizon",
         .doc = "Per ship, the sum over its repairs of (end - dispatch), clipped to the "
                "horizon."},
    [CS_DS_REC_FAULT_OFFSETS] =
        {.path = "/recovery/fault_offsets",
         OFFSETS(CS_DS_REC_FAULTS, CS_FEAT_RECOVERY),
         .units = "1",
         .description = "CSR offsets into /recovery/faults: trial t's faults are "
                        "faults[fault_offsets[t]:fault_offsets[t+1]]; length trials + 1",
         .doc = "CSR offsets: trial *t*'s faults are "
                "`faults[fault_offsets[t]:fault_offsets[t+1]]`."},
    [CS_DS_REC_FAULTS] =
        {.path = "/recovery/faults",
         VALUES(CS_DT_RECORD, CS_FEAT_RECOVERY),
         .units = "day (times), 1 (indices)",
         .description = "cable faults of each trial (one per cut of a submarine segment, in the "
                        "order of /trials/cuts), trials concatenated: edge "
                        "(row of /topology/edges), fail_days, ship (row of /recovery/ships, -1 "
                        "none), dispatch_days, start_days, end_days (+inf: not within the "
                        "horizon), waters (0 domestic, 1 foreign, 2 contested)",
         .doc = "One record per cut of a submarine segment (a segment cut twice has two), in "
                "the order of the trial's cuts in /trials/cuts (links are not listed): `edge` "
                "(uint32, row "
                "of /topology/edges), `fail_days`, `ship` (int32, row of /recovery/ships; -1: no "
                "ship within the horizon), `dispatch_days`, `start_days`, `end_days` (float64; "
                "+inf when not within the horizon), `waters` (uint8: 0 domestic, 1 foreign, 2 "
                "contested).",
         .members = fault_members,
         .n_members = sizeof fault_members / sizeof fault_members[0],
         .record_bytes = 41,
         .unshuffled = true},
};

static const cs_group_schema groups[] = {
    {.path = "/topology", "the network and demand the trials ran on", CS_FEAT_ALWAYS},
    {.path = "/baseline", "routing of the intact network (no failure)", CS_FEAT_ALWAYS},
    {.path = "/trials", "the outcome of every trial (row t is trial t)", CS_FEAT_ALWAYS},
    {.path = "/outcomes",
     "each distinct routed outcome once (row o is outcome o; 0 the intact network); "
     "/trials/outcome gives each trial's",
     CS_FEAT_OUTCOMES},
    {.path = "/timeseries",
     "recovery over time: trial outcomes on a fixed time grid",
     CS_FEAT_RECOVERY},
    {.path = "/recovery",
     "repairs: ships, restore times, losses and per-fault records",
     CS_FEAT_RECOVERY},
};

const cs_dataset_schema *cs_results_schema(void)
{
    return table;
}

const cs_dataset_schema *cs_results_dataset(cs_dataset_id d)
{
    return &table[d];
}

const cs_dataset_schema *cs_results_dataset_find(const char *path, cs_dataset_id *id)
{
    for (int d = 0; d < CS_DS_COUNT; d++)
        if (strcmp(table[d].path, path) == 0) {
            if (id != NULL) *id = (cs_dataset_id)d;
            return &table[d];
        }
    return NULL;
}

const cs_group_schema *cs_results_groups(size_t *n)
{
    *n = sizeof groups / sizeof groups[0];
    return groups;
}

size_t cs_dtype_size(cs_dtype t)
{
    switch (t) {
    case CS_DT_U8:
        return 1;
    case CS_DT_U32:
    case CS_DT_I32:
    case CS_DT_F32:
        return 4;
    case CS_DT_U64:
    case CS_DT_F64:
        return 8;
    case CS_DT_RECORD:
    case CS_DT_TABLE:
        return 0;
    }
    return 0;
}

size_t cs_dataset_elem_size(const cs_dataset_schema *d)
{
    return d->type == CS_DT_RECORD ? d->record_bytes : cs_dtype_size(d->type);
}

size_t cs_schema_member_layout(const cs_dataset_schema *d, size_t k, int version, size_t *offset,
                               cs_dtype *type)
{
    assert(d->type == CS_DT_RECORD && k < d->n_members);
    if (version < CS_FORMAT_V3) {
        *offset = d->members[k].offset;
        *type = d->members[k].type;
        return d->record_bytes;
    }
    size_t at = 0, total = 0;
    for (size_t i = 0; i < d->n_members; i++) {
        if (i == k) at = total;
        total += cs_dtype_size(d->members[i].narrow);
    }
    *offset = at;
    *type = d->members[k].narrow;
    return total;
}

size_t cs_schema_record_bytes(const cs_dataset_schema *d, int version)
{
    size_t off;
    cs_dtype t;
    return cs_schema_member_layout(d, 0, version, &off, &t);
}

bool cs_schema_record_narrowed(const cs_dataset_schema *d, int version)
{
    return d->type == CS_DT_RECORD && cs_schema_record_bytes(d, version) != d->record_bytes;
}

const char *cs_dtype_name(cs_dtype t)
{
    static const char *const names[] = {"uint8",   "uint32",   "int32",    "uint64",
                                        "float64", "compound", "compound", "float32"};
    return names[t];
}

const char *cs_rows_name(cs_rows_kind r)
{
    static const char *const names[] = {"static", "trial", "offsets", "values", "outcome"};
    return names[r];
}

const char *cs_dim_name(cs_dim d)
{
    static const char *const names[] = {"",      "nodes", "edges", "demands",
                                        "pairs", "steps", "ships", "regions"};
    return names[d];
}

const char *cs_feature_name(cs_feature f)
{
    static const char *const names[] = {"always", "output.latency", "output.edge_flow", "recovery",
                                        "impact", "estimator",      "output.headroom",  "format 2"};
    return names[f];
}

const char *cs_dataset_shape_text(const cs_dataset_schema *d, char *buf, size_t n)
{
    switch (d->rows) {
    case CS_ROWS_STATIC:
        if (d->dim == CS_DIM_NONE)
            snprintf(buf, n, "scalar");
        else
            snprintf(buf, n, "[%s]", cs_dim_name(d->dim));
        break;
    case CS_ROWS_TRIAL:
        if (d->dim == CS_DIM_NONE)
            snprintf(buf, n, "[trials]");
        else
            snprintf(buf, n, "[trials x %s]", cs_dim_name(d->dim));
        break;
    case CS_ROWS_OFFSETS:
        snprintf(buf, n, "[trials + 1]");
        break;
    case CS_ROWS_VALUES:
        snprintf(buf, n, "[total values]");
        break;
    case CS_ROWS_OUTCOME:
        snprintf(buf, n, "[outcomes x %s]", cs_dim_name(d->dim));
        break;
    }
    return buf;
}

bool cs_schema_writes(const cs_schema_run *r, const cs_dataset_schema *d)
{
    return r->feature[d->feature];
}

bool cs_schema_shuffled(const cs_dataset_schema *d)
{
    return d->type != CS_DT_F64 && !d->unshuffled;
}

bool cs_schema_dictionary(const cs_dataset_schema *d, int version)
{
    return version >= CS_FORMAT_V4 && d->rows == CS_ROWS_OUTCOME && d->type == CS_DT_F64 &&
           d->dim != CS_DIM_NONE;
}

cs_rows_kind cs_schema_rows(const cs_dataset_schema *d, int version)
{
    return d->rows == CS_ROWS_OUTCOME && version < CS_FORMAT_V2 ? CS_ROWS_TRIAL : d->rows;
}

const char *cs_schema_path(const cs_dataset_schema *d, int version)
{
    return d->rows == CS_ROWS_OUTCOME && version < CS_FORMAT_V2 ? d->v1_path : d->path;
}

const cs_dataset_schema *cs_schema_find(const char *path, int version, cs_dataset_id *id)
{
    for (int d = 0; d < CS_DS_COUNT; d++)
        if (strcmp(cs_schema_path(&table[d], version), path) == 0) {
            if (id != NULL) *id = (cs_dataset_id)d;
            return &table[d];
        }
    return NULL;
}
