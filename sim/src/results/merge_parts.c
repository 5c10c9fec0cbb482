/*
 * merge_parts.c: the parts of a merge (merge.c), read and checked before anything is written:
 * each a complete cablesim results file of this format and software version, a part of the
 * same scenario, seed, trials, as_of, topology and demand as the first; together they tile
 * trials 0 .. trials - 1; the output is none of them.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/paths.h"
#include "cablesim/results.h"
#include "results/heapcheck.h"
#include "results/commit.h"
#include "results/h5util.h"
#include "results/merge.h"
#include "results/writer.h"

/* --------------------------------------------------------------- parts */

void cs_merge_part_destroy(cs_merge_part *p)
{
    free(p->scenario);
    free(p->software_version);
    free(p->topology_sha256);
    free(p->demand_sha256);
}

/* format, format_version, the part attributes and complete, the first thing wrong reported. */
static cs_status check_identity(hid_t f, cs_merge_part *p, cs_error *err)
{
    char *format = NULL;
    const htri_t has_format = H5Aexists(f, "format");
    if (has_format < 0 || (has_format == 0 && (H5Lexists(f, "trials", H5P_DEFAULT) > 0 ||
                                               H5Lexists(f, "topology", H5P_DEFAULT) > 0)))
        /* a cablesim file whose root attributes cannot be read (as inspect.c classifies it) */
        return cs_errorf(err, CS_EINVAL,
                         "%s: damaged: the root attribute \"format\" cannot be read (a copy cut "
                         "short, or a file damaged outside cablesim's writes)",
                         p->path);
    if (has_format == 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a cablesim results file (attribute \"format\"), found "
                         "another HDF5 file",
                         p->path);
    cs_status rc = cs_h5_get_str_attr(f, p->path, "/", "format", &format, CS_EIO, err);
    if (!rc && strcmp(format, "cablesim-results") != 0)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: attribute \"format\" of /: expected \"cablesim-results\", found "
                       "\"%.60s\" (not a cablesim results file)",
                       p->path, format);
    free(format);
    int32_t version = 0;
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "format_version", H5T_NATIVE_INT32, &version,
                                CS_EIO, err);
    if (!rc && !CS_FORMAT_KNOWN(version))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: attribute \"format_version\" of /: expected %d to %d, found %" PRId32,
                       p->path, CS_FORMAT_V1, CS_FORMAT_V4, version);
    p->version = version;
    if (!rc && H5Aexists(f, "part_trials") <= 0)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: expected a part written by cablesim run --shard (attributes "
                       "part_first_trial, part_trials), found the results of a whole run",
                       p->path);
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "part_first_trial", H5T_NATIVE_UINT64, &p->first,
                                CS_EIO, err);
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "part_trials", H5T_NATIVE_UINT64, &p->n, CS_EIO,
                                err);
    uint8_t complete = 0;
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "complete", H5T_NATIVE_UINT8, &complete, CS_EIO,
                                err);
    if (!rc && complete != 1)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: attribute \"complete\" of /: expected 1, found %u: the part is "
                       "unfinished (cablesim run --resume %s completes it)",
                       p->path, (unsigned)complete, p->path);
    return rc;
}

