/* bench.c — one measured run in a child process (see bench.h). */
#include "bench.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "progress.h"
#include "results.h"

/* The benchmark's outcomes in the engine's tables (models/observables.def). */
static const obs_var outcome_var[BENCH_FALLS] = {[BENCH_LEG_LEAN] = OV_LEG_LEAN, [BENCH_KNEE] = OV_KNEE,
                                                 [BENCH_BMD] = OV_BMD};
static const obs_key outcome_key[BENCH_FALLS] = {[BENCH_LEG_LEAN] = KEY_LEG_LEAN, [BENCH_KNEE] = KEY_KNEE,
                                                 [BENCH_BMD] = KEY_BMD};
static const obs_count outcome_count[BENCH_OUTCOMES] = {[BENCH_FALLS] = EVC_FALL, [BENCH_FRACTURES] = EVC_FRACTURE};

const char *bench_outcome_name(bench_outcome o)
{
    return o < BENCH_FALLS ? obs_var_table[outcome_var[o]].name : obs_count_names[outcome_count[o]];
}

static double mb(double bytes)
{
    return bytes / (1024.0 * 1024.0);
}

static void summarise(const engine_result *r, int threads, bench_figures *f)
{
    const obs_acc *a = r->acc;
    const size_t n_arms = r->plan.sc->n_arms, n_obs = r->plan.n_obs;
    f->sim_seconds = r->seconds;
    f->events = r->work.events;
    f->steps = r->work.steps;
    f->n_arms = n_arms < BENCH_MAX_ARMS ? n_arms : BENCH_MAX_ARMS;
    double log_entries = 0;
    for (size_t arm = 0; arm < n_arms; arm++) {
        results_arm_summary s;
        results_arm(r, arm, &s);
        f->person_years += s.person_years;
        log_entries += (double)r->logs[arm].count;
        if (arm >= BENCH_MAX_ARMS)
            continue;
        for (int o = 0; o < BENCH_FALLS; o++) {
            f->end_mean[arm][o] = obs_mean(&a->value[obs_index(a, arm, n_obs - 1) * OV_COUNT + outcome_var[o]]);
            f->change_pct[arm][o] = s.change_pct[outcome_key[o]];
        }
        for (int o = BENCH_FALLS; o < BENCH_OUTCOMES; o++)
            f->rate[arm][o] = s.rate[outcome_count[o]];
    }
    f->sample_mb = mb((double)n_arms * (double)r->n_sample * (double)n_obs * sizeof(obs_record));
    f->sample_in_file = r->sample_store.fd >= 0;
    f->log_mb = mb(log_entries * sizeof(log_entry));
    const size_t cells = n_arms * r->n_strata;
    f->accumulator_mb = mb((double)threads * (double)obs_work_bytes(cells, n_obs) +
                           (double)obs_acc_bytes(n_arms, n_obs) +
                           (cells > n_arms ? (double)obs_acc_bytes(cells, n_obs) : 0.0));
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static size_t read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec;
}

/* The child: simulate, maybe write, report, exit without running the parent's atexit
 * handlers or flushing its stdio buffers twice. */
static void child(const scenario *sc, const bench_options *o, int fd)
{
    bench_figures f;
    memset(&f, 0, sizeof f);
    diag_list diags;
    diag_list_init(&diags);
    engine_options eo = {o->threads, NULL, 0, SIZE_MAX, 1, 0, 0};
    engine_result res;
    msk_status st = engine_run_stepped(sc, &eo, o->step_days, &res, &diags);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    f.sim_cpu_seconds = seconds(ru.ru_utime) + seconds(ru.ru_stime);
    if (st == MSK_OK) {
        summarise(&res, o->threads, &f);
        if (o->write_output) {
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/msksim-bench-%ld.h5", o->scratch_dir, (long)getpid());
            double t0 = progress_now();
            st = results_write(&res, path, "msksim bench", &diags);
            f.output_seconds = progress_now() - t0;
            struct stat sb;
            if (st == MSK_OK && stat(path, &sb) == 0)
                f.output_mb = mb((double)sb.st_size);
            unlink(path);
        }
        engine_result_fini(&res);
    }
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    getrusage(RUSAGE_SELF, &ru);
    f.peak_rss_kb = ru.ru_maxrss;
    f.cpu_seconds = seconds(ru.ru_utime) + seconds(ru.ru_stime);
    f.status = st;
    fflush(stderr);
    _exit(write_all(fd, &f, sizeof f) == 0 ? 0 : 1);
}

msk_status bench_measure(const scenario *sc, const bench_options *o, bench_figures *out)
{
    memset(out, 0, sizeof *out);
    int fds[2];
    if (pipe(fds) != 0) {
        fprintf(stderr, "msksim bench: cannot create a pipe: %s\n", strerror(errno));
        return MSK_ESOFTWARE;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "msksim bench: cannot start a measured run (fork): %s\n", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return MSK_ESOFTWARE;
    }
    if (pid == 0) {
        close(fds[0]);
        child(sc, o, fds[1]);
    }
    close(fds[1]);
    size_t got = read_all(fds[0], out, sizeof *out);
    close(fds[0]);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (got != sizeof *out || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        if (WIFSIGNALED(wstatus))
            fprintf(stderr, "msksim bench: the measured run was killed by signal %d%s\n", WTERMSIG(wstatus),
                    WTERMSIG(wstatus) == SIGKILL ? " (out of memory?)" : "");
        else
            fprintf(stderr, "msksim bench: the measured run ended without reporting its figures\n");
        memset(out, 0, sizeof *out);
        out->status = MSK_ESOFTWARE;
        return MSK_ESOFTWARE;
    }
    return (msk_status)out->status;
}
