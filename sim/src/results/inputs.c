/*
 * inputs.c: where a run's inputs were, and finding them again (docs/hdf5-schema.md, "Where the
 * inputs were"; docs/scenarios.md, "Paths of a stored run").
 *
 * The writer records, for the scenario's directory (from which its relative paths start), the
 * topology and the demand, the path as given, absolute, and relative to the results file's
 * directory. A later command that rebuilds the run from the file (run --resume, status) loads
 * the stored scenario with its relative paths starting, in order, from $CABLESIM_INPUT_DIR, the
 * recorded absolute directory, the recorded relative one (from the results file), the directory
 * as given (from the working directory), the working directory and the results file's
 * directory: the first from which every input it names (topology, demand, fleets) is found. An
 * absolute input path that no longer exists is replaced by its recorded relative path (from the
 * results file) or by its file name under $CABLESIM_INPUT_DIR. When nothing is found the message
 * lists what was tried and names CABLESIM_INPUT_DIR.
 */
#include "results/inputs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/paths.h"
#include "cablesim/recovery.h"
#include "cablesim/results.h"
#include "results/h5util.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

enum { IN_DIR, IN_TOPOLOGY, IN_DEMAND, N_INPUTS };

/* The attribute stems, and the scenario key that names each input (none for the directory). */
static const char *const stems[N_INPUTS] = {"scenario_dir", "topology_path", "demand_path"};
static const char *const keys[N_INPUTS] = {NULL, "topology", "demand"};

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The scenario's plain text value of key (a scalar, not null), or NULL. */
static const char *text_value(const cs_ynode *map, const char *key)
{
    const cs_ynode *v = cs_ymap_get(map, key);
    return v != NULL && v->kind == CS_YSCALAR && !cs_ynode_is_null(v) ? v->value : NULL;
}

/* The absolute directory of the file at path into buf ("" when it cannot be found). */
static void abs_dir_of(char *buf, size_t n, const char *path)
{
    char dir[PATH_MAX];
    cs_path_dirname(dir, sizeof dir, path);
    if (!cs_path_absolute(buf, n, dir)) buf[0] = '\0';
}

static cs_status put3(hid_t f, const char *path, const char *stem, const char *given,
                      const char *abs, const char *rel, cs_error *err)
{
    const char *suffix[3] = {"given", "abs", "rel"}, *value[3] = {given, abs, rel};
    cs_status rc = CS_OK;
    for (int k = 0; k < 3 && rc == CS_OK; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s_%s", stem, suffix[k]);
        rc = cs_h5_put_str_attr(path, f, "/", name, value[k], err);
    }
    return rc;
}

cs_status cs_rw_put_input_paths(hid_t f, const char *path, const cs_scenario *s, cs_error *err)
{
    char resdir[PATH_MAX];
    abs_dir_of(resdir, sizeof resdir, path);
    const cs_ynode *root = s->doc != NULL ? cs_ydoc_root(s->doc) : NULL; /* NULL: made by hand */
    const char *given[N_INPUTS] = {s->dir != NULL ? s->dir : "", text_value(root, "topology"),
                                   text_value(root, "demand")};
    const char *target[N_INPUTS] = {s->dir != NULL && s->dir[0] != '\0' ? s->dir : ".",
                                    s->topology_path, s->demand_path};
    cs_status rc = CS_OK;
    for (int i = 0; i < N_INPUTS && rc == CS_OK; i++) {
        char abs[PATH_MAX] = "", rel[PATH_MAX] = "";
        if (!cs_path_absolute(abs, sizeof abs, target[i])) abs[0] = '\0';
        if (abs[0] != '\0' && resdir[0] != '\0' && !cs_path_relative(rel, sizeof rel, abs, resdir))
            rel[0] = '\0';
        rc = put3(f, path, stems[i], given[i] != NULL ? given[i] : "", abs, rel, err);
    }
    return rc;
}

/* The string attribute name of f, malloc'd, or NULL when absent (or unreadable). */
static char *opt_attr(hid_t f, const char *path, const char *name)
{
    if (H5Aexists(f, name) <= 0) return NULL;
    char *v = NULL;
    cs_error quiet = CS_ERROR_INIT;
    return cs_h5_get_str_attr(f, path, "/", name, &v, CS_EINVAL, &quiet) == CS_OK ? v : NULL;
}

