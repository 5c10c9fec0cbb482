/*
 * fuzz_scenario.c: the scenario loader (cs_scenario_load_string, with the YAML reader under it),
 * then, on the bundled Japan topology, each hazard's parser (cs_hazard_parse) and the recovery
 * section's (cs_recovery_parse, with the bundled fleet files it names). Seeds: scenarios/ and
 * tests/data/ (YAML). Properties: the error contract at every step; the resolved scenario
 * (cs_scenario_resolved_text, with the defaults of the hazards and the recovery section) loads
 * again to the same settings, its hazards and recovery parse again, it needs no default, and it
 * resolves to itself.
 */
#include "fuzz_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/hazard.h"
#include "cablesim/recovery.h"
#include "cablesim/scenario.h"

#define YEAR 2024

static const char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cs_library_init();
    dir = cs_fuzz_source_path("scenarios");
    (void)cs_fuzz_japan();
    return 0;
}

/* Parses the hazards and the recovery section of s; whether all of them parsed. A failure is a
 * failed property when must (the message is printed). */
static bool parse_models(const cs_scenario *s, bool must)
{
    bool ok = true;
    for (size_t i = 0; i < s->n_hazards; i++) {
        cs_hazard_t *h = NULL;
        cs_error err = CS_ERROR_INIT;
        const cs_status rc = cs_hazard_parse(&h, s->doc, s->hazards[i], cs_fuzz_japan(), &err);
        cs_fuzz_check_status(rc, &err, h != NULL);
        if (must && rc != CS_OK) cs_fuzz_fail(err.msg, __FILE__, __LINE__);
        ok = ok && rc == CS_OK;
        cs_hazard_free(h);
    }
    if (s->recovery != NULL) {
        cs_recovery_t *r = NULL;
        cs_error err = CS_ERROR_INIT;
        const cs_status rc =
            cs_recovery_parse(&r, s->doc, s->recovery, s->dir, cs_fuzz_japan(), &err);
        cs_fuzz_check_status(rc, &err, r != NULL);
        if (must && rc != CS_OK) cs_fuzz_fail(err.msg, __FILE__, __LINE__);
        ok = ok && rc == CS_OK;
        cs_recovery_free(r);
    }
    return ok;
}

/* The resolved text loads to the same settings (models: the hazards and recovery parsed, and
 * then they parse again), needs no default, and resolves to itself. */
static void check_resolved(const cs_scenario *s, bool models)
{
    char *text = NULL, *again = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_status rc = cs_scenario_resolved_text(s, &text, &err);
    cs_fuzz_check_status(rc, &err, text != NULL);
    if (rc != CS_OK) return;
    cs_scenario *r = NULL;
    rc = cs_scenario_load_string(&r, text, "resolved.yaml", s->dir, NULL, 0, YEAR + 1, &err);
    CS_FUZZ_CHECK(rc == CS_OK);
    CS_FUZZ_CHECK(strcmp(r->name, s->name) == 0 && strcmp(r->description, s->description) == 0);
    CS_FUZZ_CHECK(strcmp(r->topology_path, s->topology_path) == 0);
    CS_FUZZ_CHECK(strcmp(r->demand_path, s->demand_path) == 0);
    CS_FUZZ_CHECK(r->as_of == s->as_of && !r->as_of_default);
    CS_FUZZ_CHECK(r->trials == s->trials && r->seed == s->seed);
    const cs_routing_options *a = &r->routing, *b = &s->routing;
    CS_FUZZ_CHECK(a->mode == b->mode && a->use_lit == b->use_lit && a->rounds == b->rounds);
    CS_FUZZ_CHECK(a->demand_scale == b->demand_scale && a->hop_ms == b->hop_ms);
    /* NAN: derived (docs/model.md, Restoration), in both or neither */
    CS_FUZZ_CHECK(isnan(a->restoration_share) ? isnan(b->restoration_share)
                                              : a->restoration_share == b->restoration_share);
    CS_FUZZ_CHECK(a->utilisation == b->utilisation &&
                  a->restoration_at_event == b->restoration_at_event &&
                  a->restoration_ramp_days == b->restoration_ramp_days);
    const cs_output_options *p = &r->output, *q = &s->output;
    CS_FUZZ_CHECK(p->edge_flow == q->edge_flow && p->latency == q->latency);
    CS_FUZZ_CHECK(p->compression == q->compression && p->batch_trials == q->batch_trials);
    CS_FUZZ_CHECK(p->headroom == q->headroom && p->format_version == q->format_version);
    CS_FUZZ_CHECK(r->n_hazards == s->n_hazards && (r->recovery == NULL) == (s->recovery == NULL));
    if (models) parse_models(r, true);
    if (models) CS_FUZZ_CHECK(cs_ydoc_defaults_count(r->doc) == 0);
    rc = cs_scenario_resolved_text(r, &again, &err);
    CS_FUZZ_CHECK(rc == CS_OK && strcmp(again, text) == 0);
    free(again);
    cs_scenario_free(r);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = cs_fuzz_cstr(data, size);
    cs_scenario *s = NULL;
    cs_error err = CS_ERROR_INIT;
    const cs_status rc = cs_scenario_load_string(&s, text, "fuzz.yaml", dir, NULL, 0, YEAR, &err);
    cs_fuzz_check_status(rc, &err, s != NULL);
    if (rc == CS_OK) check_resolved(s, parse_models(s, false));
    cs_scenario_free(s);
    free(text);
    return 0;
}
