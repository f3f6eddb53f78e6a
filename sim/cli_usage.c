/* cli_usage.c — the one way subcommands report bad usage (exit status 2). */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
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
