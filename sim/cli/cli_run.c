/* cli_run.c — `msksim run`: load, simulate, write the result file, print the table. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include "cli.h"
#include "cli_resources.h"
#include "engine.h"
#include "mpi_env.h"
#include "outpath.h"
#ifdef MSK_HAVE_MPI
#include "mpi_engine.h"
#endif
#include "drawplan.h"
#include "results.h"
#include "scenario.h"
#include "signals.h"
#include "sweeprun.h"

const char cli_run_help[] =
    "Usage: msksim run FILE [-o OUT.h5] [--threads N] [--set KEY=VALUE]... [--draws N [--shard I/M]]\n"
    "                       [--max-memory SIZE] [--quiet]\n"
    "Simulate the scenario in FILE and write an HDF5 (netCDF-4) result file.\n"
    "\n"
    "  -o, --output OUT.h5   result file (default: output/<scenario name>.h5); written to a\n"
    "                        temporary file and renamed only when complete\n"
    "  -t, --threads N       OpenMP threads (default: OMP_NUM_THREADS, else all cores);\n"
    "                        results are bit-identical for any N\n"
    "  -s, --set KEY=VALUE   override a scenario key or model parameter by dotted path,\n"
    "                        e.g. --set population.size=5000 --set model.muscle.turnover_rate=0.02\n"
    "  -d, --draws N         also run the population under N parameter sets drawn from\n"
    "                        the calibration's distribution (the scenario key draws:),\n"
    "                        with the same seed; /draws then holds every outcome's 95%\n"
    "                        uncertainty interval across the draws and the table shows\n"
    "                        it. The draws are journaled in OUT.h5.journal: an interrupted\n"
    "                        run resumes where it stopped; under mpirun the ranks share them\n"
    "      --shard I/M       job arrays: run only the draws t with t % M == I into\n"
    "                        OUT.h5.journal.shard-I-of-M; the same command without --shard\n"
    "                        then writes the result (running what is missing)\n"
    "  -m, --max-memory SIZE the memory the run may use, e.g. 400M or 16G (binary units);\n"
    "                        default: the machine's memory, its cgroup limit (Slurm) or\n"
    "                        ulimit -v, whichever is smallest. A run whose estimate\n"
    "                        (msksim check shows it) exceeds it is refused before it starts\n"
    "  -q, --quiet           do not print the summary table\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success, 2 bad usage, 65 invalid scenario, 66 unreadable scenario,\n"
    "71 out of memory (also: the estimate exceeds the memory budget), 74 cannot write the\n"
    "result (also: it would not fit the disk or ulimit -f), 75 interrupted (nothing written).\n";

static const char run_usage_line[] =
    "Usage: msksim run FILE [-o OUT.h5] [--threads N] [--set KEY=VALUE]... [--draws N]\n"
    "Try 'msksim help run'.\n";

/* output/<scenario name>.h5 in buf, creating output/ when missing: the default
 * location is made on demand, while an explicit -o never creates directories (a typo
 * there should fail, not scatter files). NULL, with a message, when it cannot be. */
static const char *default_output(const scenario *sc, char *buf, size_t size)
{
    if (mkdir("output", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "msksim run: cannot create directory 'output': %s\n", strerror(errno));
        return NULL;
    }
    snprintf(buf, size, "output/%s.h5", sc->name);
    return buf;
}

/* Simulate sc: the whole population, or under mpirun this rank's blocks, gathered on
 * rank 0. *have_result says whether *res holds something to free. */
static msk_status simulate(const scenario *sc, int threads, uint64_t log_limit, const mpi_env *e,
                           engine_result *res, int *have_result, diag_list *diags)
{
    /* Rank 0 gathers every rank's log: its own share keeps to 1/size of the budget
     * (at least one entry: 0 would mean no limit). */
    uint64_t share = log_limit ? (log_limit / (uint64_t)e->size > 0 ? log_limit / (uint64_t)e->size : 1) : 0;
    engine_options eo = {threads, msk_signals_stop_flag(), 0, SIZE_MAX, e->size > 1, 0, e->rank == 0 ? share : 0};
#ifdef MSK_HAVE_MPI
    if (e->size > 1)
        mpi_engine_range(e, engine_block_count(sc), &eo.block_begin, &eo.block_end);
#endif
    msk_status st = engine_run_blocks(sc, &eo, res, diags);
    *have_result = st == MSK_OK;
#ifdef MSK_HAVE_MPI
    if (e->size > 1)
        st = mpi_engine_gather(e, res, st);
#endif
    return st;
}

/* The closing line on stderr, after the table on stdout. */
static void report_written(const scenario *sc, const engine_result *res, const char *output, int threads,
                           const mpi_env *e)
{
    fflush(stdout); /* the table before the closing line on stderr, also in a pipe */
    double py = 0;
    for (size_t a = 0; a < sc->n_arms; a++) {
        results_arm_summary s;
        results_arm(res, a, &s);
        py += s.person_years;
    }
    fprintf(stderr, "msksim: wrote %s (%.0f person-years in %.2f s with %d thread%s", output, py,
            res->seconds, threads, threads == 1 ? "" : "s");
    if (e->size > 1)
        fprintf(stderr, " x %d ranks", e->size);
    fputs(")\n", stderr);
}

