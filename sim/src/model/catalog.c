/*
 * catalog.c: the bundled scenarios (share/cablesim/scenarios, or the source tree's scenarios/):
 * listed with their descriptions (`cablesim scenarios`) and found by name from any directory
 * (`cablesim run nankai-m9`), the way the bundled topology is found (paths.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/paths.h"
#include "cablesim/scenario.h"
#include "cablesim/ydoc.h"
#include "core/strmap.h"

#define SUFFIX ".yaml"

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d != NULL ? memcpy(d, s, n) : NULL;
}

/* The description of a scenario file on one line (runs of white space as one space); "" when
 * it has none. NULL when path is not a scenario (not YAML, not a map, or a fleet: `ships`). */
static char *describe(const char *path, bool *oom)
{
    cs_ydoc_t *d = NULL;
    cs_error quiet = CS_ERROR_INIT;
    *oom = false;
    const cs_status rc = cs_ydoc_load(&d, path, &quiet);
    if (rc != CS_OK) {
        *oom = rc == CS_ENOMEM;
        return NULL;
    }
    const cs_ynode *root = cs_ydoc_root(d), *v = cs_ymap_get(root, "description");
    char *out = NULL;
    if (root != NULL && root->kind == CS_YMAP && cs_ymap_get(root, "ships") == NULL) {
        const char *text = v != NULL && v->kind == CS_YSCALAR ? v->value : "";
        out = malloc(strlen(text) + 1);
        if (out == NULL) *oom = true;
        size_t k = 0;
        for (const char *p = text; out != NULL && *p; p++) {
            const bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
            if (space && (k == 0 || out[k - 1] == ' ')) continue;
            out[k++] = space ? ' ' : *p;
        }
        while (out != NULL && k > 0 && out[k - 1] == ' ')
            k--;
        if (out != NULL) out[k] = '\0';
    }
    cs_ydoc_free(d);
    return out;
}

static int by_name(const void *a, const void *b)
{
    const cs_scenario_entry *x = a, *y = b;
    return strcmp(x->name, y->name);
}

/* Adds the scenarios of dir/sub (sub "" for dir itself); descends one level from the top. */
static cs_status scan(cs_scenario_catalog *c, const char *dir, const char *sub, size_t *cap,
                      cs_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", dir, sub[0] ? "/" : "", sub);
    DIR *dh = opendir(path);
    if (dh == NULL) return CS_OK; /* a subdirectory that cannot be read: nothing listed */
    cs_status rc = CS_OK;
    for (struct dirent *de; rc == CS_OK && (de = readdir(dh)) != NULL;) {
        const char *f = de->d_name;
        if (f[0] == '.') continue;
        char full[4096], name[1024];
        if ((size_t)snprintf(full, sizeof full, "%s/%s", path, f) >= sizeof full ||
            (size_t)snprintf(name, sizeof name, "%s%s%s", sub, sub[0] ? "/" : "", f) >= sizeof name)
            continue;
        struct stat st;
        if (stat(full, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (sub[0] == '\0') rc = scan(c, dir, f, cap, err);
            continue;
        }
        const size_t len = strlen(name), sl = strlen(SUFFIX);
        if (!S_ISREG(st.st_mode) || len <= sl || strcmp(name + len - sl, SUFFIX) != 0) continue;
        bool oom = false;
        char *desc = describe(full, &oom);
        if (desc == NULL) {
            if (oom) rc = cs_errorf(err, CS_ENOMEM, "scenarios: out of memory");
            continue;
        }
        if (c->n == *cap) {
            const size_t nc = *cap ? 2 * *cap : 32;
            cs_scenario_entry *e = realloc(c->entries, nc * sizeof *e);
            if (e == NULL) {
                free(desc);
                rc = cs_errorf(err, CS_ENOMEM, "scenarios: out of memory");
                break;
            }
            c->entries = e;
            *cap = nc;
        }
        name[len - sl] = '\0';
        cs_scenario_entry *e = &c->entries[c->n];
        e->name = dup_str(name);
        e->path = dup_str(full);
        e->description = desc;
        c->n++;
        if (e->name == NULL || e->path == NULL) rc = cs_errorf(err, CS_ENOMEM, "out of memory");
    }
    closedir(dh);
    return rc;
}

cs_status cs_scenario_catalog_init(cs_scenario_catalog *c, cs_error *err)
{
    memset(c, 0, sizeof *c);
    char dir[4096];
    cs_status rc = cs_data_path(dir, sizeof dir, "scenarios", err);
    if (rc) return rc;
    if ((c->dir = dup_str(dir)) == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory");
    size_t cap = 0;
    if ((rc = scan(c, dir, "", &cap, err))) {
        cs_scenario_catalog_destroy(c);
        return rc;
    }
    if (c->n > 0) qsort(c->entries, c->n, sizeof *c->entries, by_name);
    return CS_OK;
}

void cs_scenario_catalog_destroy(cs_scenario_catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].name);
        free(c->entries[i].path);
        free(c->entries[i].description);
    }
    free(c->entries);
    free(c->dir);
    memset(c, 0, sizeof *c);
}

cs_status cs_scenario_find(const char *name, char *buf, size_t n, cs_error *err)
{
    cs_scenario_catalog c;
    cs_status rc = cs_scenario_catalog_init(&c, err);
    if (rc) return rc;
    char want[1024];
    snprintf(want, sizeof want, "%s", name);
    const size_t len = strlen(want), sl = strlen(SUFFIX);
    if (len > sl && strcmp(want + len - sl, SUFFIX) == 0) want[len - sl] = '\0';
    for (size_t i = 0; i < c.n; i++)
        if (strcmp(c.entries[i].name, want) == 0) {
            if ((size_t)snprintf(buf, n, "%s", c.entries[i].path) >= n)
                rc = cs_errorf(err, CS_EINVAL, "%s: path too long", c.entries[i].path);
            cs_scenario_catalog_destroy(&c);
            return rc;
        }
    char hint[1200] = "";
    const char **names = c.n > 0 ? malloc(c.n * sizeof *names) : NULL;
    if (names != NULL) { /* without memory, the message goes without its hint */
        for (size_t i = 0; i < c.n; i++)
            names[i] = c.entries[i].name;
        const size_t best = cs_nearest_name(want, names, c.n);
        if (best != SIZE_MAX)
            snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", c.entries[best].name);
        free(names);
    }
    rc = cs_errorf(err, CS_EIO,
                   "%s: no such file, nor a bundled scenario of %s%s ('cablesim scenarios' lists "
                   "them)",
                   name, c.dir, hint);
    cs_scenario_catalog_destroy(&c);
    return rc;
}
