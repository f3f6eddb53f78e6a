/* cli_usage.c — what every subcommand shares: reporting bad usage (exit status 2),
 * reading --threads, the default output directory,
 * reporting a failure or an interruption, recording the command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "signals.h"
#include "status.h"

int cli_usage_error(const char *command, const char *usage_line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "msksim %s: ", command);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_line, stderr);
    return msk_status_exit_code(MSK_EUSAGE);
}

char *cli_command_line(int argc, char **argv)
{
    size_t len = sizeof "msksim";
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    strcpy(s, "msksim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

char *cli_default_dir(const char *result, const char *suffix)
{
    size_t n = strlen(result);
    if (n > 3 && strcmp(result + n - 3, ".h5") == 0)
        n -= 3;
    char *s = malloc(n + strlen(suffix) + 1);
    if (s) {
        memcpy(s, result, n);
        strcpy(s + n, suffix);
    }
    return s;
}

int cli_parse_threads(const char *text, int *threads)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || *end || end == text || n < 1 || n > 4096)
        return -1;
    *threads = (int)n;
    return 0;
}

int cli_fail(const char *command, const char *subject, msk_status st, const char *what,
             const diag_list *diags)
{
    st = msk_signals_status(st);
    if (st == MSK_EINTERRUPTED)
        what = "interrupted"; /* the status's own message says "nothing was written" too */
    else if (diags)
        diag_print(diags, stderr);
    fprintf(stderr, "msksim %s: %s%s%s; nothing was written\n", command, subject ? subject : "",
            subject ? ": " : "", what ? what : msk_status_message(st));
    return msk_status_exit_code(st);
}