/* What the command line asked for. */
typedef struct {
    const char *file, *output;
    const char **sets;
    size_t n_sets;
    int threads, quiet;
    uint64_t max_memory;
    size_t shard_index, shard_count;
    int argc;
    char **argv;
} run_args;

/* Check the output and the resources before any work; on every rank the same status.
 * *log_limit is rank 0's event-log budget. */
static msk_status preflight(const scenario *sc, const run_args *ra, const char *output, const mpi_env *e,
                            uint64_t *log_limit, diag_list *diags)
{
    /* Refuse a hopeless output, or a run that cannot fit, before the work (outpath.h,
     * cli_resources.h); rank 0 writes and gathers, so its estimate is the one. */
    msk_status st = MSK_OK;
    *log_limit = 0;
    if (e->rank == 0 && (st = outpath_check(output, diags)) == MSK_OK)
        st = cli_resources(sc, ra->threads, output, ra->max_memory, NULL, log_limit, diags);
    return (msk_status)mpi_env_bcast(e, (int)st);
}

/* Simulate, and on rank 0 write the result file and report it. Returns the exit status. */
static int simulate_and_write(const scenario *sc, const run_args *ra, const char *output, const mpi_env *e)
{
    diag_list diags;
    diag_list_init(&diags);
    uint64_t log_limit;
    msk_status st = preflight(sc, ra, output, e, &log_limit, &diags);
    if (st != MSK_OK) {
        int code = e->rank == 0 ? cli_fail("run", NULL, st, NULL, &diags) : msk_status_exit_code(st);
        diag_list_fini(&diags);
        return code;
    }
    engine_result res;
    int have_result;
    st = simulate(sc, ra->threads, log_limit, e, &res, &have_result, &diags);
    int code = 0;
    if (e->rank != 0) { /* rank 0 reports and writes */
        diag_print(&diags, stderr);
        code = msk_status_exit_code(st);
    } else if ((st = msk_signals_status(st)) == MSK_OK) {
        char *cmd = cli_command_line(ra->argc, ra->argv);
        st = results_write(&res, output, cmd ? cmd : "msksim run", &diags);
        free(cmd);
    }
    if (e->rank == 0 && st != MSK_OK) {
        code = cli_fail("run", NULL, st, NULL, &diags);
    } else if (e->rank == 0) {
        diag_print(&diags, stderr);
        if (!ra->quiet)
            results_print_table(&res, stdout);
        report_written(sc, &res, output, ra->threads, e);
    }
    diag_list_fini(&diags);
    if (have_result)
        engine_result_fini(&res);
    return code;
}

/* ---- Runs with parameter draws ---------------------------------------------------- */

/* What the sweep runner hands back when every draw is done (sweeprun.h). */
typedef struct {
    const engine_result *central;
    draws_data *draws;
    const run_args *ra;
    const mpi_env *e;
} draws_ctx;

/* Every draw is done: the result file (the central run at the root, the draws in
 * /draws), then the table. */
static msk_status write_with_draws(const sweep *sw, const double *task_values, const char *out,
                                   const char *command_line, int quiet, void *ctx)
{
    const draws_ctx *x = ctx;
    const scenario *sc = x->central->plan.sc;
    draws_data *dd = x->draws;
    memcpy(dd->value, task_values, sw->n_tasks * sw->n_outcomes * sizeof *dd->value);
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = results_write_with(x->central, out, command_line, draws_write, dd, &diags);
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    if (st == MSK_OK) {
        if (!quiet)
            draws_print_table(dd, x->central, stdout);
        report_written(sc, x->central, out, x->ra->threads, x->e);
        fprintf(stderr, "msksim: %zu parameter draws from %s\n", dd->n_draws, dd->source);
    }
    return st;
}

/* The central run (the scenario's own parameters, the root of the file), then the
 * draws through the sweep runner: journaled, resumable, over ranks or shards. */
static int simulate_draws(const scenario *sc, const run_args *ra, const char *output, const mpi_env *e)
{
    diag_list diags;
    diag_list_init(&diags);
    sweep sw;
    draws_data dd;
    memset(&sw, 0, sizeof sw);
    memset(&dd, 0, sizeof dd);
    uint64_t log_limit;
    msk_status st = preflight(sc, ra, output, e, &log_limit, &diags);
    if (st == MSK_OK)
        st = drawplan_build(&sw, &dd, sc, ra->sets, ra->n_sets, &diags);
    engine_result res;
    int have_result = 0;
    if (st == MSK_OK)
        st = msk_signals_status(simulate(sc, ra->threads, log_limit, e, &res, &have_result, &diags));
    int code;
    if (st != MSK_OK) {
        code = e->rank == 0 ? cli_fail("run", NULL, st, NULL, &diags) : msk_status_exit_code(st);
    } else {
        if (e->rank == 0)
            diag_print(&diags, stderr);
        draws_ctx x = {&res, &dd, ra, e};
        char *cmd = cli_command_line(ra->argc, ra->argv);
        sweeprun_options opt = {.sweep_path = ra->file, .out_path = output, .command_line = cmd ? cmd : "msksim run",
                                .threads = ra->threads, .shard_index = ra->shard_index,
                                .shard_count = ra->shard_count, .quiet = ra->quiet,
                                .stop = msk_signals_stop_flag(), .drain = msk_signals_drain_flag(),
                                .prepared = &sw, .label = "msksim run", .result_ctx = &x,
                                .write_result = write_with_draws};
        code = sweeprun(&opt, e);
        free(cmd);
    }
    if (have_result)
        engine_result_fini(&res);
    sweep_fini(&sw);
    draws_data_fini(&dd);
    diag_list_fini(&diags);
    return code;
}

