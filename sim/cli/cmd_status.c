/*
 * cmd_status.c: `cablesim status FILE`: whether a results file is complete, resumable, or
 * neither, for batch scripts (exit status) and people (one line, or JSON).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cablesim/engine.h"
#include "cablesim/inspect.h"
#include "cablesim/outfile.h"
#include "cablesim/results.h"
#include "cablesim/scenario.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim status RESULTS.h5 [--format text|json]\n"
    "\n"
    "Tells whether a results file is complete, or incomplete and resumable, and why not. A run\n"
    "killed while writing RESULTS.h5 left RESULTS.h5.tmp, which is looked at first (as\n"
    "cablesim run --resume does); HDF5's open-for-writing flag a killed run left is cleared\n"
    "first, when no process holds the file, as --resume does. A resumable file's inputs\n"
    "(topology, demand, fleets, from the current directory as with --resume) are loaded and must\n"
    "be unchanged.\n"
    "\n"
    "  --format text|json  one line (default), or a JSON object: file, state (complete,\n"
    "                      resumable, not_resumable, not_results), trials_done, trials, seed,\n"
    "                      part_first_trial, part_trials, why\n"
    "\n"
    "Exit status: 0 complete; 3 incomplete and resumable (cablesim run --resume FILE goes on);\n"
    "4 incomplete and not resumable (the line says why); 2 not a cablesim results file, or\n"
    "usage.\n";

enum { STATUS_RESUMABLE = 3, STATUS_STUCK = 4 };

int cli_status_check_inputs(const char *path, cs_file_checked *seen, cs_file_info *info)
{
    if (info->state != CS_FILE_RESUMABLE) return CLI_OK;
    cs_error err = CS_ERROR_INIT;
    cs_scenario *sc = NULL;
    cs_engine_t *e = NULL;
    cs_status rc = cs_results_load_scenario(&sc, path, seen, &err);
    if (rc == CS_OK) rc = cs_engine_alloc(&e, sc, &err);
    if (rc == CS_ENOMEM) {
        cs_engine_free(e);
        cs_scenario_free(sc);
        return cli_report(&err);
    }
    if (rc != CS_OK) {
        info->state = CS_FILE_NOT_RESUMABLE;
        cs_escape_line(info->why, sizeof info->why, err.msg);
    } else if (strcmp(cs_topology_sha256(cs_engine_topology(e)), info->topology_sha256) != 0 ||
               strcmp(cs_demand_sha256(cs_engine_demand(e)), info->demand_sha256) != 0) {
        info->state = CS_FILE_NOT_RESUMABLE;
        snprintf(info->why, sizeof info->why,
                 "the topology or demand file changed since the run (sha256 differs): %s, %s",
                 sc->topology_path, sc->demand_path);
    }
    cs_engine_free(e);
    cs_scenario_free(sc);
    return CLI_OK;
}

static const char *state_name(cs_file_state s)
{
    switch (s) {
    case CS_FILE_COMPLETE:
        return "complete";
    case CS_FILE_RESUMABLE:
        return "resumable";
    case CS_FILE_NOT_RESUMABLE:
        return "not_resumable";
    default:
        return "not_results";
    }
}

static int print_json(const char *file, const cs_file_info *i)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    ok = ok && json_object_set_new(o, "file", json_string(file)) == 0;
    ok = ok && json_object_set_new(o, "state", json_string(state_name(i->state))) == 0;
    if (i->state != CS_FILE_NOT_RESULTS) {
        ok = ok && json_object_set_new(o, "trials_done", json_integer((json_int_t)i->done)) == 0;
        ok = ok && json_object_set_new(o, "trials", json_integer((json_int_t)i->trials)) == 0;
        ok = ok && json_object_set_new(o, "seed", json_integer((json_int_t)i->seed)) == 0;
        ok = ok && json_object_set_new(o, "part_first_trial",
                                       json_integer((json_int_t)i->part_first)) == 0;
        ok = ok &&
             json_object_set_new(o, "part_trials", json_integer((json_int_t)i->part_trials)) == 0;
    }
    ok = ok && json_object_set_new(o, "why", i->why[0] ? json_string(i->why) : json_null()) == 0;
    char *text = ok ? json_dumps(o, JSON_INDENT(2)) : NULL;
    json_decref(o);
    if (text == NULL) {
        cli_message("status: cannot build the JSON output");
        return CLI_FAIL;
    }
    puts(text);
    free(text);
    return CLI_OK;
}

static void print_text(const char *file, const char *final, const cs_file_info *i)
{
    const uint64_t total = i->part_trials > 0 ? i->part_trials : i->trials;
    switch (i->state) {
    case CS_FILE_COMPLETE:
        printf("%s: complete: %llu of %llu trials (seed %llu)\n", file, (unsigned long long)i->done,
               (unsigned long long)total, (unsigned long long)i->seed);
        break;
    case CS_FILE_RESUMABLE:
        printf("%s: incomplete: %llu of %llu trials done (seed %llu); resumable: cablesim run "
               "--resume %s\n",
               file, (unsigned long long)i->done, (unsigned long long)total,
               (unsigned long long)i->seed, final);
        break;
    case CS_FILE_NOT_RESUMABLE:
        printf("%s: incomplete and not resumable: %s\n", file, i->why);
        break;
    default:
        printf("%s: not a cablesim results file: %s\n", file, i->why);
        break;
    }
}

int cmd_status(int argc, char **argv)
{
    const char *file = NULL, *format = "text";
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "status", opts, "", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1) {
        format = g.arg;
        if (c != 'f')
            st = CLI_USAGE;
        else if (format == NULL || (strcmp(format, "text") != 0 && strcmp(format, "json") != 0))
            st = cli_usage_error("status: --format: expected text or json, found \"%s\"",
                                 format ? format : "");
    }
    if (st == CLI_OK && g.npos > 1)
        st = cli_usage_error("status: expected one results file, found \"%s\" too", g.pos[1]);
    file = g.npos > 0 ? g.pos[0] : NULL;
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    if (file == NULL) return cli_usage_error("status: expected a results file (RESULTS.h5)");
    char work[4096], final[4096];
    bool renamed = false;
    cs_error err = CS_ERROR_INIT;
    if (cs_outfile_resume_name(file, work, sizeof work, final, sizeof final, &renamed, &err) !=
        CS_OK)
        return cli_report(&err);
    /* A killed run's open-for-writing flag, as --resume clears it (only when no one holds it). */
    cs_file_info info;
    cs_file_checked seen = CS_FILE_CHECKED_INIT; /* the file is read whole once */
    if (cs_file_inspect_recovering(work, &seen, &info, &err) != CS_OK) return cli_report(&err);
    int status = cli_status_check_inputs(work, &seen, &info);
    if (status == CLI_OK)
        status = strcmp(format, "json") == 0 ? print_json(work, &info)
                                             : (print_text(work, final, &info), CLI_OK);
    if (status == CLI_OK)
        status = info.state == CS_FILE_COMPLETE        ? CLI_OK
                 : info.state == CS_FILE_RESUMABLE     ? STATUS_RESUMABLE
                 : info.state == CS_FILE_NOT_RESUMABLE ? STATUS_STUCK
                                                       : CLI_USAGE;
    cs_file_info_destroy(&info);
    return status;
}
