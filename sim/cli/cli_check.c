/* cli_check.c — `msksim check`: validate a scenario and report every problem.
 *
 * The scenario is loaded exactly as `msksim run` would load it, so a file that passes
 * here is accepted there; nothing is simulated and nothing is written. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scenario.h"
#include "sweep.h"
#include "yamltree.h"

const char cli_check_help[] =
    "usage: msksim check FILE [--set KEY=VALUE]...\n"
    "\n"
    "Read the scenario FILE, apply the --set overrides and check every value against\n"
    "the parameter tables: types, ranges, required keys, which keys each intervention\n"
    "type accepts, and the cuff-pressure safety limits. All problems are reported, one\n"
    "per line as FILE:LINE:COL: error|warning: PATH: message. Nothing is written.\n"
    "\n"
    "A sweep file (one with a top-level `sweep:` key, see docs/sweep-format.md) is checked\n"
    "as `msksim sweep` would: its keys, the base scenario, and every point's scenario;\n"
    "--set then edits the sweep file (e.g. --set design.samples=64).\n"
    "\n"
    "  --set KEY=VALUE  override one value; KEY is a dotted path, numbers index lists:\n"
    "                     --set population.size=500\n"
    "                     --set model.muscle.turnover_rate=0.02\n"
    "                     --set arms.1.interventions.0.cuff_pct_aop=50\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 valid (warnings allowed), 65 invalid scenario, 66 unreadable\n"
    "file, 2 bad usage.\n";

static const char usage_line[] = "usage: msksim check FILE [--set KEY=VALUE]... (msksim check --help)\n";


static void print_summary(const scenario *sc, const diag_list *d)
{
    char horizon[32];
    yamltree_format_real(sc->horizon_weeks, horizon, sizeof horizon);
    printf("%s: ok (%zu arm%s, %lld %s x %lld replicate%s, %s week%s", sc->source_path,
           sc->n_arms, sc->n_arms == 1 ? "" : "s", sc->population.size,
           sc->population.size == 1 ? "person" : "people", sc->replicates,
           sc->replicates == 1 ? "" : "s", horizon, sc->horizon_weeks == 1 ? "" : "s");
    if (d->warnings)
        printf("; %zu warning%s", d->warnings, d->warnings == 1 ? "" : "s");
    printf(")\n");
}

/* A sweep: the file, its base scenario and every point, as `msksim sweep` checks them. */
static int check_sweep(const char *file, const char *const *sets, size_t n_sets)
{
    diag_list d;
    diag_list_init(&d);
    sweep sw;
    const msk_status st = sweep_load(&sw, file, sets, n_sets, 1, &d);
    diag_print(&d, stderr);
    if (st == MSK_OK) {
        printf("%s: ok (sweep %s: %s design, %zu parameter%s, %zu point%s x %lld replicate%s = %zu runs of %s; "
               "%zu outcome%s",
               file, sw.sweep, design_method_name(sw.design.method), sw.n_params, sw.n_params == 1 ? "" : "s",
               sw.n_points, sw.n_points == 1 ? "" : "s", sw.replicates, sw.replicates == 1 ? "" : "s", sw.n_tasks,
               sw.base, sw.n_outcomes, sw.n_outcomes == 1 ? "" : "s");
        if (d.warnings)
            printf("; %zu warning%s", d.warnings, d.warnings == 1 ? "" : "s");
        printf(")\n");
        sweep_fini(&sw);
    } else if (st == MSK_EUSAGE) {
        fputs(usage_line, stderr);
    } else if (st == MSK_EDATA) {
        fprintf(stderr, "%s: %zu error%s\n", file, d.errors, d.errors == 1 ? "" : "s");
    } else if (st != MSK_ENOINPUT) {
        fprintf(stderr, "msksim check: %s\n", msk_status_message(st));
    }
    diag_list_fini(&d);
    return msk_status_exit_code(st);
}

int cli_check(int argc, char **argv)
{
    const char *file = NULL;
    const char **sets = calloc(argc > 0 ? (size_t)argc : 1, sizeof *sets);
    size_t n_sets = 0;
    int rc = -1;
    if (!sets) {
        fputs("msksim check: out of memory\n", stderr);
        return msk_status_exit_code(MSK_ENOMEM);
    }
    for (int i = 1; i < argc && rc < 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(cli_check_help, stdout);
            rc = 0;
        } else if (strcmp(a, "--set") == 0) {
            if (i + 1 >= argc)
                rc = cli_usage_error("check", usage_line, "%s needs an argument KEY=VALUE", a);
            else
                sets[n_sets++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0) {
            sets[n_sets++] = a + 6;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_usage_error("check", usage_line, "unknown option '%s'", a);
        } else if (file) {
            rc = cli_usage_error("check", usage_line, "only one FILE may be checked at a time (also given: '%s')", a);
        } else {
            file = a;
        }
    }
    if (rc < 0 && !file)
        rc = cli_usage_error("check", usage_line, "%s", "missing FILE");
    if (rc >= 0) {
        free(sets);
        return rc;
    }

    if (sweep_file_detect(file) == 1) {
        rc = check_sweep(file, sets, n_sets);
        free(sets);
        return rc;
    }

    diag_list d;
    diag_list_init(&d);
    scenario sc;
    const msk_status st = scenario_load(&sc, file, sets, n_sets, &d);
    diag_print(&d, stderr);
    if (st == MSK_OK) {
        print_summary(&sc, &d);
        scenario_fini(&sc);
    } else if (st == MSK_EUSAGE) {
        fputs(usage_line, stderr);
    } else if (st == MSK_EDATA) {
        fprintf(stderr, "%s: %zu error%s\n", file, d.errors, d.errors == 1 ? "" : "s");
    } else if (st != MSK_ENOINPUT) {
        fprintf(stderr, "msksim check: %s\n", msk_status_message(st));
    }
    diag_list_fini(&d);
    free(sets);
    return msk_status_exit_code(st);
}
