/*
 * fuzz_util.h: what the libFuzzer harnesses of tests/fuzz share (docs/fuzzing.md).
 *
 * Each harness defines LLVMFuzzerInitialize() and LLVMFuzzerTestOneInput(); it is linked either
 * with libFuzzer (CS_FUZZ=ON, clang) or with fuzz_main.c, which runs it over files (the kept
 * corpus and the seeds, as a ctest regression test in every build). A harness stops the process
 * (abort) when a property fails; the sanitizers stop it on memory errors, leaks and undefined
 * behaviour.
 */
#ifndef CS_FUZZ_UTIL_H
#define CS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/topology.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Aborts with the condition's text when cond is false: a property of the library failed. */
#define CS_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) cs_fuzz_fail(#cond, __FILE__, __LINE__);                                      \
    } while (0)

_Noreturn void cs_fuzz_fail(const char *what, const char *file, int line);

/** The input being run by fuzz_main.c (named when a property fails), or NULL. */
extern const char *cs_fuzz_input;

/** A NUL-terminated copy of data (malloc'd; aborts when out of memory). */
char *cs_fuzz_cstr(const uint8_t *data, size_t size);

/**
 * The error contract (docs: "Bad input gets a one-line error"): ok says whether the call's output
 * exists. On CS_OK it must; on failure it must not, and err holds a non-empty one-line message
 * with the same code.
 */
void cs_fuzz_check_status(cs_status rc, const cs_error *err, int ok);

/** path under the source tree ("topology/japan.geojson"), in a static buffer of its own. */
const char *cs_fuzz_source_path(const char *rel);

/** The bundled Japan topology, loaded once (aborts when it cannot be). */
const cs_topology_t *cs_fuzz_japan(void);

/**
 * Writes data to this process's temporary file for tag (created on first use under $TMPDIR or
 * /tmp, a directory cablesim-fuzz-XXXXXX, named <tag><suffix>; removed at exit) and returns its
 * path.
 */
const char *cs_fuzz_write_temp(const char *tag, const char *suffix, const void *data, size_t size);

#endif /* CS_FUZZ_UTIL_H */
