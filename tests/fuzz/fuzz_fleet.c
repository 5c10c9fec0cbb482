/*
 * fuzz_fleet.c: a fleet file (scenarios/fleets/, docs/scenarios.md "recovery"), read through the
 * recovery section of a scenario that names it (cs_recovery_parse on the bundled Japan topology).
 * The input is written to a temporary file, as the parser reads fleets from files. Seeds:
 * scenarios/fleets/ and tests/data/fleet-two.yaml, fleet-bad.yaml. Properties: the error contract;
 * a loaded fleet has at least one ship, each with a name, speed in [1, 40] kn, availability in [0,
 * 1] and a home port on the globe, and the fleet file listed among the files the scenario read.
 */
#include "fuzz_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/recovery.h"
#include "cablesim/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cs_library_init();
    (void)cs_fuzz_japan();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = cs_fuzz_write_temp("fleet", ".yaml", data, size);
    char text[4200];
    snprintf(text, sizeof text, "name: fuzz\nrecovery:\n  fleet: \"%s\"\n", path);
    cs_scenario *s = NULL;
    cs_error err = CS_ERROR_INIT;
    CS_FUZZ_CHECK(cs_scenario_load_string(&s, text, "fuzz.yaml", NULL, NULL, 0, 2024, &err) ==
                  CS_OK);
    cs_recovery_t *r = NULL;
    const cs_status rc = cs_recovery_parse(&r, s->doc, s->recovery, s->dir, cs_fuzz_japan(), &err);
    cs_fuzz_check_status(rc, &err, r != NULL);
    if (rc == CS_OK) {
        CS_FUZZ_CHECK(cs_recovery_ship_count(r) >= 1);
        for (size_t k = 0; k < cs_recovery_ship_count(r); k++) {
            const cs_ship *sh = cs_recovery_ship(r, k);
            CS_FUZZ_CHECK(sh->name != NULL && sh->home != NULL);
            CS_FUZZ_CHECK(sh->speed_kn >= 1 && sh->speed_kn <= 40);
            CS_FUZZ_CHECK(sh->availability >= 0 && sh->availability <= 1);
            CS_FUZZ_CHECK(fabs(sh->home_pos.lon) <= 180 && fabs(sh->home_pos.lat) <= 90);
        }
        CS_FUZZ_CHECK(cs_recovery_fleet_count(r) == 1);
    } else {
        CS_FUZZ_CHECK(strstr(err.msg, path) != NULL); /* names the fleet file */
    }
    cs_recovery_free(r);
    cs_scenario_free(s);
    return 0;
}
