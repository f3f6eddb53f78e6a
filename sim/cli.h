/* cli.h — the msksim subcommands. Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit status. */
#ifndef MSK_CLI_H
#define MSK_CLI_H

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_params(int argc, char **argv);

/* Help text of each subcommand, printed by `msksim help NAME` and `NAME --help`. */
extern const char cli_run_help[];
extern const char cli_check_help[];
extern const char cli_params_help[];

#endif