cs_status cs_rw_rebase_input_paths(hid_t f, const char *path, hid_t from_f, const char *from,
                                   cs_error *err)
{
    char to_dir[PATH_MAX], from_dir[PATH_MAX];
    abs_dir_of(to_dir, sizeof to_dir, path);
    abs_dir_of(from_dir, sizeof from_dir, from);
    cs_status rc = CS_OK;
    for (int i = 0; i < N_INPUTS && rc == CS_OK; i++) {
        char name[64], abs_name[64];
        snprintf(name, sizeof name, "%s_rel", stems[i]);
        snprintf(abs_name, sizeof abs_name, "%s_abs", stems[i]);
        char *rel = opt_attr(from_f, from, name), *abs = opt_attr(from_f, from, abs_name);
        if (rel != NULL) {
            /* The input as the part's relative path finds it, else as recorded absolute. */
            char joined[2 * PATH_MAX], target[PATH_MAX] = "", out[PATH_MAX] = "";
            snprintf(joined, sizeof joined, "%s/%s", from_dir, rel);
            if (rel[0] == '\0' || !cs_path_absolute(target, sizeof target, joined))
                snprintf(target, sizeof target, "%s", abs != NULL ? abs : "");
            if (target[0] == '\0' || to_dir[0] == '\0' ||
                !cs_path_relative(out, sizeof out, target, to_dir))
                out[0] = '\0';
            if (H5Aexists(f, name) > 0 && H5Adelete(f, name) < 0)
                rc = cs_h5_err(err, CS_EHDF5, path, "rewrite attribute", name);
            if (rc == CS_OK) rc = cs_h5_put_str_attr(path, f, "/", name, out, err);
        }
        free(rel);
        free(abs);
    }
    return rc;
}

/* ------------------------------------------------------------ finding them again */

typedef struct {
    char dir[PATH_MAX];
    const char *why;
} candidate;

typedef struct {
    candidate c[8];
    size_t n;
} candidates;

static void add_candidate(candidates *cs, const char *dir, const char *why)
{
    if (dir == NULL || dir[0] == '\0' || cs->n == sizeof cs->c / sizeof cs->c[0]) return;
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].dir, dir) == 0) return;
    if ((size_t)snprintf(cs->c[cs->n].dir, PATH_MAX, "%s", dir) >= PATH_MAX) return;
    cs->c[cs->n++].why = why;
}

/* Whether the input rel (a fleet file when fleet) is found with the scenario's directory dir,
 * as the scenario loader and the recovery module resolve it. */
static bool found_from(const char *rel, const char *dir, bool fleet)
{
    char buf[PATH_MAX];
    if (fleet) return cs_recovery_fleet_resolve(rel, dir, buf, sizeof buf);
    if (rel[0] == '/') return is_file(rel);
    if ((size_t)snprintf(buf, sizeof buf, "%s/%s", dir, rel) < sizeof buf && is_file(buf))
        return true;
    cs_error quiet = CS_ERROR_INIT;
    return cs_data_path(buf, sizeof buf, rel, &quiet) == CS_OK && is_file(buf);
}

/* The relative inputs the stored scenario names: topology, demand, fleets. */
typedef struct {
    const char *path[64];
    int input[64]; /* IN_TOPOLOGY, IN_DEMAND, or -1 for a fleet file */
    size_t n;
} named_inputs;

static void add_named(named_inputs *in, const char *path, int input)
{
    if (path == NULL || in->n == sizeof in->path / sizeof in->path[0]) return;
    in->input[in->n] = input;
    in->path[in->n++] = path;
}

static void named_of(const cs_ynode *root, named_inputs *in)
{
    add_named(in, text_value(root, "topology"), IN_TOPOLOGY);
    add_named(in, text_value(root, "demand"), IN_DEMAND);
    const cs_ynode *fleet = cs_ymap_get(cs_ymap_get(root, "recovery"), "fleet");
    if (fleet != NULL && fleet->kind == CS_YSCALAR && !cs_ynode_is_null(fleet))
        add_named(in, fleet->value, -1);
    for (size_t i = 0; fleet != NULL && fleet->kind == CS_YSEQ && i < fleet->n; i++)
        if (fleet->items[i]->kind == CS_YSCALAR) add_named(in, fleet->items[i]->value, -1);
}

/* "key=\"value\"" (a --set override with value double-quoted) into buf. */
static bool quoted_set(char *buf, size_t n, const char *key, const char *value)
{
    size_t o = (size_t)snprintf(buf, n, "%s=\"", key);
    for (const char *p = value; *p != '\0' && o + 3 < n; p++) {
        if (*p == '"' || *p == '\\') buf[o++] = '\\';
        buf[o++] = *p;
    }
    if (o + 2 >= n) return false;
    buf[o++] = '"';
    buf[o] = '\0';
    return true;
}

/*
 * For an absolute topology or demand path that no longer exists: the recorded relative path from
 * the results file's directory, else the file name under $CABLESIM_INPUT_DIR, as an override.
 */
static bool moved_absolute(const cs_ynode *root, int i, const char *resdir, const char *rel_attr,
                           const char *env, char *set, size_t n)
{
    const char *v = text_value(root, keys[i]);
    if (v == NULL || v[0] != '/' || is_file(v)) return false;
    char alt[2 * PATH_MAX];
    const char *base = strrchr(v, '/') + 1;
    if (rel_attr != NULL && rel_attr[0] != '\0' &&
        (size_t)snprintf(alt, sizeof alt, "%s/%s", resdir, rel_attr) < sizeof alt && is_file(alt))
        return quoted_set(set, n, keys[i], alt);
    if (env != NULL && env[0] != '\0' &&
        (size_t)snprintf(alt, sizeof alt, "%s/%s", env, base) < sizeof alt && is_file(alt))
        return quoted_set(set, n, keys[i], alt);
    return false;
}

