/* status.c — status messages, diagnostic lists and the assertion handler. */
#include "status.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int exit_code;
    const char *message;
} status_table[] = {
#define X(code, exit_status, msg) {exit_status, msg},
    MSK_STATUS_LIST(X)
#undef X
};

const char *msk_status_message(msk_status s)
{
    return (s >= 0 && s < MSK_STATUS_COUNT) ? status_table[s].message : "unknown status";
}

int msk_status_exit_code(msk_status s)
{
    return (s >= 0 && s < MSK_STATUS_COUNT) ? status_table[s].exit_code : 70;
}

void diag_list_init(diag_list *d)
{
    memset(d, 0, sizeof *d);
}

void diag_list_fini(diag_list *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].path);
        free(d->items[i].message);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

void diag_add(diag_list *d, diag_severity sev, const char *file, int line, int col,
              const char *path, const char *fmt, ...)
{
    if (sev == DIAG_ERROR)
        d->errors++;
    else if (sev == DIAG_WARNING)
        d->warnings++;
    if (d->count == d->capacity) {
        size_t cap = d->capacity ? 2 * d->capacity : 16;
        diag *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return;
        d->items = items;
        d->capacity = cap;
    }
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag *g = &d->items[d->count];
    g->severity = sev;
    g->file = dup_or_empty(file);
    g->line = line;
    g->col = col;
    g->path = dup_or_empty(path);
    g->message = strdup(buf);
    if (!g->file || !g->path || !g->message) {
        free(g->file);
        free(g->path);
        free(g->message);
        return;
    }
    d->count++;
}

/* Write S with control characters but the tab shown as '?': file names and values
 * quoted in messages may come from a hostile file, and must not drive the terminal
 * with escape sequences or forge further lines. */
static void put_clean(const char *s, FILE *out)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        fputc((*c < 0x20 && *c != '\t') || *c == 0x7F ? '?' : *c, out);
}

void diag_print(const diag_list *d, FILE *out)
{
    static const char *const sev_name[] = {"error", "warning", "note"};
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = &d->items[i];
        if (g->line > 0 || g->file[0]) {
            put_clean(g->file, out);
            if (g->line > 0)
                fprintf(out, ":%d:%d", g->line, g->col);
            fputs(": ", out);
        }
        fprintf(out, "%s: ", sev_name[g->severity]);
        if (g->path[0]) {
            put_clean(g->path, out);
            fputs(": ", out);
        }
        put_clean(g->message, out);
        fputc('\n', out);
    }
}

/* Per-thread simulation context for assertion messages; diagnostics only. */
static _Thread_local struct {
    int set;
    unsigned long long seed;
    long long individual;
    int arm;
    double time_days;
} assert_ctx;

void msk_assert_context(unsigned long long seed, long long individual, int arm,
                        double time_days)
{
    assert_ctx.set = 1;
    assert_ctx.seed = seed;
    assert_ctx.individual = individual;
    assert_ctx.arm = arm;
    assert_ctx.time_days = time_days;
}

void msk_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "msksim: internal error: %s:%d: assertion '%s' failed", file, line, expr);
    if (assert_ctx.set)
        fprintf(stderr, " (seed %llu, individual %lld, arm %d, day %.3f)", assert_ctx.seed,
                assert_ctx.individual, assert_ctx.arm, assert_ctx.time_days);
    fputc('\n', stderr);
    abort();
}
