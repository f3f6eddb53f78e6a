/* gnuplot.c — scripts, TSV data and running gnuplot (see gnuplot.h). */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "signals.h"

enum { OUTPUT_KEPT = 4000 };

const char *gp_format_name(unsigned format)
{
    switch (format) {
    case GP_SVG:
        return "svg";
    case GP_PDF:
        return "pdf";
    default:
        return "png";
    }
}

void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\'')
            fputs("\u2019", f); /* gnuplot misreads a doubled quote at a string's start */
        else if (*p < 0x20 || *p == 0x7f)
            fputc('?', f);
        else
            fputc(*p, f);
    }
    fputc('\'', f);
}

void gp_cell(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
}

void gp_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.10g", x);
    else
        fputs("NaN", f);
}

void gp_preamble(FILE *f, const char *name, const char *title, const char *result_path)
{
    fputs("# ", f);
    gp_cell(f, title);
    fputs("\n# Made by `msksim plot` from ", f);
    gp_cell(f, result_path);
    fprintf(f,
            ".\n"
            "# The data are in %s.tsv (tab-separated; lines starting with # are comments;\n"
            "# blocks separated by two blank lines are gnuplot's `index 0`, `index 1`, ...).\n"
            "#\n"
            "# Re-run in this directory:\n"
            "#   gnuplot %s.gp                        -> %s.png\n"
            "#   gnuplot -e \"format='svg'\" %s.gp      -> %s.svg   (or 'pdf')\n"
            "# Titles, labels, colours (rgb \"#rrggbb\") and fonts below can be edited freely,\n"
            "# e.g. translated into another language; keep the file in UTF-8.\n\n",
            name, name, name, name, name);
    fputs("if (!exists(\"format\")) format = \"png\"\n"
          "# Slide size (16:9). Fonts are chosen to be readable from the back of a classroom.\n"
          "# The PDF has the PNG's proportions (1600 x 900 points); PS scales the point symbols,\n"
          "# which the svg terminal draws larger.\n"
          "PS = 1\n"
          "if (format eq \"svg\") {\n"
          "    set terminal svg size 1600,900 font \"DejaVu Sans,20\" background rgb \"white\"\n"
          "    PS = 0.55\n"
          "} else {\n"
          "    if (format eq \"pdf\") {\n"
          "        set terminal pdfcairo size 22.22in,12.5in font \"DejaVu Sans,20\" linewidth 1\n"
          "    } else {\n"
          "        set terminal pngcairo size 1600,900 font \"DejaVu Sans,20\" background rgb \"white\"\n"
          "    }\n"
          "}\n",
          f);
    fprintf(f, "set output \"%s.\".format\n", name);
    fputs("set encoding utf8\n"
          "set datafile separator \"\\t\"\n"
          "set datafile missing \"NaN\"\n"
          "set termoption noenhanced   # arm names may hold _ and ^; print text as written\n"
          "set border lw 1.5\n"
          "set grid lc rgb \"#dddddd\" lw 1\n"
          "set style fill transparent solid 0.15 noborder\n\n",
          f);
}

void gp_range_init(gp_range *r)
{
    r->lo = INFINITY;
    r->hi = -INFINITY;
    r->n = 0;
}

void gp_range_add(gp_range *r, double x)
{
    if (!isfinite(x))
        return;
    if (x < r->lo)
        r->lo = x;
    if (x > r->hi)
        r->hi = x;
    r->n++;
}

void gp_range_final(gp_range *r, double frac, int with_zero)
{
    if (r->n == 0) {
        r->lo = 0;
        r->hi = 1;
        return;
    }
    if (with_zero) {
        if (r->lo > 0)
            r->lo = 0;
        if (r->hi < 0)
            r->hi = 0;
    }
    double span = r->hi - r->lo;
    double mag = fmax(fabs(r->lo), fabs(r->hi));
    if (span <= 1e-9 * fmax(mag, 1e-300)) { /* flat: gnuplot would warn of an empty range */
        double w = mag > 0 ? 0.05 * mag : 1;
        double lo = r->lo - w, hi = r->hi + w;
        if (with_zero && r->lo == 0)
            lo = 0;
        r->lo = lo;
        r->hi = hi;
        return;
    }
    double lo = r->lo - frac * span, hi = r->hi + frac * span;
    /* A range that starts at 0 stays at 0 (a share, a count), not at -0.1. */
    if (r->lo >= 0 && lo < 0)
        lo = 0;
    r->lo = lo;
    r->hi = hi;
}

/* ---- Running gnuplot -------------------------------------------------------------- */

static int cloexec_pipe(int fd[2])
{
    if (pipe(fd) != 0)
        return -1;
    for (int i = 0; i < 2; i++)
        if (fcntl(fd[i], F_SETFD, FD_CLOEXEC) != 0) {
            close(fd[0]);
            close(fd[1]);
            return -1;
        }
    return 0;
}

/* A started gnuplot: its pid, its output (stdout and stderr) and the pipe on which
 * the child reports a failed exec. */
typedef struct {
    pid_t pid;
    int out, err;
    const char *script;
    unsigned format;
} job;

extern char **environ;

/* gnuplot's environment: the caller's, with the locale set to C.UTF-8. In the C locale
 * (a cron job, `env -i`, a bare container) gnuplot cannot convert the figures' UTF-8
 * labels (°, ², ·) and warns on every script; a user's LC_ALL would also change them.
 * A static table: built before fork, the child only points environ at it. */
static char **gnuplot_environment(void)
{
    static char *env[4096];
    static char locale[] = "LC_ALL=C.UTF-8";
    size_t n = 0;
    for (char **e = environ; e && *e && n + 2 < sizeof env / sizeof env[0]; e++)
        if (strncmp(*e, "LC_", 3) != 0 && strncmp(*e, "LANG=", 5) != 0)
            env[n++] = *e;
    env[n++] = locale;
    env[n] = NULL;
    return env;
}