/* Opens and reads part p->path: a complete part of a cablesim run. */
static cs_status read_part(cs_merge_part *p, cs_error *err)
{
    FILE *fp = fopen(p->path, "rb");
    if (fp == NULL) return cs_errorf(err, CS_EIO, "%s: cannot open: %s", p->path, strerror(errno));
    fclose(fp);
    if (H5Fis_hdf5(p->path) <= 0)
        return cs_errorf(err, CS_EIO,
                         "%s: expected a part written by cablesim run --shard, found a file that "
                         "is not HDF5",
                         p->path);
    const cs_status heaps = cs_h5_check_heaps(p->path, NULL, err);
    if (heaps) return heaps;
    const hid_t f = H5Fopen(p->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return cs_h5_err(err, CS_EIO, p->path, "open", "the file");
    cs_status rc = check_identity(f, p, err);
    if (!rc) rc = cs_h5_get_str_attr(f, p->path, "/", "scenario", &p->scenario, CS_EIO, err);
    if (!rc)
        rc = cs_h5_get_str_attr(f, p->path, "/", "software_version", &p->software_version, CS_EIO,
                                err);
    if (!rc)
        rc = cs_h5_get_str_attr(f, p->path, "/", "topology_sha256", &p->topology_sha256, CS_EIO,
                                err);
    if (!rc)
        rc = cs_h5_get_str_attr(f, p->path, "/", "demand_sha256", &p->demand_sha256, CS_EIO, err);
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "seed", H5T_NATIVE_UINT64, &p->seed, CS_EIO, err);
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "trials", H5T_NATIVE_UINT64, &p->trials, CS_EIO,
                                err);
    if (!rc)
        rc = cs_h5_get_num_attr(f, p->path, "/", "as_of", H5T_NATIVE_INT32, &p->as_of, CS_EIO, err);
    if (!rc && (p->n == 0 || p->first > p->trials || p->n > p->trials - p->first))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: part_first_trial %" PRIu64 ", part_trials %" PRIu64
                       ": expected at least one trial within the run's %" PRIu64,
                       p->path, p->first, p->n, p->trials);
    if (H5Fclose(f) < 0 && !rc) rc = cs_h5_err(err, CS_EIO, p->path, "close", "the file");
    return rc;
}

static cs_status differ_u64(cs_error *err, const cs_merge_part *p, const char *name, uint64_t want,
                            uint64_t found, const cs_merge_part *ref)
{
    return cs_errorf(err, CS_EINVAL,
                     "%s: attribute \"%s\" of /: expected %" PRIu64 " (as in %s), found %" PRIu64,
                     p->path, name, want, ref->path, found);
}

static cs_status differ_str(cs_error *err, const cs_merge_part *p, const char *name,
                            const char *want, const char *found, const cs_merge_part *ref)
{
    return cs_errorf(err, CS_EINVAL, "%s: attribute \"%s\" of /: expected %s (as in %s), found %s",
                     p->path, name, want, ref->path, found);
}

/* The line of text a on which a and b first differ (1-based). */
static size_t first_diff_line(const char *a, const char *b)
{
    size_t line = 1;
    for (; *a != '\0' && *a == *b; a++, b++)
        if (*a == '\n') line++;
    return line;
}

/* Checks that p comes from the same run as ref (the first part), with this cablesim. */
static cs_status same_run(const cs_merge_part *p, const cs_merge_part *ref, cs_error *err)
{
    if (strcmp(p->software_version, cs_version()) != 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: attribute \"software_version\" of /: expected %s (this cablesim), "
                         "found %s: merge the parts with the cablesim that wrote them",
                         p->path, cs_version(), p->software_version);
    if (p == ref) return CS_OK;
    if (p->seed != ref->seed) return differ_u64(err, p, "seed", ref->seed, p->seed, ref);
    if (p->trials != ref->trials) return differ_u64(err, p, "trials", ref->trials, p->trials, ref);
    if (p->as_of != ref->as_of)
        return differ_u64(err, p, "as_of", (uint64_t)ref->as_of, (uint64_t)p->as_of, ref);
    if (p->version != ref->version)
        return differ_u64(err, p, "format_version", (uint64_t)ref->version, (uint64_t)p->version,
                          ref);
    if (strcmp(p->topology_sha256, ref->topology_sha256) != 0)
        return differ_str(err, p, "topology_sha256", ref->topology_sha256, p->topology_sha256, ref);
    if (strcmp(p->demand_sha256, ref->demand_sha256) != 0)
        return differ_str(err, p, "demand_sha256", ref->demand_sha256, p->demand_sha256, ref);
    if (strcmp(p->scenario, ref->scenario) != 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: attribute \"scenario\" of /: expected the scenario of %s, found "
                         "another one (first difference on line %zu)",
                         p->path, ref->path, first_diff_line(p->scenario, ref->scenario));
    return CS_OK;
}

static int cmp_first(const void *x, const void *y)
{
    const cs_merge_part *a = *(const cs_merge_part *const *)x,
                        *b = *(const cs_merge_part *const *)y;
    if (a->first != b->first) return a->first < b->first ? -1 : 1;
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    return strcmp(a->path, b->path);
}