/* The message when no directory finds input rel: what was tried, and how to point at it. */
static cs_status not_found(const char *path, const char *rel, const candidates *cs, cs_error *err)
{
    char tried[CS_ERROR_MSG_MAX] = "";
    size_t o = 0;
    for (size_t i = 0; i < cs->n && o < sizeof tried; i++) {
        const int k =
            snprintf(tried + o, sizeof tried - o, "%s/%s (%s), ", cs->c[i].dir, rel, cs->c[i].why);
        if (k > 0) o += (size_t)k;
    }
    if (rel[0] == '/')
        return cs_errorf(err, CS_EIO,
                         "%s: input %s of the stored scenario not found (nor from the results "
                         "file's place); set CABLESIM_INPUT_DIR to a directory that holds %s",
                         path, rel, strrchr(rel, '/') + 1);
    return cs_errorf(err, CS_EIO,
                     "%s: input \"%s\" of the stored scenario not found; tried %sthe bundled "
                     "data; set CABLESIM_INPUT_DIR to the directory the scenario's relative paths "
                     "start from (its directory when it ran)",
                     path, rel, tried);
}

cs_status cs_results_load_scenario(cs_scenario **out, const char *path, cs_file_checked *seen,
                                   cs_error *err)
{
    *out = NULL;
    char *text = NULL, *attr[N_INPUTS][3] = {{NULL}};
    int32_t as_of = 0;
    cs_status rc = cs_results_scenario_text(path, seen, &text, &as_of, err);
    if (rc) return rc;
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    static const char *const suffix[3] = {"given", "abs", "rel"};
    for (int i = 0; i < N_INPUTS && f >= 0; i++)
        for (int k = 0; k < 3; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", stems[i], suffix[k]);
            attr[i][k] = opt_attr(f, path, name);
        }
    if (f >= 0) H5Fclose(f);
    cs_ydoc_t *doc = NULL;
    rc = cs_ydoc_load_string(&doc, text, path, err);
    char resdir[PATH_MAX], joined[2 * PATH_MAX] = "";
    cs_path_dirname(resdir, sizeof resdir, path);
    const char *env = getenv("CABLESIM_INPUT_DIR");
    candidates *cs = calloc(1, sizeof *cs);
    if (rc == CS_OK && cs == NULL) rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    if (rc == CS_OK) {
        add_candidate(cs, env, "$CABLESIM_INPUT_DIR");
        add_candidate(cs, attr[IN_DIR][1], "the scenario's directory when it ran");
        if (attr[IN_DIR][2] != NULL && attr[IN_DIR][2][0] != '\0' &&
            (size_t)snprintf(joined, sizeof joined, "%s/%s", resdir, attr[IN_DIR][2]) <
                sizeof joined)
            add_candidate(cs, joined, "scenario_dir_rel from the results file's directory");
        add_candidate(cs, attr[IN_DIR][0], "the scenario's directory as given, from here");
        add_candidate(cs, ".", "the working directory");
        add_candidate(cs, resdir, "the results file's directory");
    }
    /* Absolute inputs that moved: overrides naming where they are now. */
    char sets_buf[2][2 * PATH_MAX + 16];
    const char *sets[2];
    size_t nsets = 0;
    bool moved[N_INPUTS] = {false};
    const cs_ynode *root = doc != NULL ? cs_ydoc_root(doc) : NULL;
    for (int i = IN_TOPOLOGY; i <= IN_DEMAND && rc == CS_OK; i++)
        if ((moved[i] = moved_absolute(root, i, resdir, attr[i][2], env, sets_buf[nsets],
                                       sizeof sets_buf[0])))
            sets[nsets] = sets_buf[nsets], nsets++;
    /* The first directory from which every input the scenario names is found. */
    named_inputs in = {.n = 0};
    if (rc == CS_OK) named_of(root, &in);
    size_t pick = cs != NULL ? cs->n : 0;
    for (size_t c = 0; rc == CS_OK && c < cs->n && pick == cs->n; c++) {
        bool all = true;
        for (size_t j = 0; j < in.n && all; j++)
            all = (in.input[j] >= 0 && moved[in.input[j]]) ||
                  found_from(in.path[j], cs->c[c].dir, in.input[j] < 0);
        if (all) pick = c;
    }
    if (rc == CS_OK && pick == cs->n) {
        /* Report the first input no directory finds. */
        for (size_t j = 0; j < in.n && rc == CS_OK; j++) {
            bool any = false;
            for (size_t c = 0; c < cs->n && !any; c++)
                any = (in.input[j] >= 0 && moved[in.input[j]]) ||
                      found_from(in.path[j], cs->c[c].dir, in.input[j] < 0);
            if (!any) rc = not_found(path, in.path[j], cs, err);
        }
        if (rc == CS_OK) pick = 0; /* each is found somewhere, but from no one directory */
    }
    if (rc == CS_OK)
        rc = cs_scenario_load_string(out, text, path, pick < cs->n ? cs->c[pick].dir : ".", sets,
                                     nsets, as_of, err);
    free(cs);
    cs_ydoc_free(doc);
    for (int i = 0; i < N_INPUTS; i++)
        for (int k = 0; k < 3; k++)
            free(attr[i][k]);
    free(text);
    return rc;
}
