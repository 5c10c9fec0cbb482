/*
 * schema_doc.c: writes the documentation of the results file from the schema table
 * (results_schema.h): docs/hdf5-schema.json, its copy in the Python package, and the dataset
 * table of docs/hdf5-schema.md (between the GENERATED markers).
 *
 *   cablesim-schema-doc --json                 the JSON schema on stdout
 *   cablesim-schema-doc --markdown             the markdown table on stdout
 *   cablesim-schema-doc --update SOURCE_DIR    rewrites the three files
 *   cablesim-schema-doc --check SOURCE_DIR     exit 1 naming each file that is out of date
 *
 * The build target `schema-docs` runs --update; the ctest test `schema_docs` runs --check.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cablesim/results.h"
#include "cablesim/results_schema.h"

#define BEGIN_MARK "<!-- BEGIN GENERATED: dataset table (make schema-docs; do not edit) -->\n"
#define END_MARK   "<!-- END GENERATED: dataset table -->\n"

static const char *const json_paths[] = {"docs/hdf5-schema.json",
                                         "analysis/python/cablesim_analysis/hdf5-schema.json"};
static const char md_path[] = "docs/hdf5-schema.md";

/* A growing string. */
typedef struct {
    char *s;
    size_t n, cap;
} buf;

static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) abort();
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = 2 * (b->n + (size_t)k + 1);
        b->s = realloc(b->s, b->cap);
        if (b->s == NULL) abort();
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

static char *make_json(void)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("cablesim-results"));
    json_object_set_new(root, "format_version", json_integer(CS_RESULTS_FORMAT_VERSION));
    json_object_set_new(root, "generated_by",
                        json_string("cablesim-schema-doc from sim/src/results/schema.c"));
    json_t *groups = json_array();
    size_t ng = 0;
    const cs_group_schema *g = cs_results_groups(&ng);
    for (size_t i = 0; i < ng; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "path", json_string(g[i].path));
        json_object_set_new(o, "description", json_string(g[i].description));
        json_object_set_new(o, "written", json_string(cs_feature_name(g[i].feature)));
        json_array_append_new(groups, o);
    }
    json_object_set_new(root, "groups", groups);
    json_t *ds = json_array();
    const cs_dataset_schema *t = cs_results_schema();
    char shape[64];
    for (int d = 0; d < CS_DS_COUNT; d++) {
        json_t *o = json_object();
        json_object_set_new(o, "path", json_string(t[d].path));
        json_object_set_new(o, "type", json_string(cs_dtype_name(t[d].type)));
        json_object_set_new(o, "rows", json_string(cs_rows_name(t[d].rows)));
        json_object_set_new(o, "shape",
                            json_string(cs_dataset_shape_text(&t[d], shape, sizeof shape)));
        json_object_set_new(
            o, "dim", t[d].dim == CS_DIM_NONE ? json_null() : json_string(cs_dim_name(t[d].dim)));
        if (t[d].rows == CS_ROWS_OFFSETS)
            json_object_set_new(o, "values", json_string(cs_results_dataset(t[d].values)->path));
        if (t[d].v1_path != NULL) json_object_set_new(o, "v1_path", json_string(t[d].v1_path));
        if (t[d].v1_optional) json_object_set_new(o, "v1_optional", json_true());
        json_object_set_new(o, "written", json_string(cs_feature_name(t[d].feature)));
        json_object_set_new(o, "units", json_string(t[d].units));
        json_object_set_new(o, "description", json_string(t[d].description));
        json_object_set_new(o, "doc", json_string(t[d].doc != NULL ? t[d].doc : t[d].description));
        if (t[d].type == CS_DT_RECORD) {
            json_t *m = json_array();
            for (size_t k = 0; k < t[d].n_members; k++) {
                json_t *x = json_object();
                json_object_set_new(x, "name", json_string(t[d].members[k].name));
                json_object_set_new(x, "offset", json_integer((json_int_t)t[d].members[k].offset));
                json_object_set_new(x, "type", json_string(cs_dtype_name(t[d].members[k].type)));
                size_t off3;
                cs_dtype type3;
                cs_schema_member_layout(&t[d], k, CS_FORMAT_V3, &off3, &type3);
                json_object_set_new(x, "offset_v3", json_integer((json_int_t)off3));
                json_object_set_new(x, "type_v3", json_string(cs_dtype_name(type3)));
                json_array_append_new(m, x);
            }
            json_object_set_new(o, "members", m);
            json_object_set_new(o, "record_bytes", json_integer((json_int_t)t[d].record_bytes));
            json_object_set_new(
                o, "record_bytes_v3",
                json_integer((json_int_t)cs_schema_record_bytes(&t[d], CS_FORMAT_V3)));
        }
        json_array_append_new(ds, o);
    }
    json_object_set_new(root, "datasets", ds);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (s == NULL) abort();
    buf b = {0};
    put(&b, "%s\n", s);
    free(s);
    return b.s;
}