/* Trials lo..hi that no part holds, between parts before and after (either may be NULL). */
static cs_status gap(cs_error *err, uint64_t lo, uint64_t hi, uint64_t trials,
                     const cs_merge_part *before, const cs_merge_part *after)
{
    char where[2048];
    if (before != NULL && after != NULL)
        snprintf(where, sizeof where, "%s ends at trial %" PRIu64 ", %s starts at trial %" PRIu64,
                 before->path, lo - 1, after->path, hi + 1);
    else if (after != NULL)
        snprintf(where, sizeof where, "the first part, %s, starts at trial %" PRIu64, after->path,
                 hi + 1);
    else
        snprintf(where, sizeof where, "the last part, %s, ends at trial %" PRIu64, before->path,
                 lo - 1);
    return cs_errorf(err, CS_EINVAL,
                     "missing trials %" PRIu64 "..%" PRIu64 " of %" PRIu64
                     ": no part holds them (%s)",
                     lo, hi, trials, where);
}

/* Checks that the parts, sorted by first trial, tile trials 0 .. trials - 1 exactly. */
static cs_status check_tiling(const cs_merge_part *const *sorted, size_t n, uint64_t trials,
                              cs_error *err)
{
    uint64_t next = 0;
    for (size_t i = 0; i < n; i++) {
        const cs_merge_part *p = sorted[i], *prev = i > 0 ? sorted[i - 1] : NULL;
        if (p->first > next) return gap(err, next, p->first - 1, trials, prev, p);
        if (p->first < next) {
            const uint64_t end = p->first + p->n < next ? p->first + p->n : next;
            return cs_errorf(err, CS_EINVAL,
                             "trials %" PRIu64 "..%" PRIu64 " are in two parts: %s (trials %" PRIu64
                             "..%" PRIu64 ") and %s (trials %" PRIu64 "..%" PRIu64 ")",
                             p->first, end - 1, prev->path, prev->first, prev->first + prev->n - 1,
                             p->path, p->first, p->first + p->n - 1);
        }
        next = p->first + p->n;
    }
    if (next < trials) return gap(err, next, trials - 1, trials, sorted[n - 1], NULL);
    return CS_OK;
}

/* The output must not be one of the parts: it is replaced at the end. */
static cs_status check_output(const char *out, const cs_merge_part *parts, size_t n, cs_error *err)
{
    struct stat so, sp;
    if (stat(out, &so) != 0) return CS_OK;
    for (size_t i = 0; i < n; i++)
        if (stat(parts[i].path, &sp) == 0 && sp.st_dev == so.st_dev && sp.st_ino == so.st_ino)
            return cs_errorf(err, CS_EINVAL,
                             "%s: expected a new file for the merged results, found the part %s",
                             out, parts[i].path);
    return CS_OK;
}

/* Reads every part and checks them against the first and against each other. */
cs_status cs_merge_check_parts(cs_merge_part *parts, const cs_merge_part **sorted, const char *out,
                               const char *const *paths, size_t n, cs_error *err)
{
    cs_status rc = CS_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        parts[i].path = paths[i];
        rc = read_part(&parts[i], err);
        if (!rc) rc = same_run(&parts[i], &parts[0], err);
        sorted[i] = &parts[i];
    }
    if (rc) return rc;
    qsort(sorted, n, sizeof *sorted, cmp_first);
    rc = check_tiling(sorted, n, parts[0].trials, err);
    if (!rc) rc = check_output(out, parts, n, err);
    return rc;
}

cs_status cs_merge_check_static(const cs_merge_part *const *parts, size_t n, cs_error *err)
{
    cs_status rc = CS_OK;
    const hid_t f0 = n > 1 ? H5Fopen(parts[0]->path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (n > 1 && f0 < 0) rc = cs_h5_err(err, CS_EIO, parts[0]->path, "open", "the file");
    for (size_t i = 1; i < n && !rc; i++) {
        const hid_t f = H5Fopen(parts[i]->path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f < 0) rc = cs_h5_err(err, CS_EIO, parts[i]->path, "open", "the file");
        if (!rc)
            rc = cs_rw_check_same_static(f0, parts[0]->path, f, parts[i]->path, parts[0]->version,
                                         err);
        if (f >= 0) H5Fclose(f);
    }
    if (f0 >= 0) H5Fclose(f0);
    return rc;
}