static msk_status start(job *j, const char *dir, const char *script, unsigned format, diag_list *diags)
{
    char expr[32];
    snprintf(expr, sizeof expr, "format='%s'", gp_format_name(format));
    /* -d: ignore the user's ~/.gnuplot, so the figures do not depend on who makes them. */
    char *const argv[] = {"gnuplot", "-d", "-e", expr, (char *)script, NULL};
    j->pid = -1;
    j->script = script;
    j->format = format;
    int out[2], err[2];
    if (cloexec_pipe(out) != 0)
        goto sys_fail;
    if (cloexec_pipe(err) != 0) {
        close(out[0]);
        close(out[1]);
        goto sys_fail;
    }
    char **env = gnuplot_environment();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        goto sys_fail;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        int e = 0;
        if (chdir(dir) != 0)
            e = errno;
        else {
            environ = env;
            execvp(argv[0], argv);
            e = errno;
        }
        ssize_t w = write(err[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    j->pid = pid;
    j->out = out[0];
    j->err = err[0];
    return MSK_OK;

sys_fail:
    diag_add(diags, DIAG_ERROR, "gnuplot", 0, 0, "", "cannot start gnuplot: %s", strerror(errno));
    return MSK_EIO;
}

/* Wait until the process prints or closes its output. After a stop signal (Ctrl-C
 * reaches gnuplot too, and a gnuplot interrupted inside its font or cairo code can
 * deadlock instead of exiting) it gets STOP_GRACE_MS to end by itself, then SIGKILL:
 * msksim never waits forever for a figure it will not keep. */
enum { STOP_POLL_MS = 100, STOP_GRACE_MS = 2000 };

static void wait_readable(job *j)
{
    int waited_after_stop = 0;
    for (;;) {
        struct pollfd p = {j->out, POLLIN, 0};
        int r = poll(&p, 1, STOP_POLL_MS);
        if (r > 0 || (r < 0 && errno != EINTR))
            return;
        if (!msk_signals_stopped())
            continue;
        waited_after_stop += STOP_POLL_MS;
        if (waited_after_stop >= STOP_GRACE_MS) {
            kill(j->pid, SIGKILL);
            return;
        }
    }
}

/* Read everything the process prints, wait for it, judge the run. */
static msk_status finish(job *j, const char *dir, diag_list *diags)
{
    char text[OUTPUT_KEPT + 1];
    size_t kept = 0;
    for (;;) {
        char buf[4096];
        wait_readable(j);
        ssize_t n = read(j->out, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n < OUTPUT_KEPT - kept ? (size_t)n : OUTPUT_KEPT - kept;
        memcpy(text + kept, buf, take);
        kept += take;
    }
    text[kept] = '\0';
    close(j->out);
    int child_errno = 0;
    ssize_t got;
    while ((got = read(j->err, &child_errno, sizeof child_errno)) < 0 && errno == EINTR)
        ;
    close(j->err);
    int status = 0;
    while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof child_errno) {
        if (child_errno == ENOENT)
            diag_add(diags, DIAG_ERROR, "gnuplot", 0, 0, "",
                     "gnuplot is not installed or not on PATH (Debian: apt-get install gnuplot-nox)");
        else
            diag_add(diags, DIAG_ERROR, "gnuplot", 0, 0, "", "cannot run gnuplot in %s: %s", dir,
                     strerror(child_errno));
        return MSK_EIO;
    }
    for (char *p = text; *p; p++)
        if (*p == '\r')
            *p = ' ';
    /* Any output is a failure: a warning means a figure is not what the script says. */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || kept > 0) {
        char how[64];
        if (WIFEXITED(status))
            snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
        else
            snprintf(how, sizeof how, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        diag_add(diags, DIAG_ERROR, j->script, 0, 0, "", "gnuplot (%s output, %s) reported:\n%s",
                 gp_format_name(j->format), how, kept ? text : "(nothing)");
        return MSK_ESOFTWARE;
    }
    return MSK_OK;
}

msk_status gp_run(const char *dir, const char *script, unsigned format, diag_list *diags)
{
    job j;
    msk_status st = start(&j, dir, script, format, diags);
    return st == MSK_OK ? finish(&j, dir, diags) : st;
}

msk_status gp_run_all(const char *dir, const char *const *scripts, size_t n, unsigned formats,
                      int parallel, diag_list *diags)
{
    enum { MAX_PARALLEL = 16 };
    job running[MAX_PARALLEL];
    if (parallel < 1)
        parallel = 1;
    if (parallel > MAX_PARALLEL)
        parallel = MAX_PARALLEL;
    size_t n_running = 0;
    msk_status st = MSK_OK;
    for (size_t i = 0; i < n; i++)
        for (unsigned fmt = GP_PNG; fmt <= GP_PDF; fmt <<= 1) {
            if (!(formats & fmt) || st != MSK_OK)
                continue;
            if (n_running == (size_t)parallel) { /* the oldest first: they finish in order */
                msk_status s = finish(&running[0], dir, diags);
                if (st == MSK_OK)
                    st = s;
                memmove(running, running + 1, --n_running * sizeof running[0]);
                if (st != MSK_OK)
                    continue;
            }
            msk_status s = start(&running[n_running], dir, scripts[i], fmt, diags);
            if (s == MSK_OK)
                n_running++;
            else
                st = s;
        }
    for (size_t k = 0; k < n_running; k++) {
        msk_status s = finish(&running[k], dir, diags);
        if (st == MSK_OK)
            st = s;
    }
    return st;
}
