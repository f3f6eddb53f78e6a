/* cli_usage.c — what every subcommand shares: reporting bad usage (exit status 2),
 * reading and checking --threads and output names, the default output directory,
 * reporting a failure or an interruption, recording the command line. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
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

static void *wait_at_gate(void *gate)
{
    pthread_mutex_lock(gate);
    pthread_mutex_unlock(gate);
    return NULL;
}

/* OMP_STACKSIZE as libgomp reads it (a size with an optional B, K, M or G suffix, K
 * when none); 0 when unset or unreadable (then the default attributes). */
static size_t omp_stack_size(void)
{
    const char *s = getenv("OMP_STACKSIZE");
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    while (*end == ' ')
        end++;
    int shift = 10;
    switch (*end) {
    case 'b': case 'B': shift = 0; end++; break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    while (*end == ' ')
        end++;
    if (errno || end == s || *end || n > (SIZE_MAX >> shift))
        return 0;
    return (size_t)n << shift;
}

/* How many threads, up to n, can run at once: this one and those it could start. */
static int threads_startable(int n)
{
    if (n <= 1)
        return n;
    pthread_t *t = malloc((size_t)(n - 1) * sizeof *t);
    if (!t)
        return 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    size_t stack = omp_stack_size();
    if (stack)
        pthread_attr_setstacksize(&attr, stack);
    pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&gate);
    int started = 0;
    while (started < n - 1 && pthread_create(&t[started], &attr, wait_at_gate, &gate) == 0)
        started++;
    pthread_mutex_unlock(&gate);
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    pthread_attr_destroy(&attr);
    pthread_mutex_destroy(&gate);
    free(t);
    return started + 1;
}

int cli_check_threads(const char *command, const char *usage_line, int threads)
{
    int can = threads_startable(threads);
    if (can >= threads)
        return -1;
    return cli_usage_error(command, usage_line,
                           "this system cannot run %d threads at once: only %d could be started (limits: "
                           "ulimit -u, -v, -s; OMP_STACKSIZE); give --threads %d or fewer",
                           threads, can, can);
}

int cli_check_output_name(const char *command, const char *usage_line, const char *option, const char *name)
{
    if (!name || *name)
        return -1;
    return cli_usage_error(command, usage_line, "%s needs a file name, not an empty one", option);
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

int cli_parse_shard(const char *s, size_t *index, size_t *count)
{
    char *end;
    errno = 0;
    unsigned long long i = strtoull(s, &end, 10);
    if (errno || end == s || *end != '/' || s[0] == '-')
        return 0;
    const char *m = end + 1;
    unsigned long long n = strtoull(m, &end, 10);
    if (errno || end == m || *end || m[0] == '-' || n < 1 || n > 1000000 || i >= n)
        return 0;
    *index = (size_t)i;
    *count = (size_t)n;
    return 1;
}
