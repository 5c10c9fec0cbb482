/*
 * cs_test.h: helpers shared by the unit tests (include after <cmocka.h>): doubles compared to a
 * tolerance, a node's and an edge's index by id, and a command (the built cablesim) run with its
 * output captured.
 */
#ifndef CS_TEST_H
#define CS_TEST_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>

#include "cablesim/topology.h"

/* cmocka 1.1.5's assert_float_equal casts to float (about 7 digits): compare as doubles. */
#define assert_near(a, b, eps) cs_assert_near_((a), (b), (eps), #a, __LINE__)
static inline void cs_assert_near_(double a, double b, double eps, const char *what, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s is %.17g, expected %.17g (eps %g)", line, what, a, b, eps);
}

/* The index of the edge of t with this id; fails the test when there is none. */
static inline size_t edge_index(const cs_topology_t *t, const char *id)
{
    size_t j = SIZE_MAX;
    if (!cs_topology_find_edge(t, id, &j)) fail_msg("edge \"%s\" not found", id);
    return j;
}

/* The index of the node of t with this id; fails the test when there is none. */
static inline size_t node_index(const cs_topology_t *t, const char *id)
{
    size_t i = SIZE_MAX;
    if (!cs_topology_find_node(t, id, &i)) fail_msg("node \"%s\" not found", id);
    return i;
}

/* Runs cmd with sh; its stdout into out[n] (NUL-terminated, cut at n - 1 bytes). Returns its
 * exit status; a command killed by a signal fails the test. */
static inline int cs_test_capture(const char *cmd, char *out, size_t n)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    const size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    const int st = pclose(p);
    if (!WIFEXITED(st)) fail_msg("%s: did not exit (wait status %d)", cmd, st);
    return WEXITSTATUS(st);
}

#ifdef CS_CLI
/* Runs the built cablesim (CS_CLI) with args (shell words) in dir (NULL: the test's directory);
 * its stdout, and its stderr when with_stderr (else discarded), into out[n]. Returns its exit
 * status. */
static inline int cs_test_cli(const char *dir, const char *args, bool with_stderr, char *out,
                              size_t n)
{
    char cmd[4096];
    const int len =
        snprintf(cmd, sizeof cmd, "%s%s%s'%s' %s %s", dir ? "cd '" : "", dir ? dir : "",
                 dir ? "' && " : "", CS_CLI, args, with_stderr ? "2>&1" : "2>/dev/null");
    assert_true(len > 0 && (size_t)len < sizeof cmd); /* never run a truncated command */
    return cs_test_capture(cmd, out, n);
}
#endif

#endif /* CS_TEST_H */
