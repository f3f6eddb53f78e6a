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
#include "results.h"
#include "scenario.h"
#include "signals.h"

const char cli_run_help[] =
    "Usage: msksim run FILE [-o OUT.h5] [--threads N] [--set KEY=VALUE]... [--max-memory SIZE] [--quiet]\n"
    "Simulate the scenario in FILE and write an HDF5 (netCDF-4) result file.\n"
    "\n"
    "  -o, --output OUT.h5   result file (default: output/<scenario name>.h5); written to a\n"
    "                        temporary file and renamed only when complete\n"
    "  -t, --threads N       OpenMP threads (default: OMP_NUM_THREADS, else all cores);\n"
    "                        results are bit-identical for any N\n"
    "  -s, --set KEY=VALUE   override a scenario key or model parameter by dotted path,\n"
    "                        e.g. --set population.size=5000 --set model.muscle.turnover_rate=0.02\n"
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
    "Usage: msksim run FILE [-o OUT.h5] [--threads N] [--set KEY=VALUE]...\n"
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

/* The summary table (unless quiet) and the closing line on stderr. */
static void report_written(const scenario *sc, const engine_result *res, const char *output, int threads,
                           int quiet, const mpi_env *e)
{
    if (!quiet)
        results_print_table(res, stdout);
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

/* Simulate, and on rank 0 write the result file and report it. Returns the exit status. */
static int simulate_and_write(const scenario *sc, const char *output, int threads, int quiet,
                              uint64_t max_memory, int argc, char **argv, const mpi_env *e)
{
    char default_path[PATH_MAX];
    if (!output && !(output = default_output(sc, default_path, sizeof default_path)))
        return msk_status_exit_code(MSK_EIO);
    diag_list diags;
    diag_list_init(&diags);
    /* Refuse a hopeless output, or a run that cannot fit, before the work (outpath.h,
     * cli_resources.h); rank 0 writes and gathers, so its estimate is the one. */
    uint64_t log_limit = 0;
    msk_status st = MSK_OK;
    if (e->rank == 0 && (st = outpath_check(output, &diags)) == MSK_OK)
        st = cli_resources(sc, threads, output, max_memory, NULL, &log_limit, &diags);
    st = (msk_status)mpi_env_bcast(e, (int)st);
    if (st != MSK_OK) {
        int code = e->rank == 0 ? cli_fail("run", NULL, st, NULL, &diags) : msk_status_exit_code(st);
        diag_list_fini(&diags);
        return code;
    }
    engine_result res;
    int have_result;
    st = simulate(sc, threads, log_limit, e, &res, &have_result, &diags);
    int code = 0;
    if (e->rank != 0) { /* rank 0 reports and writes */
        diag_print(&diags, stderr);
        code = msk_status_exit_code(st);
    } else if ((st = msk_signals_status(st)) == MSK_OK) {
        char *cmd = cli_command_line(argc, argv);
        st = results_write(&res, output, cmd ? cmd : "msksim run", &diags);
        free(cmd);
    }
    if (e->rank == 0 && st != MSK_OK) {
        code = cli_fail("run", NULL, st, NULL, &diags);
    } else if (e->rank == 0) {
        diag_print(&diags, stderr);
        report_written(sc, &res, output, threads, quiet, e);
    }
    diag_list_fini(&diags);
    if (have_result)
        engine_result_fini(&res);
    return code;
}

/* Under mpirun every rank runs this; the population is split into block ranges and
 * only rank 0 writes (see mpi_engine.h). */
static int run(int argc, char **argv, const mpi_env *e)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"set", required_argument, NULL, 's'},    {"quiet", no_argument, NULL, 'q'},
        {"max-memory", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int threads = omp_get_max_threads(), quiet = 0;
    uint64_t max_memory = 0;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    size_t n_sets = 0;
    if (!sets)
        return 71;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:t:s:m:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 't': {
            if (cli_parse_threads(optarg, &threads) != 0) {
                free(sets);
                return cli_usage_error("run", run_usage_line, "--threads needs a whole number from 1 to 4096, not '%s'", optarg);
            }
            break;
        }
        case 's':
            sets[n_sets++] = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'm':
            if (cli_parse_memory(optarg, &max_memory) != 0) {
                free(sets);
                return cli_usage_error("run", run_usage_line,
                                       "--max-memory needs a size of at least 1M such as 400M or 16G, not '%s'", optarg);
            }
            break;
        case 'h':
            fputs(cli_run_help, stdout);
            free(sets);
            return 0;
        default:
            free(sets);
            return cli_usage_error("run", run_usage_line, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        free(sets);
        return cli_usage_error("run", run_usage_line, "%s", optind >= argc ? "missing scenario FILE" : "more than one FILE given");
    }
    int rc;
    if ((rc = cli_check_output_name("run", run_usage_line, "-o", output)) >= 0 ||
        (rc = cli_check_threads("run", run_usage_line, threads)) >= 0) {
        free(sets);
        return rc;
    }
    const char *file = argv[optind];

    scenario sc;
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = scenario_load(&sc, file, sets, n_sets, &diags);
    free(sets);
    if (e->rank == 0)
        diag_print(&diags, stderr);
    diag_list_fini(&diags);
    if (st != MSK_OK)
        return e->rank == 0 ? cli_fail("run", file, st, NULL, NULL) : msk_status_exit_code(st);
    int code = simulate_and_write(&sc, output, threads, quiet, max_memory, argc, argv, e);
    scenario_fini(&sc);
    return code;
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
