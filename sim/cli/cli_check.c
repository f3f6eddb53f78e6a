/* cli_check.c — `msksim check`: validate a scenario and report every problem.
 *
 * The scenario is loaded exactly as `msksim run` would load it, so a file that passes
 * here is accepted there. Then the resources it needs are estimated as `run` does
 * (cli_resources.h: a pilot of a few hundred people) and refused the same way. Nothing
 * is written. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "cli.h"
#include "cli_resources.h"
#include "scenario.h"
#include "sweep.h"
#include "yamltree.h"

const char cli_check_help[] =
    "usage: msksim check FILE [--set KEY=VALUE]... [--threads N] [--max-memory SIZE]\n"
    "\n"
    "Read the scenario FILE, apply the --set overrides and check every value against\n"
    "the parameter tables: types, ranges, required keys, which keys each intervention\n"
    "type accepts, and the cuff-pressure safety limits. All problems are reported, one\n"
    "per line as FILE:LINE:COL: error|warning: PATH: message. Nothing is written.\n"
    "\n"
    "A valid scenario's needs are then estimated, as `msksim run` estimates them before it\n"
    "starts: memory (accumulators, the threads' working copies, event log, sampled\n"
    "trajectories), the result file's size and the simulation time, from a pilot of the\n"
    "first 256 people. One line says them; a scenario that needs more memory than the\n"
    "budget is refused (exit 71) with the part that takes most and the setting to change.\n"
    "\n"
    "A sweep file (one with a top-level `sweep:` key, see docs/sweep-format.md) is checked\n"
    "as `msksim sweep` would: its keys, the base scenario, and every point's scenario;\n"
    "--set then edits the sweep file (e.g. --set design.samples=64).\n"
    "\n"
    "  --set KEY=VALUE  override one value; KEY is a dotted path, numbers index lists:\n"
    "                     --set population.size=500\n"
    "                     --set model.muscle.turnover_rate=0.02\n"
    "                     --set arms.1.interventions.0.cuff_pct_aop=50\n"
    "                     --set arms.bfr-walking.interventions.0.cuff_pct_aop=50 (by name)\n"
    "  -t, --threads N  threads the run would use (default: OMP_NUM_THREADS, else all cores)\n"
    "  --max-memory SIZE  the memory budget, e.g. 400M or 16G (binary units); default: the\n"
    "                   machine's memory, its cgroup limit (Slurm) or ulimit -v, whichever\n"
    "                   is smallest\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 valid (warnings allowed), 65 invalid scenario, 66 unreadable\n"
    "file, 71 needs more memory than the budget, 2 bad usage.\n";

static const char usage_line[] =
    "usage: msksim check FILE [--set KEY=VALUE]... [--threads N] [--max-memory SIZE] (msksim check --help)\n";


/* "  strata: sex x age (70-80, 80-85): 4 subgroups", when the scenario asks for them. */
static void print_strata(const strata_spec *st)
{
    if (st->count <= 1)
        return;
    printf("  strata:");
    const char *sep = " ";
    for (int f = 0; f < STRATUM_FACTOR_COUNT; f++) {
        if (!st->by[f])
            continue;
        printf("%s%s", sep, strata_factor_names[f]);
        sep = " x ";
        if (f != STRATUM_AGE)
            continue;
        for (size_t b = 0; b < strata_levels(st, STRATUM_AGE); b++) {
            double lo, hi;
            strata_age_band(st, b, &lo, &hi);
            printf("%s%g-%g", b ? ", " : " (", lo, hi);
        }
        printf(")");
    }
    printf(": %zu subgroups\n", st->count);
}

/* What the scenario was understood to say, so that a default taken silently shows. */
static void print_understood(const scenario *sc)
{
    char a[32], b[32], c[32];
    const population_spec *p = &sc->population;
    yamltree_format_real(p->age_min, a, sizeof a);
    yamltree_format_real(p->age_max, b, sizeof b);
    printf("  population: %lld people aged %s to %s at entry (%s), %.0f%% women\n", p->size, a, b,
           p->age_distribution == AGE_NORMAL ? "truncated normal" : "uniform", 100.0 * p->female_fraction);
    printf("  arms:");
    for (size_t i = 0; i < sc->n_arms; i++)
        printf("%s %s (%zu intervention%s)%s", i ? "," : "", sc->arms[i].name, sc->arms[i].n_interventions,
               sc->arms[i].n_interventions == 1 ? "" : "s", i == sc->reference ? " [reference]" : "");
    printf("\n  exposures:");
    if (sc->n_exposures == 0)
        printf(" none");
    for (size_t i = 0; i < sc->n_exposures; i++) {
        const exposure_spec *e = &sc->exposures[i];
        const char *kind = scenario_choice_name("exposure", "kind", (int)e->kind);
        yamltree_format_real(e->start_week, a, sizeof a);
        yamltree_format_real(e->start_week + e->duration_weeks, b, sizeof b);
        printf("%s %s from week %s to %s", i ? "," : "", kind ? kind : "?", a, b);
    }
    yamltree_format_real(sc->horizon_weeks, a, sizeof a);
    yamltree_format_real(sc->observe_every_weeks, c, sizeof c);
    printf("\n  follow-up: %s week%s, observed every %s week%s\n", a, sc->horizon_weeks == 1 ? "" : "s", c,
           sc->observe_every_weeks == 1 ? "" : "s");
    print_strata(&sc->strata);
    if (sc->draws) {
        char *from = scenario_draws_file(sc);
        printf("  draws: %lld parameter draws from the calibration in %s%s: %lld runs of the population\n",
               sc->draws, from ? from : "?",
               sc->draws_sources ? " and from the published ranges of models/params_dist.def" : "", sc->draws + 1);
        free(from);
    }
}

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

