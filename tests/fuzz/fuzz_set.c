/*
 * fuzz_set.c: `--set key=value` overrides (cs_ydoc_set) and the YAML writer behind the recorded
 * scenario (cs_ydoc_emit). The input is one override per line (at most 64), applied to
 * scenarios/recovery-sabotage.yaml (maps, lists, hazards and a recovery section). Seeds:
 * tests/fuzz/seeds/set/. Properties: the error contract; a refused override leaves the document
 * as it was; after each accepted one the emitted text parses back to a document that emits the
 * same text; the whole list given to cs_scenario_load_string keeps the error contract.
 */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/scenario.h"
#include "cablesim/ydoc.h"

#define MAX_SETS 64

static char *base;
static const char *dir;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    CS_FUZZ_CHECK(f != NULL);
    CS_FUZZ_CHECK(fseek(f, 0, SEEK_END) == 0);
    const long n = ftell(f);
    CS_FUZZ_CHECK(n >= 0 && fseek(f, 0, SEEK_SET) == 0);
    char *s = malloc((size_t)n + 1);
    CS_FUZZ_CHECK(s != NULL && fread(s, 1, (size_t)n, f) == (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cs_library_init();
    dir = cs_fuzz_source_path("scenarios");
    base = read_all(cs_fuzz_source_path("scenarios/recovery-sabotage.yaml"));
    return 0;
}

/* Emits d; the text parses back to a document that emits it again. */
static char *emit_checked(const cs_ydoc_t *d)
{
    char *text = cs_ydoc_emit(d);
    CS_FUZZ_CHECK(text != NULL);
    cs_ydoc_t *back = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_ydoc_load_string(&back, text, "emitted.yaml", &err) != CS_OK)
        cs_fuzz_fail(err.msg, __FILE__, __LINE__);
    char *again = cs_ydoc_emit(back);
    CS_FUZZ_CHECK(again != NULL && strcmp(again, text) == 0);
    free(again);
    cs_ydoc_free(back);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = cs_fuzz_cstr(data, size);
    const char *sets[MAX_SETS];
    size_t n = 0;
    for (char *p = text; n < MAX_SETS;) {
        sets[n++] = p;
        char *nl = strchr(p, '\n');
        if (nl == NULL) break;
        *nl = '\0';
        p = nl + 1;
    }
    cs_ydoc_t *d = NULL;
    cs_error err = CS_ERROR_INIT;
    CS_FUZZ_CHECK(cs_ydoc_load_string(&d, base, "base.yaml", &err) == CS_OK);
    char *before = emit_checked(d);
    for (size_t i = 0; i < n; i++) {
        cs_error e = CS_ERROR_INIT;
        const cs_status rc = cs_ydoc_set(d, sets[i], &e);
        cs_fuzz_check_status(rc, &e, rc == CS_OK);
        char *after = emit_checked(d);
        if (rc != CS_OK) CS_FUZZ_CHECK(strcmp(after, before) == 0); /* left as it was */
        free(before);
        before = after;
    }
    free(before);
    cs_ydoc_free(d);
    cs_scenario *s = NULL;
    const cs_status rc = cs_scenario_load_string(&s, base, "base.yaml", dir, sets, n, 2024, &err);
    cs_fuzz_check_status(rc, &err, s != NULL);
    cs_scenario_free(s);
    free(text);
    return 0;
}