static int parse_args(int argc, char **argv, run_args *ra)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"set", required_argument, NULL, 's'},    {"quiet", no_argument, NULL, 'q'},
        {"max-memory", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
        {"draws", required_argument, NULL, 'd'},  {"shard", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:t:s:m:d:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            ra->output = optarg;
            break;
        case 't':
            if (cli_parse_threads(optarg, &ra->threads) != 0)
                return cli_usage_error("run", run_usage_line, "--threads needs a whole number from 1 to 4096, not '%s'", optarg);
            break;
        case 's':
            ra->sets[ra->n_sets++] = optarg;
            break;
        case 'd': { /* the scenario key, so that check, provenance and journal agree */
            char *end;
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || n < 0 || n > 100000)
                return cli_usage_error("run", run_usage_line, "--draws needs a whole number from 0 to 100000, not '%s'", optarg);
            static char set[32];
            snprintf(set, sizeof set, "draws=%ld", n);
            ra->sets[ra->n_sets++] = set;
            break;
        }
        case 'S':
            if (!cli_parse_shard(optarg, &ra->shard_index, &ra->shard_count))
                return cli_usage_error("run", run_usage_line,
                                       "--shard needs I/M with 0 <= I < M <= 1000000 (e.g. 3/16, from $SLURM_ARRAY_TASK_ID), not '%s'",
                                       optarg);
            break;
        case 'q':
            ra->quiet = 1;
            break;
        case 'm':
            if (cli_parse_memory(optarg, &ra->max_memory) != 0)
                return cli_usage_error("run", run_usage_line,
                                       "--max-memory needs a size of at least 1M such as 400M or 16G, not '%s'", optarg);
            break;
        case 'h':
            fputs(cli_run_help, stdout);
            return 0;
        default:
            return cli_usage_error("run", run_usage_line, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("run", run_usage_line, "%s", optind >= argc ? "missing scenario FILE" : "more than one FILE given");
    int rc;
    if ((rc = cli_check_output_name("run", run_usage_line, "-o", ra->output)) >= 0 ||
        (rc = cli_check_threads("run", run_usage_line, ra->threads)) >= 0)
        return rc;
    ra->file = argv[optind];
    return -1;
}

/* Under mpirun every rank runs this; the population is split into block ranges and
 * only rank 0 writes (see mpi_engine.h); draws are farmed out like sweep points. */
static int run(int argc, char **argv, const mpi_env *e)
{
    run_args ra = {.threads = omp_get_max_threads(), .argc = argc, .argv = argv};
    ra.sets = calloc((size_t)argc, sizeof *ra.sets);
    if (!ra.sets)
        return 71;
    int rc = parse_args(argc, argv, &ra);
    if (rc < 0 && ra.shard_count && e->size > 1)
        rc = cli_usage_error("run", run_usage_line,
                             "--shard is for job arrays of serial runs; under mpirun the ranks share the work already");
    if (rc >= 0) {
        free(ra.sets);
        return rc;
    }
    scenario sc;
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = scenario_load(&sc, ra.file, ra.sets, ra.n_sets, &diags);
    if (e->rank == 0)
        diag_print(&diags, stderr);
    diag_list_fini(&diags);
    if (st != MSK_OK) {
        free(ra.sets);
        return e->rank == 0 ? cli_fail("run", ra.file, st, NULL, NULL) : msk_status_exit_code(st);
    }
    if (ra.shard_count && sc.draws == 0)
        rc = cli_usage_error("run", run_usage_line, "--shard splits the parameter draws of a run: give --draws N");
    char default_path[PATH_MAX];
    const char *output = ra.output;
    if (rc < 0 && !output && !(output = default_output(&sc, default_path, sizeof default_path)))
        rc = msk_status_exit_code(MSK_EIO);
    if (rc < 0)
        rc = sc.draws > 0 ? simulate_draws(&sc, &ra, output, e) : simulate_and_write(&sc, &ra, output, e);
    scenario_fini(&sc);
    free(ra.sets);
    return rc;
}

int cli_run(int argc, char **argv)
{
    mpi_env e;
    msk_status st = mpi_env_init(&e, &argc, &argv);
    if (st != MSK_OK)
        return msk_status_exit_code(st);
    int code = run(argc, argv, &e);
    code = mpi_env_bcast(&e, code); /* every rank exits as rank 0 does */
    mpi_env_finalize(&e);
    return code;
}
