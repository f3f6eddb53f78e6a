/* cli.h — the msksim subcommands. Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit status. */
#ifndef MSK_CLI_H
#define MSK_CLI_H

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_params(int argc, char **argv);
int cli_evidence(int argc, char **argv);
int cli_calibrate(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_bench(int argc, char **argv);

/* Report bad usage of `msksim COMMAND` ("msksim COMMAND: MESSAGE" then usage_line)
 * on stderr; returns the usage exit status (2). */
int cli_usage_error(const char *command, const char *usage_line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "msksim ARGS..." for the provenance of a result (malloc'ed; NULL when out of memory). */
char *cli_command_line(int argc, char **argv);

/* Parse a --threads value: a whole number from 1 to 4096. Returns 0 and sets *threads,
 * or -1 when the text is not one. */
int cli_parse_threads(const char *text, int *threads);

/* Route SIGINT and SIGTERM to handler (which should only set a flag). */
void cli_catch_stop_signals(void (*handler)(int));

/* Help text of each subcommand, printed by `msksim help NAME` and `NAME --help`. */
extern const char cli_run_help[];
extern const char cli_check_help[];
extern const char cli_params_help[];
extern const char cli_evidence_help[];
extern const char cli_calibrate_help[];
extern const char cli_validate_help[];
extern const char cli_plot_help[];
extern const char cli_export_help[];
extern const char cli_sweep_help[];
extern const char cli_bench_help[];

#endif
