/* cli.h — the msksim subcommands. Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit status. */
#ifndef MSK_CLI_H
#define MSK_CLI_H

#include "status.h"

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

/* RESULT.h5 -> RESULT-figures: the path given on the command line without ".h5", plus
 * suffix (malloc'ed; NULL when out of memory). The default output directory of plot
 * and export. */
char *cli_default_dir(const char *result, const char *suffix);

/* "msksim ARGS..." for the provenance of a result (malloc'ed; NULL when out of memory). */
char *cli_command_line(int argc, char **argv);

/* Parse a --threads value: a whole number from 1 to 4096. Returns 0 and sets *threads,
 * or -1 when the text is not one. */
int cli_parse_threads(const char *text, int *threads);

/* Parse --shard I/M (0 <= I < M <= 1000000). Returns 1 and sets *index and *count,
 * or 0 when the text is not one. */
int cli_parse_shard(const char *s, size_t *index, size_t *count);

/* A thread count the system cannot give is bad usage: libgomp would end the process
 * with its own exit status 1 when it fails to create a thread, after the work began.
 * Checks that threads - 1 threads can run beside this one (created with OpenMP's stack
 * size, waiting until all exist); returns -1 when they can, else reports a usage error
 * naming how many could and returns its exit status (2). */
int cli_check_threads(const char *command, const char *usage_line, int threads);

/* An empty name given to an option that names an output file is bad usage (it would
 * fail only when the output is written). Returns -1 when name is NULL or not empty,
 * else reports and returns the exit status (2). */
int cli_check_output_name(const char *command, const char *usage_line, const char *option, const char *name);

/* How a command that wrote nothing ends: its diagnostics, then one line
 * "msksim COMMAND: [SUBJECT: ]WHAT; nothing was written", WHAT being `what` (may be
 * NULL) or the status's message. After a stop signal (signals.h) the status becomes
 * MSK_EINTERRUPTED, the diagnostics are left out (a failure then is the signal's
 * doing, e.g. a gnuplot killed by the same Ctrl-C) and WHAT is "interrupted".
 * Returns the exit status (75 when interrupted). */
int cli_fail(const char *command, const char *subject, msk_status st, const char *what,
             const diag_list *diags);

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
