/* main.c — msksim: dispatch to subcommands, GNU-style --help and --version. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "version.h"

static const char usage[] =
    "Usage: msksim [--help] [--version] COMMAND [ARGS]...\n"
    "Simulate musculoskeletal decline and interventions in virtual populations.\n"
    "\n"
    "Commands:\n"
    "  run FILE      simulate a scenario and write an HDF5 result file\n"
    "  check FILE    validate a scenario without running it\n"
    "  params        print the model parameters (YAML) or the scenario reference (Markdown)\n"
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