typedef struct {
    const char *file;
    const char **sets;
    size_t n_sets;
    int threads;
    uint64_t max_memory; /* 0: the machine's budget */
} check_args;

/* An option that takes a value, as "--name VALUE" or "--name=VALUE": the value, or
 * NULL when a is not that option; *i moves past a separate value. */
static const char *option_value(const char *name, const char *alias, int argc, char **argv, int *i, int *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (strcmp(a, name) != 0 && !(alias && strcmp(a, alias) == 0))
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

/* One argument at i (moving i past a value). -1 to go on, else the exit status. */
static int parse_arg(check_args *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v;
    int missing = 0;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        fputs(cli_check_help, stdout);
        return 0;
    }
    if ((v = option_value("--set", NULL, argc, argv, i, &missing)))
        c->sets[c->n_sets++] = v;
    else if ((v = option_value("--threads", "-t", argc, argv, i, &missing))) {
        if (cli_parse_threads(v, &c->threads) != 0)
            return cli_usage_error("check", usage_line, "--threads needs a whole number from 1 to 4096, not '%s'", v);
    } else if ((v = option_value("--max-memory", NULL, argc, argv, i, &missing))) {
        if (cli_parse_memory(v, &c->max_memory) != 0)
            return cli_usage_error("check", usage_line,
                                   "--max-memory needs a size of at least 1M such as 400M or 16G, not '%s'", v);
    } else if (missing)
        return cli_usage_error("check", usage_line, "%s needs %s", a,
                               strcmp(a, "--set") == 0 ? "an argument KEY=VALUE" : "a value");
    else if (a[0] == '-' && a[1])
        return cli_usage_error("check", usage_line, "unknown option '%s'", a);
    else if (c->file)
        return cli_usage_error("check", usage_line, "only one FILE may be checked at a time (also given: '%s')", a);
    else
        c->file = a;
    return -1;
}

/* A scenario: load, summarize, estimate its resources. Returns the exit status. */
static int check_scenario(const check_args *c)
{
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    msk_status st = scenario_load(&sc, c->file, c->sets, c->n_sets, &d);
    if (st == MSK_OK) { /* the estimate's line first: "ok" is the verdict on both */
        print_understood(&sc);
        st = cli_resources(&sc, c->threads, NULL, c->max_memory, stdout, NULL, &d);
        fflush(stdout);
        diag_print(&d, stderr);
        if (st == MSK_OK)
            print_summary(&sc, &d);
        scenario_fini(&sc);
    } else {
        diag_print(&d, stderr);
    }
    if (st == MSK_EUSAGE)
        fputs(usage_line, stderr);
    else if (st == MSK_EDATA || (st == MSK_ENOMEM && d.errors))
        fprintf(stderr, "%s: %zu error%s\n", c->file, d.errors, d.errors == 1 ? "" : "s");
    else if (st != MSK_OK && st != MSK_ENOINPUT)
        fprintf(stderr, "msksim check: %s\n", msk_status_message(st));
    diag_list_fini(&d);
    return msk_status_exit_code(st);
}

int cli_check(int argc, char **argv)
{
    check_args c = {NULL, calloc(argc > 0 ? (size_t)argc : 1, sizeof(const char *)), 0, omp_get_max_threads(), 0};
    int rc = -1;
    if (!c.sets) {
        fputs("msksim check: out of memory\n", stderr);
        return msk_status_exit_code(MSK_ENOMEM);
    }
    for (int i = 1; i < argc && rc < 0; i++)
        rc = parse_arg(&c, argc, argv, &i);
    if (rc < 0 && !c.file)
        rc = cli_usage_error("check", usage_line, "%s", "missing FILE");
    if (rc < 0 && sweep_file_detect(c.file) == 1)
        rc = check_sweep(c.file, c.sets, c.n_sets);
    if (rc < 0)
        rc = check_scenario(&c);
    free(c.sets);
    return rc;
}
