/* cli_sweep.c — `msksim sweep`: run a parameter sweep, serially or as an MPI task farm,
 * resumable after any interruption (sweeprun.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "cli.h"
#include "mpi_env.h"
#include "signals.h"
#include "sweep.h"
#include "sweeprun.h"
#include "sweepout.h"

const char cli_sweep_help[] =
    "Usage: msksim sweep FILE [-o OUT.h5] [--threads N] [--set KEY=VALUE]... [--shard I/M]\n"
    "       mpirun -n N msksim sweep FILE [-o OUT.h5] [--threads T]\n"
    "Run the parameter sweep in FILE (a base scenario, parameters, a design, outcomes; see\n"
    "docs/sweep-format.md) and write one HDF5 (netCDF-4) file with every point's outcomes\n"
    "and, for saltelli and morris designs, the sensitivity indices.\n"
    "\n"
    "  -o, --output OUT.h5   result file (default: output/<sweep name>.h5)\n"
    "  -t, --threads N       OpenMP threads per process (default: OMP_NUM_THREADS, else\n"
    "                        all cores the process may use)\n"
    "  -s, --set KEY=VALUE   override a key of the sweep file, e.g. --set design.samples=256\n"
    "      --shard I/M       job arrays: run only the runs t with t % M == I (0 <= I < M,\n"
    "                        M at most 1000000)\n"
    "                        into OUT.h5.journal.shard-I-of-M; the same command without\n"
    "                        --shard then writes the result (running what is missing)\n"
    "  -q, --quiet           do not print the table of indices\n"
    "      --format          print the reference of the sweep file format (Markdown)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Under mpirun (or srun) with N > 1 ranks, rank 0 hands the runs out one at a time to\n"
    "ranks 1..N-1, each of which simulates with its OpenMP threads. The result is\n"
    "bit-identical for any N, any thread count, and any pattern of interruptions.\n"
    "\n"
    "Nothing is lost when a sweep stops: every finished run is appended to OUT.h5.journal\n"
    "and synced. SIGUSR1 lets the running runs finish, SIGTERM or SIGINT stops them; both\n"
    "exit with status 75. After that, or after SIGKILL or a lost node, run the same command\n"
    "again: it skips what is done. The journal is removed once OUT.h5 is written.\n"
    "\n"
    "Exit status: 0 success (or nothing to do), 2 bad usage, 65 invalid sweep or scenario,\n"
    "66 unreadable file, 71 out of memory, 74 cannot write, 75 interrupted (resumable).\n";

static const char usage_line[] =
    "Usage: msksim sweep FILE [-o OUT.h5] [--threads N] [--set KEY=VALUE]... [--shard I/M]\n"
    "Try 'msksim help sweep'.\n";

/* --help (on rank 0 only), with how this msksim was built. */
static void print_help(const mpi_env *e)
{
    if (e->rank != 0)
        return;
    fputs(cli_sweep_help, stdout);
#ifdef MSK_HAVE_MPI
    puts("\nThis msksim was built with MPI.");
#else
    puts("\nThis msksim was built without MPI: it runs sweeps in one process (or as a job array).");
#endif
}

/* Fills *opt; --set values go into sets (argc + 1 entries). Returns -1 to go on, or the
 * exit status (help, --format, bad usage). */
static int parse_args(int argc, char **argv, const mpi_env *e, sweeprun_options *opt, const char **sets)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"set", required_argument, NULL, 's'},    {"shard", required_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},        {"format", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int rc = -1;
    optind = 1;
    opterr = 0;
    int c;
    while (rc < 0 && (c = getopt_long(argc, argv, "o:t:s:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            opt->out_path = optarg;
            break;
        case 't':
            if (cli_parse_threads(optarg, &opt->threads) != 0)
                rc = cli_usage_error("sweep", usage_line, "--threads needs a whole number from 1 to 4096, not '%s'", optarg);
            break;
        case 's':
            sets[opt->n_sets++] = optarg;
            break;
        case 'S':
            if (!cli_parse_shard(optarg, &opt->shard_index, &opt->shard_count))
                rc = cli_usage_error("sweep", usage_line,
                                     "--shard needs I/M with 0 <= I < M <= 1000000 (e.g. 3/16, from $SLURM_ARRAY_TASK_ID), not '%s'",
                                     optarg);
            break;
        case 'q':
            opt->quiet = 1;
            break;
        case 'F':
            if (e->rank == 0)
                sweep_write_reference(stdout);
            rc = 0;
            break;
        case 'h':
            print_help(e);
            rc = 0;
            break;
        default:
            rc = cli_usage_error("sweep", usage_line, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (rc < 0 && optind != argc - 1)
        rc = cli_usage_error("sweep", usage_line, "%s", optind >= argc ? "missing sweep FILE" : "more than one FILE given");
    if (rc < 0 && opt->shard_count && e->size > 1)
        rc = cli_usage_error("sweep", usage_line,
                             "--shard is for job arrays of serial runs; under mpirun the ranks share the work already");
    if (rc < 0)
        rc = cli_check_output_name("sweep", usage_line, "-o", opt->out_path);
    if (rc < 0)
        rc = cli_check_threads("sweep", usage_line, opt->threads);
    if (rc < 0)
        opt->sweep_path = argv[optind];
    return rc;
}

/* Parse, check that the file is a sweep file, run. Every rank returns rank 0's status. */
static int sweep_command(int argc, char **argv, const mpi_env *e, const char **sets)
{
    sweeprun_options opt = {0};
    opt.threads = omp_get_max_threads();
    /* Raised by SIGINT and SIGTERM (stop) and SIGUSR1 (drain), caught from the start
     * (main.c): a scheduler's signal may come at any time. */
    opt.stop = msk_signals_stop_flag();
    opt.drain = msk_signals_drain_flag();
    opt.write_result = sweepout_assemble;
    opt.sets = sets;
    int rc = parse_args(argc, argv, e, &opt, sets);
    if (rc >= 0)
        return rc;
    if (sweep_file_detect(opt.sweep_path) == 0) {
        if (e->rank == 0)
            fprintf(stderr,
                    "msksim sweep: %s: not a sweep file (it has no top-level `sweep:` key); a scenario runs "
                    "with `msksim run`, a sweep file names one as its `base:` (docs/sweep-format.md)\n",
                    opt.sweep_path);
        return msk_status_exit_code(MSK_EDATA);
    }
    char *cmd = cli_command_line(argc, argv);
    opt.command_line = cmd ? cmd : "msksim sweep";
    rc = sweeprun(&opt, e);
    free(cmd);
    return rc;
}

int cli_sweep(int argc, char **argv)
{
    mpi_env e;
    msk_status st = mpi_env_init(&e, &argc, &argv);
    if (st != MSK_OK)
        return msk_status_exit_code(st);
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int rc = sets ? sweep_command(argc, argv, &e, sets) : msk_status_exit_code(MSK_ENOMEM);
    free(sets);
    mpi_env_finalize(&e);
    return rc;
}
