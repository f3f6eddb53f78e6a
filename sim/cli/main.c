/* main.c — msksim: the command table, dispatch to subcommands, GNU-style --help and
 * --version, and a start that does not depend on how the process was launched. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "cli.h"
#include "signals.h"
#include "status.h"
#include "version.h"

/* The one list of commands: `msksim --help` is printed from it. `signals` says which
 * signals the command turns into a clean stop (signals.h); commands that write nothing
 * but standard output (check, params) keep the default and die at once. */
typedef struct {
    const char *name, *args; /* "run", "FILE" */
    const char *summary;     /* one line for `msksim --help` */
    int (*run)(int, char **);
    const char *help;        /* `msksim help NAME`, `msksim NAME --help` */
    unsigned signals;
} command;

static const command commands[] = {
    {"run", "FILE", "simulate a scenario and write an HDF5 result file", cli_run, cli_run_help,
     MSK_SIGNALS_STOP},
    {"check", "FILE", "validate a scenario (or a sweep file) without running it", cli_check,
     cli_check_help, 0},
    {"sweep", "FILE", "run a parameter sweep (serially or under mpirun) with sensitivity indices",
     cli_sweep, cli_sweep_help, MSK_SIGNALS_STOP | MSK_SIGNALS_DRAIN},
    {"params", "", "print the model parameters (YAML) or the scenario reference (Markdown)",
     cli_params, cli_params_help, 0},
    {"plot", "RESULT", "make figures (gnuplot) and a report page from a result file", cli_plot,
     cli_plot_help, MSK_SIGNALS_STOP},
    {"export", "RESULT", "write the summaries of a result file as CSV or TSV tables", cli_export,
     cli_export_help, MSK_SIGNALS_STOP},
    {"evidence", "", "run the virtual trials and compare them with published results",
     cli_evidence, cli_evidence_help, MSK_SIGNALS_STOP},
    {"calibrate", "", "fit free model parameters to the published targets", cli_calibrate,
     cli_calibrate_help, MSK_SIGNALS_STOP},
    {"validate", "", "cross-validate the calibration: targets in and out of sample", cli_validate,
     cli_validate_help, MSK_SIGNALS_STOP},
    {"bench", "", "measure the simulator's speed and memory (docs/performance.md)", cli_bench,
     cli_bench_help, MSK_SIGNALS_STOP},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void print_usage(FILE *out)
{
    fputs("Usage: msksim [--help] [--version] COMMAND [ARGS]...\n"
          "Simulate musculoskeletal decline and interventions in virtual populations.\n"
          "\n"
          "Commands:\n",
          out);
    char col[N_COMMANDS + 1][32];
    int width = (int)strlen("help COMMAND");
    for (size_t i = 0; i <= N_COMMANDS; i++) {
        if (i < N_COMMANDS)
            snprintf(col[i], sizeof col[i], "%s%s%s", commands[i].name, *commands[i].args ? " " : "",
                     commands[i].args);
        else
            snprintf(col[i], sizeof col[i], "help COMMAND");
        if ((int)strlen(col[i]) > width)
            width = (int)strlen(col[i]);
    }
    for (size_t i = 0; i <= N_COMMANDS; i++)
        fprintf(out, "  %-*s %s\n", width, col[i], i < N_COMMANDS ? commands[i].summary : "show help for a command");
    fputs("\n"
          "Run 'msksim help COMMAND' for the options of a command.\n"
          "Exit status: 0 success, 2 bad usage, 65 invalid scenario, 66 unreadable input,\n"
          "74 I/O error, 75 interrupted.\n",
          out);
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* A parent may start msksim with stdin, stdout or stderr closed. The next file opened
 * would then take that number, and messages meant for stderr would land in it (a
 * sweep's journal, a result file). Each missing one is opened on /dev/null. Returns -1
 * when that is impossible. */
static int ensure_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        int got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (got != fd) { /* open returns the lowest free number: fd, or failure */
            if (got >= 0)
                close(got);
            return -1;
        }
    }
    return 0;
}

static int dispatch(const command *c, int argc, char **argv)
{
    if (c->signals)
        msk_signals_catch(c->signals);
    int code = c->run(argc, argv);
    msk_signals_restore();
    return code;
}

int main(int argc, char **argv)
{
    /* Before any file is opened, thread started or child forked. */
    if (ensure_standard_fds() != 0)
        return msk_status_exit_code(MSK_EIO);
    msk_signals_reset_inherited();
    /* GSL's default handler aborts; msksim checks results (NaN) instead. */
    gsl_set_error_handler_off();
    /* HDF5 1.10.8 crashes at exit after a file failed to close on a write error (disk
     * full, HDFFV-11052): its atexit handler closes that file again. msksim closes
     * every file itself, so the handler is not needed (it must go before any other
     * HDF5 call). tests/cli_crash.sh fills a disk to check the exit status. */
    H5dont_atexit();
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        printf("msksim %s (git %s)\n", MSK_VERSION, MSK_GIT_REVISION);
        return 0;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return 0;
        }
        const command *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "msksim: unknown command '%s'\n", argv[2]);
            print_usage(stderr);
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
    return dispatch(c, argc - 1, argv + 1);
}
