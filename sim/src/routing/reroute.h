/*
 * reroute.h: the routing of a trial's failures (private to libcablesim; the engine's).
 *
 * cs_reroute_route() returns exactly what cs_router_route() would for a failure set f, and skips
 * the work wherever that cannot change the result:
 *  - failures that displace no traffic keep the intact routing;
 *  - with latency-first routing (cs_router_ignores_unused_edges), a failure state g (a subset of
 *    f's failed edges, with all its failed nodes) answers for f when no edge of f carries flow in
 *    g's routing: g starts as the failed edges that carry intact flow and takes in the edges of f
 *    its routing uses until the routing is valid (or g is f);
 *  - every state's routing is looked up in a cache keyed by the exact state (or computed and
 *    stored), so that a state routed once is never routed again while its slot holds it.
 * The state that answered is the trial's outcome identity (cs_reroute_key): trials with the same
 * key have bit-identical routings, and the key depends on the failures alone.
 * The argument for each shortcut is in docs/routing.md ("Why the router can cache trees") and
 * in the comments below; the tests compare every path with plain routing.
 */
#ifndef CS_REROUTE_H
#define CS_REROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/failures.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"

/* The cache's slots come in sets of this many; a state may sit in any slot of its set. */
#define CS_REROUTE_WAYS 4

/* One cached routing: the failure set (key) it answers, and the outcome. */
typedef struct {
    uint64_t hash;
    size_t key_len; /* 0 = empty slot */
    uint32_t *key;
    cs_routing_result r;
    bool used;     /* r is initialised */
    uint64_t last; /* when it was last stored or found (the set's least recent is replaced) */
} cs_reroute_slot;

/** How many trials took each path (summed into cs_run_summary). */
typedef struct {
    uint64_t skipped;    /**< kept the intact routing */
    uint64_t cache_hits; /**< answered from the cache, no routing computed */
    uint64_t routed;     /**< computed at least one routing */
} cs_reroute_counts;

/** The rerouting state of an engine. Initialise with cs_reroute_init(). */
typedef struct {
    const cs_topology_t *t;          /* borrowed */
    cs_router_t *router;             /* borrowed */
    const cs_routing_result *intact; /* borrowed: the intact network's routing */
    bool skip_ok;                    /* the router ignores unused edges (latency-first) */
    cs_reroute_slot *cache;
    size_t cache_slots;
    uint64_t clock; /* lookups so far (cs_reroute_slot.last) */
    cs_failures g;  /* scratch: the failure state routed */
    /* The key of the last state looked up (ne + nn + 4 entries of room), its length and hash;
     * after cs_reroute_route() that of the state that answered (length 0: the intact routing). */
    uint32_t *key;
    size_t key_len;
    uint64_t hash;
    bool last_intact;   /* the last trial kept the intact routing */
    bool last_repeated; /* ... or was answered from the cache, computing no routing */
    /* The intact routing has a demand that is connected but served nothing (crowded out, or
     * joined only by unlit cables): cs_reroute_displaces() then asks whether f cuts it off. */
    bool unserved_connected;
    unsigned char *down; /* scratch [edges]: the edges f takes down */
    unsigned char *conn; /* scratch [demands]: connected with them down */
} cs_reroute;

/** Sets x up for router (of topology t) whose intact routing is intact (all borrowed); no
 * cache yet. \return CS_OK, CS_ENOMEM. */
cs_status cs_reroute_init(cs_reroute *x, cs_router_t *router, const cs_topology_t *t,
                          const cs_routing_result *intact, cs_error *err);
void cs_reroute_destroy(cs_reroute *x);

/** Makes the cache hold slots routings (0: no cache), allocated up front so that memory does
 * not creep up as slots fill, in sets of CS_REROUTE_WAYS (fewer when slots is smaller; the
 * remainder of slots / CS_REROUTE_WAYS is left unused): a state goes to the set its hash picks,
 * in place of the set's least recently used routing. A change of size empties it. \return
 * CS_OK, CS_ENOMEM. */
cs_status cs_reroute_cache_size(cs_reroute *x, size_t slots, cs_error *err);

/**
 * Whether failures f leave routing r's traffic in place: every edge f takes down (failed, or at
 * a failed node of t) carries no flow in r, and no connected demand of r went wholly unserved
 * (removing an unused edge could disconnect such a demand). For r the intact routing: f
 * displaces no traffic (restoration).
 */
bool cs_reroute_keeps(const cs_topology_t *t, const cs_routing_result *r, const cs_failures *f);

/**
 * Whether failures f displace traffic of the intact routing (restoration, docs/model.md): an
 * edge f takes down carries intact flow, or f cuts off a demand that the intact routing left
 * connected but served nothing of (its `connected` changes, so the intact routing is not the
 * answer). A failure of unused edges that cuts nothing off displaces nothing, also when the
 * intact routing has such demands (until session 19 any such demand made every failure set
 * "displace", and the trial was routed on the restricted capacities: less served than intact
 * although nothing was displaced). Uses x's scratch and the router's connectivity.
 */
bool cs_reroute_displaces(const cs_reroute *x, const cs_failures *f);

/**
 * Routes f into r: exactly cs_router_route(router, f, r), and sets the outcome identity
 * (x->key, key_len, hash, last_intact, last_repeated). restricted: the router's capacities
 * are the restoration model's for displaced traffic (engine.c, set_share), so that failures
 * displacing none (cs_reroute_displaces) keep the intact routing whatever the policy. ramp_step:
 * the day of a recovery ramp whose capacities are set (0: the event's), part of the cache key. c
 * (may be NULL) counts the path taken: one of skipped, cache_hits (no routing computed) or routed.
 * \return CS_OK, or the router's errors.
 */
cs_status cs_reroute_route(cs_reroute *x, const cs_failures *f, bool restricted, uint32_t ramp_step,
                           cs_routing_result *r, cs_reroute_counts *c, cs_error *err);

#endif /* CS_REROUTE_H */