/* The markdown table: one row per dataset, in the order of the schema. */
static char *make_markdown(void)
{
    buf b = {0};
    put(&b, "| Dataset | Type | Shape | Units | Written | Meaning |\n");
    put(&b, "|---|---|---|---|---|---|\n");
    const cs_dataset_schema *t = cs_results_schema();
    char shape[64];
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const char *type =
            t[d].type == CS_DT_RECORD ? "compound (packed)" : cs_dtype_name(t[d].type);
        const char *units = t[d].type == CS_DT_TABLE ? "per column" : t[d].units;
        const char *written = t[d].feature == CS_FEAT_ALWAYS ? "always" : NULL;
        put(&b, "| `%s` | %s | %s | %s | ", t[d].path, type,
            cs_dataset_shape_text(&t[d], shape, sizeof shape), units);
        if (written != NULL)
            put(&b, "%s", written);
        else
            put(&b, "`%s`", cs_feature_name(t[d].feature));
        put(&b, " | %s |\n", t[d].doc != NULL ? t[d].doc : t[d].description);
    }
    return b.s;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    buf b = {0};
    char chunk[4096];
    size_t k;
    put(&b, "%s", "");
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(&b, "%.*s", (int)k, chunk);
    fclose(f);
    return b.s;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "cablesim-schema-doc: %s: cannot write\n", path);
        return 1;
    }
    return 0;
}

/* The markdown file with the generated table put between its markers; NULL without markers. */
static char *with_table(const char *md, const char *table)
{
    const char *a = strstr(md, BEGIN_MARK), *z = a != NULL ? strstr(a, END_MARK) : NULL;
    if (z == NULL) return NULL;
    buf b = {0};
    put(&b, "%.*s%s%s%s", (int)(a - md + strlen(BEGIN_MARK)), md, table, END_MARK,
        z + strlen(END_MARK));
    return b.s;
}

static int run(const char *dir, bool update)
{
    char path[4096];
    int bad = 0;
    char *json = make_json(), *table = make_markdown();
    for (size_t i = 0; i < sizeof json_paths / sizeof *json_paths; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, json_paths[i]);
        char *cur = read_text(path);
        if (cur == NULL || strcmp(cur, json) != 0) {
            if (update) {
                bad |= write_text(path, json);
            } else {
                fprintf(stderr,
                        "cablesim-schema-doc: %s: out of date (run: cmake --build BUILD "
                        "--target schema-docs)\n",
                        path);
                bad = 1;
            }
        }
        free(cur);
    }
    snprintf(path, sizeof path, "%s/%s", dir, md_path);
    char *md = read_text(path), *next = md != NULL ? with_table(md, table) : NULL;
    if (next == NULL) {
        fprintf(stderr, "cablesim-schema-doc: %s: expected the markers %.*s and %.*s\n", path,
                (int)strlen(BEGIN_MARK) - 1, BEGIN_MARK, (int)strlen(END_MARK) - 1, END_MARK);
        bad = 1;
    } else if (strcmp(md, next) != 0) {
        if (update) {
            bad |= write_text(path, next);
        } else {
            fprintf(stderr,
                    "cablesim-schema-doc: %s: dataset table out of date (run: cmake "
                    "--build BUILD --target schema-docs)\n",
                    path);
            bad = 1;
        }
    }
    free(md);
    free(next);
    free(json);
    free(table);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--json") == 0) {
        char *s = make_json();
        fputs(s, stdout);
        free(s);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
        char *s = make_markdown();
        fputs(s, stdout);
        free(s);
        return 0;
    }
    if (argc == 3 && (strcmp(argv[1], "--update") == 0 || strcmp(argv[1], "--check") == 0))
        return run(argv[2], strcmp(argv[1], "--update") == 0);
    fprintf(stderr,
            "usage: cablesim-schema-doc --json | --markdown | --update DIR | --check DIR\n");
    return 2;
}
