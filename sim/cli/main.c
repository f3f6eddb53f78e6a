/* main.c — msksim: dispatch to subcommands, GNU-style --help and --version. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "cli.h"
#include "version.h"

static const char usage[] =
    "Usage: msksim [--help] [--version] COMMAND [ARGS]...\n"
    "Simulate musculoskeletal decline and interventions in virtual populations.\n"
    "\n"
    "Commands:\n"
    "  run FILE      simulate a scenario and write an HDF5 result file\n"
    "  check FILE    validate a scenario (or a sweep file) without running it\n"
    "  sweep FILE    run a parameter sweep (serially or under mpirun) with sensitivity indices\n"
    "  params        print the model parameters (YAML) or the scenario reference (Markdown)\n"
    "  plot RESULT   make figures (gnuplot) and a report page from a result file\n"
    "  export RESULT write the summaries of a result file as CSV or TSV tables\n"
    "  evidence      run the virtual trials and compare them with published results\n"
    "  calibrate     fit free model parameters to the published targets\n"
    "  validate      cross-validate the calibration: targets in and out of sample\n"
    "  bench         measure the simulator's speed and memory (docs/performance.md)\n"
    "  help COMMAND  show help for a command\n"
    "\n"
    "Run 'msksim help COMMAND' for the options of a command.\n"
    "Exit status: 0 success, 2 bad usage, 65 invalid scenario, 66 unreadable input,\n"
    "74 I/O error, 75 interrupted.\n";

typedef struct {
    const char *name;
    int (*run)(int, char **);
    const char *help;
} command;

static const command commands[] = {
    {"run", cli_run, cli_run_help},
    {"check", cli_check, cli_check_help},
    {"params", cli_params, cli_params_help},
    {"evidence", cli_evidence, cli_evidence_help},
    {"calibrate", cli_calibrate, cli_calibrate_help},
    {"validate", cli_validate, cli_validate_help},
    {"plot", cli_plot, cli_plot_help},
    {"export", cli_export, cli_export_help},
    {"sweep", cli_sweep, cli_sweep_help},
    {"bench", cli_bench, cli_bench_help},
};

static const command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; msksim checks results (NaN) instead. */
    gsl_set_error_handler_off();
    /* HDF5 1.10.8 crashes at exit after a file failed to close on a write error (disk
     * full, HDFFV-11052): its atexit handler closes that file again. msksim closes
     * every file itself, so the handler is not needed (it must go before any other
     * HDF5 call). tests/cli_crash.sh fills a disk to check the exit status. */
    H5dont_atexit();
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        printf("msksim %s (git %s)\n", MSK_VERSION, MSK_GIT_REVISION);
        return 0;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc < 3) {
            fputs(usage, stdout);
            return 0;
        }
        const command *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "msksim: unknown command '%s'\n%s", argv[2], usage);
            return 2;
        }
        fputs(c->help, stdout);
        return 0;
    }
    const command *c = find(arg);
    if (!c) {
        fprintf(stderr, "msksim: unknown command '%s'\nTry 'msksim --help'.\n", arg);
        return 2;
    }
    return c->run(argc - 1, argv + 1);
}
