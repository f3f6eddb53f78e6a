/* cli_bench.c — `msksim bench`: the figures of docs/performance.md from one command.
 *
 * Runs the reference workload (scenarios/bench/reference.yaml) at each thread count,
 * scaled copies of it (population size, horizon), and the same physiology with a
 * fixed daily step; prints one row per run, then the scaling, the comparison with the
 * daily step and every target of the performance issue as met or not. Each run is
 * measured in its own child process (bench.h). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "bench.h"
#include "cli.h"
#include "datadir.h"
#include "drawplan.h"
#include "engine.h"
#include "progress.h"
#include "scenario.h"
#include "signals.h"
#include "version.h"

#define WEEKS_PER_YEAR 52.0

const char cli_bench_help[] =
    "Usage: msksim bench [--quick] [--threads LIST] [--people N] [--sizes LIST]\n"
    "                    [--years LIST] [--daily-size N] [--scenario FILE] [--scratch DIR]\n"
    "                    [--tsv FILE]\n"
    "Measure the simulator: the reference workload (scenarios/bench/reference.yaml:\n"
    "100,000 people aged 60-90, five arms, 10 years, weekly observations, a 1% sample\n"
    "of trajectories written to HDF5) at each thread count, scaled copies of it, and the\n"
    "same physiology integrated with a fixed daily step. Prints person-years per second\n"
    "per core, events per second, peak memory, time in output, thread scaling, growth\n"
    "with population size and horizon, the speed ratio and the difference in outcomes\n"
    "against the daily step, and each performance target as met or not\n"
    "(docs/performance.md). Every run is a separate process. The full set takes about\n"
    "40 minutes on two cores, most of it the 10^6-people run.\n"
    "\n"
    "  --quick            tiny sizes (a few seconds): checks that everything runs\n"
    "  --threads LIST     thread counts for the reference workload (default: 1,2,4,8,16\n"
    "                     up to the cores online); the largest runs the scaled copies\n"
    "  --people N         people in the reference workload (default: the scenario's)\n"
    "  --sizes LIST       population sizes at the reference horizon (default\n"
    "                     10000,100000,1000000); the sample of written trajectories\n"
    "                     stays the reference's\n"
    "  --years LIST       horizons in years at --daily-size people (default 1,10,30);\n"
    "                     whole-follow-up programmes last the whole horizon\n"
    "  --daily-size N     people for the horizons and the daily-step comparison\n"
    "                     (default 10000)\n"
    "  --scenario FILE    the reference workload (default scenarios/bench/reference.yaml)\n"
    "  --scratch DIR      where result files are written and removed (default: $TMPDIR\n"
    "                     or /tmp)\n"
    "  --tsv FILE         also write one row per run as tab-separated values\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 when every run worked (whether or not the targets are met), 2 bad\n"
    "usage, 65 invalid scenario, 66 unreadable scenario, 70 a run failed, 74 cannot\n"
    "write the TSV file, 75 interrupted (SIGINT, SIGTERM; no TSV file written).\n";

static const char bench_usage_line[] =
    "Usage: msksim bench [--quick] [--threads LIST] [--sizes LIST] [--years LIST] ...\n"
    "Try 'msksim help bench'.\n";

enum { MAX_LIST = 16, MAX_RUNS = 64 };

/* Performance targets of the issue (docs/performance.md). */
#define TARGET_PY_PER_CORE 250000.0
#define TARGET_SPEEDUP_2 1.8
#define TARGET_PEAK_MB_1E6 300.0
#define TARGET_DAILY_RATIO 10.0
#define TARGET_AGREEMENT_PCT 0.5

typedef struct {
    double v[MAX_LIST];
    size_t n;
} num_list;

typedef struct {
    const char *what; /* reference, size, horizon, exact, daily-step */
    long people;
    double years;
    int threads;
    double step_days;
    int output;
    bench_figures f;
} run;

typedef struct {
    const char *file;
    const char *scratch;
    scenario base; /* the reference as loaded */
    run runs[MAX_RUNS];
    size_t n_runs;
    FILE *tsv;
} bench;

static int parse_list(const char *arg, num_list *out, int integers)
{
    out->n = 0;
    const char *p = arg;
    while (*p) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (errno || end == p || !(x > 0) || !isfinite(x) || (integers && x != floor(x)) ||
            out->n == MAX_LIST || (*end && *end != ','))
            return -1;
        out->v[out->n++] = x;
        p = *end ? end + 1 : end;
        if (*end && !*p)
            return -1;
    }
    return out->n ? 0 : -1;
}

/* The reference workload: in the checkout, the build tree's checkout or the installed
 * data (sim/core/datadir.h); when none is there, the relative path, whose loading then
 * fails with the places looked at printed first. */
static const char *default_scenario(void)
{
    static char buf[8192];
    const char *rel = "scenarios/bench/reference.yaml";
    if (msk_data_find(rel, buf, sizeof buf))
        return buf;
    fprintf(stderr, "msksim bench: the reference scenario is not found (looked in %s); give FILE, or set "
                    "MSKSIM_DATA_DIR to the directory that holds scenarios/\n",
            buf);
    return rel;
}

/* The overrides that give the reference scenario a population size and horizon:
 * programmes that last the whole reference follow-up last the whole new one. Fills
 * buf and sets; returns their number. */
enum { VARIANT_MAX = SCENARIO_MAX_ARMS * SCENARIO_MAX_INTERVENTIONS + 3 };
static size_t variant_sets(const bench *b, long people, double years, char buf[][128], const char **sets)
{
    const scenario *ref = &b->base;
    size_t n = 0;
    double weeks = years * WEEKS_PER_YEAR;
    snprintf(buf[n], sizeof buf[n], "population.size=%ld", people);
    sets[n] = buf[n];
    n++;
    snprintf(buf[n], sizeof buf[n], "horizon_weeks=%.17g", weeks);
    sets[n] = buf[n];
    n++;
    for (size_t a = 0; a < ref->n_arms; a++)
        for (size_t j = 0; j < ref->arms[a].n_interventions; j++)
            if (ref->arms[a].interventions[j].duration_weeks == ref->horizon_weeks) {
                snprintf(buf[n], sizeof buf[n], "arms.%zu.interventions.%zu.duration_weeks=%.17g", a, j, weeks);
                sets[n] = buf[n];
                n++;
            }
    return n;
}

static msk_status load_sets(const bench *b, const char *const *sets, size_t n, scenario *sc)
{
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = scenario_load(sc, b->file, sets, n, &diags);
    if (st != MSK_OK)
        diag_print(&diags, stderr);
    diag_list_fini(&diags);
    return st;
}

/* The reference scenario with a population size and horizon. */
static msk_status load_variant(const bench *b, long people, double years, scenario *sc)
{
    char buf[VARIANT_MAX][128];
    const char *sets[VARIANT_MAX];
    return load_sets(b, sets, variant_sets(b, people, years, buf, sets), sc);
}

/* Run every draw of SW once, in this process; the seconds they took, or -1. */
static double time_draws(const sweep *sw, int threads)
{
    double *values = malloc(sw->n_outcomes * sizeof *values);
    diag_list diags;
    diag_list_init(&diags);
    double t0 = progress_now();
    msk_status st = values ? MSK_OK : MSK_ENOMEM;
    for (size_t t = 0; t < sw->n_tasks && st == MSK_OK; t++)
        st = sweep_run_task(sw, t, threads, msk_signals_stop_flag(), values, &diags);
    double seconds = progress_now() - t0;
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    free(values);
    return st == MSK_OK ? seconds : -1;
}

/* The cost of a parameter draw (msksim run --draws): N draws of the reference workload
 * at PEOPLE and YEARS, each a whole run under the draw's parameters (its scenario
 * loaded again with them), against one run at the scenario's own parameters. */
static msk_status print_draws(const bench *b, long people, double years, int threads, size_t n)
{
    char buf[VARIANT_MAX][128];
    const char *sets[VARIANT_MAX];
    size_t k = variant_sets(b, people, years, buf, sets);
    snprintf(buf[k], sizeof buf[k], "draws=%zu", n);
    sets[k] = buf[k];
    scenario sc;
    msk_status st = load_sets(b, sets, k + 1, &sc);
    if (st != MSK_OK)
        return st;
    sweep sw;
    draws_data dd;
    diag_list diags;
    diag_list_init(&diags);
    st = drawplan_build(&sw, &dd, &sc, sets, k + 1, &diags);
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    double plain = -1, draws = -1;
    if (st == MSK_OK && (draws = time_draws(&sw, threads)) < 0)
        st = MSK_ESOFTWARE;
    if (st == MSK_OK) { /* after the draws, so that both find the threads and caches warm */
        engine_options eo = {threads, msk_signals_stop_flag(), 0, SIZE_MAX, 1, 0, 0};
        engine_result r;
        diag_list quiet;
        diag_list_init(&quiet);
        double t0 = progress_now();
        st = engine_run_blocks(&sc, &eo, &r, &quiet);
        plain = progress_now() - t0;
        if (st == MSK_OK)
            engine_result_fini(&r);
        diag_list_fini(&quiet);
    }
    if (st == MSK_OK)
        printf("\ndraws (%ld people, %g years, %d threads, %zu drawn parameters): %.3f s per parameter draw, "
               "%.2fx a plain run at the scenario's own parameters (%.3f s; a draw also loads its "
               "scenario again); 200 draws: about %.0f s\n",
               people, years, threads, sw.n_params, draws / (double)n, draws / (double)n / plain, plain,
               200 * draws / (double)n);
    sweep_fini(&sw);
    draws_data_fini(&dd);
    scenario_fini(&sc);
    return st;
}

static double per_core(const run *r)
{
    return r->f.person_years / (r->f.sim_seconds * r->threads);
}

static void print_header(void)
{
    printf("%-10s %9s %6s %7s %13s %9s %11s %11s %12s %9s %9s %9s\n", "run", "people", "years",
           "threads", "person-years", "sim s", "py/s/core", "py/cpu-s", "events/s", "output s",
           "output MB", "peak MB");
}

static void print_row(const run *r)
{
    const bench_figures *f = &r->f;
    printf("%-10s %9ld %6g %7d %13.0f %9.2f %11.0f %11.0f %12.0f %9.2f %9.1f %9.1f\n", r->what,
           r->people, r->years, r->threads, f->person_years, f->sim_seconds, per_core(r),
           f->person_years / f->sim_cpu_seconds, (double)f->events / f->sim_seconds,
           f->output_seconds, f->output_mb, (double)f->peak_rss_kb / 1024.0);
    fflush(stdout);
}

static void tsv_row(FILE *t, const run *r)
{
    const bench_figures *f = &r->f;
    fprintf(t, "%s\t%ld\t%g\t%d\t%g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%llu\t%llu\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n",
            r->what, r->people, r->years, r->threads, r->step_days, f->person_years, f->sim_seconds,
            f->sim_cpu_seconds, f->output_seconds, f->output_mb, (double)f->peak_rss_kb / 1024.0,
            (unsigned long long)f->events, (unsigned long long)f->steps, f->sample_mb, f->log_mb,
            f->accumulator_mb, per_core(r), (double)f->events / f->sim_seconds);
}

/* Output buffers held in memory: the event log, and the sampled trajectories unless
 * they waited in a temporary file (spill.h). */
static double buffers_in_memory(const bench_figures *f)
{
    return f->log_mb + (f->sample_in_file ? 0.0 : f->sample_mb);
}

/* Measure one run (or find it already measured). NULL when it failed or a stop signal
 * came (*status MSK_EINTERRUPTED; a run killed by the same Ctrl-C is no failure). */
static const run *measure(bench *b, const char *what, long people, double years, int threads,
                          double step_days, int output, msk_status *status)
{
    for (size_t i = 0; i < b->n_runs; i++) {
        const run *r = &b->runs[i];
        if (r->people == people && r->years == years && r->threads == threads &&
            r->step_days == step_days && r->output == output)
            return r;
    }
    if (b->n_runs == MAX_RUNS) {
        *status = MSK_EUSAGE;
        return NULL;
    }
    if (msk_signals_stopped()) {
        *status = MSK_EINTERRUPTED;
        return NULL;
    }
    run *r = &b->runs[b->n_runs];
    *r = (run){what, people, years, threads, step_days, output, {0}};
    scenario sc;
    msk_status st = load_variant(b, people, years, &sc);
    if (st == MSK_OK) {
        bench_options o = {threads, step_days, output, b->scratch};
        st = bench_measure(&sc, &o, &r->f);
        scenario_fini(&sc);
    }
    if ((st = msk_signals_status(st)) == MSK_EINTERRUPTED) {
        *status = st;
        return NULL;
    }
    if (st != MSK_OK) {
        fprintf(stderr, "msksim bench: the run '%s' (%ld people, %g years, %d threads) failed: %s\n",
                what, people, years, threads, msk_status_message(st));
        *status = st;
        return NULL;
    }
    b->n_runs++;
    print_row(r);
    if (b->tsv)
        tsv_row(b->tsv, r);
    return r;
}

static void machine_line(FILE *out, const char *when)
{
    char model[256] = "unknown CPU", load[64] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                const char *c = strchr(line, ':');
                if (c) {
                    snprintf(model, sizeof model, "%s", c + 2);
                    model[strcspn(model, "\n")] = 0;
                }
                break;
            }
        fclose(f);
    }
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fgets(load, sizeof load, f))
            load[strcspn(load, "\n")] = 0;
        fclose(f);
    }
    fprintf(out, "machine (%s): %s, %ld cores online, load average %s\n", when, model,
            sysconf(_SC_NPROCESSORS_ONLN), load);
}

static const char *verdict(int met)
{
    return met ? "[met]    " : "[not met]";
}

/* Relative difference of y from x, in percent. */
static double rel_pct(double x, double y)
{
    return 100.0 * (y - x) / fabs(x);
}

static void compare_daily(const bench *b, const run *exact, const run *daily, double *worst)
{
    const bench_figures *e = &exact->f, *d = &daily->f;
    double ratio = per_core(exact) / per_core(daily);
    printf("\ndaily step (%ld people, %g years, 1 thread): the exact loop is %.1fx faster "
           "(%.0f against %.0f person-years/s/core; %.1f days stepped per person-year)\n",
           exact->people, exact->years, ratio, per_core(exact), per_core(daily),
           (double)d->steps / d->person_years);
    printf("  %-24s %-16s %12s %12s %11s %14s\n", "outcome", "arm", "exact", "daily step",
           "difference", "% change (pp)");
    *worst = 0;
    for (size_t a = 0; a < e->n_arms; a++)
        for (int o = 0; o < BENCH_OUTCOMES; o++) {
            int is_rate = o == BENCH_FALLS || o == BENCH_FRACTURES;
            double x = is_rate ? e->rate[a][o] : e->end_mean[a][o];
            double y = is_rate ? d->rate[a][o] : d->end_mean[a][o];
            double diff = rel_pct(x, y);
            if (!(fabs(diff) <= *worst))
                *worst = fabs(diff);
            printf("  %-24s %-16s %12.5g %12.5g %+10.3f%%", is_rate ? (o == BENCH_FALLS ? "falls /1000 py" : "fractures /1000 py")
                                                                      : bench_outcome_name((bench_outcome)o),
                   b->base.arms[a].name, x, y, diff);
            if (is_rate)
                printf("\n");
            else
                printf(" %+14.4f\n", d->change_pct[a][o] - e->change_pct[a][o]);
        }
    printf("  (end-of-study means among survivors and event rates; the last column is the "
           "difference in mean %% change from baseline, in percentage points)\n");
}

/* The measured runs run_all compares. */
typedef struct {
    const run *ref1, *ref2, *refmax; /* reference workload at 1, 2 and the most threads */
    const run *by_size[MAX_LIST], *by_years[MAX_LIST];
    const run *exact, *daily;
} run_set;

/* Every run of the plan, in order; MSK_OK or the first failure (or interruption). */
static msk_status measure_all(bench *b, const num_list *threads, const num_list *sizes, const num_list *years,
                              long ref_people, double ref_years, long daily_size, run_set *rs)
{
    msk_status st = MSK_OK;
    int max_threads = (int)threads->v[threads->n - 1];
    memset(rs, 0, sizeof *rs);
    for (size_t i = 0; i < threads->n; i++) {
        const run *r = measure(b, "reference", ref_people, ref_years, (int)threads->v[i], 0, 1, &st);
        if (!r)
            return st;
        if (r->threads == 1)
            rs->ref1 = r;
        if (r->threads == 2)
            rs->ref2 = r;
        rs->refmax = r;
    }
    for (size_t i = 0; i < sizes->n; i++)
        if (!(rs->by_size[i] = measure(b, "size", (long)sizes->v[i], ref_years, max_threads, 0, 1, &st)))
            return st;
    for (size_t i = 0; i < years->n; i++)
        if (!(rs->by_years[i] = measure(b, "horizon", daily_size, years->v[i], max_threads, 0, 1, &st)))
            return st;
    if (!(rs->exact = measure(b, "exact", daily_size, ref_years, 1, 0, 0, &st)))
        return st;
    if (!(rs->daily = measure(b, "daily-step", daily_size, ref_years, 1, 1.0, 0, &st)))
        return st;
    return MSK_OK;
}

/* Thread scaling, growth with size and horizon, the cost of output. */
static void print_scaling(bench *b, const run_set *rs, const num_list *threads, const num_list *sizes,
                          const num_list *years, long ref_people, double ref_years, long daily_size)
{
    const run *ref1 = rs->ref1, *ref2 = rs->ref2, *refmax = rs->refmax;
    int max_threads = (int)threads->v[threads->n - 1];
    msk_status st = MSK_OK;
    if (ref1 && ref2)
        printf("\nthreads: 2 threads simulate the reference workload %.2fx faster than 1 "
               "(parallel efficiency %.0f%%); the 2-thread run got %.2f cores of CPU time and did "
               "%.0f%% of the 1-thread work per CPU-second (a busy machine lowers the first, not "
               "the second)\n",
               ref1->f.sim_seconds / ref2->f.sim_seconds, 50.0 * ref1->f.sim_seconds / ref2->f.sim_seconds,
               ref2->f.sim_cpu_seconds / ref2->f.sim_seconds,
               100.0 * (ref2->f.person_years / ref2->f.sim_cpu_seconds) /
                   (ref1->f.person_years / ref1->f.sim_cpu_seconds));
    for (size_t i = 0; ref1 && i < threads->n; i++)
        if (threads->v[i] > 2) { /* measured already: measure() finds it */
            const run *r = measure(b, "reference", ref_people, ref_years, (int)threads->v[i], 0, 1, &st);
            printf("threads: %d threads %.2fx faster than 1\n", r->threads, ref1->f.sim_seconds / r->f.sim_seconds);
        }
    printf("size (%g years, %d threads): person-years/s/core, peak MB (output buffers in memory MB):",
           ref_years, max_threads);
    for (size_t i = 0; i < sizes->n; i++)
        printf(" %ld: %.0f, %.0f (%.0f)%s", rs->by_size[i]->people, per_core(rs->by_size[i]),
               (double)rs->by_size[i]->f.peak_rss_kb / 1024.0, buffers_in_memory(&rs->by_size[i]->f),
               i + 1 < sizes->n ? ";" : "\n");
    printf("horizon (%ld people, %d threads): person-years/s/core, peak MB (accumulators MB):", daily_size,
           max_threads);
    for (size_t i = 0; i < years->n; i++)
        printf(" %g y: %.0f, %.0f (%.0f)%s", rs->by_years[i]->years, per_core(rs->by_years[i]),
               (double)rs->by_years[i]->f.peak_rss_kb / 1024.0, rs->by_years[i]->f.accumulator_mb,
               i + 1 < years->n ? ";" : "\n");
    printf("output: the reference workload's result file (%.0f MB) took %.1f s to write, %.0f%% of "
           "its run; the simulation itself writes nothing\n",
           refmax->f.output_mb, refmax->f.output_seconds,
           100.0 * refmax->f.output_seconds / (refmax->f.output_seconds + refmax->f.sim_seconds));
}

/* Every target of the performance issue as met or not. */
static void print_targets(const run_set *rs, const num_list *sizes, double worst)
{
    const run *ref1 = rs->ref1, *ref2 = rs->ref2;
    /* Peak memory at 10^6 people: measured, or extrapolated linearly in the size. */
    const run *big = NULL, *small = NULL;
    for (size_t i = 0; i < sizes->n; i++) {
        if (!big || rs->by_size[i]->people > big->people)
            big = rs->by_size[i];
        if (!small || rs->by_size[i]->people < small->people)
            small = rs->by_size[i];
    }
    double peak = (double)big->f.peak_rss_kb / 1024.0, buffers = buffers_in_memory(&big->f);
    int measured = big->people == 1000000;
    if (!measured && big != small) {
        double slope = ((double)big->f.peak_rss_kb - (double)small->f.peak_rss_kb) / 1024.0 /
                       (double)(big->people - small->people);
        peak += slope * (double)(1000000 - big->people);
    }
    double ratio = per_core(rs->exact) / per_core(rs->daily);
    printf("\ntargets:\n");
    printf("  %s >= %.0f person-years/s/core on the reference workload: %.0f (1 thread, wall clock), "
           "%.0f per CPU-second\n",
           verdict(ref1 && per_core(ref1) >= TARGET_PY_PER_CORE), TARGET_PY_PER_CORE,
           ref1 ? per_core(ref1) : NAN, ref1 ? ref1->f.person_years / ref1->f.sim_cpu_seconds : NAN);
    if (ref1 && ref2)
        printf("  %s 2 threads >= %.1fx one thread: %.2fx (wall clock; %.2f cores were free)\n",
               verdict(ref1->f.sim_seconds / ref2->f.sim_seconds >= TARGET_SPEEDUP_2), TARGET_SPEEDUP_2,
               ref1->f.sim_seconds / ref2->f.sim_seconds, ref2->f.sim_cpu_seconds / ref2->f.sim_seconds);
    else
        printf("  [not run] 2 threads >= %.1fx one thread: needs --threads with 1 and 2\n", TARGET_SPEEDUP_2);
    printf("  %s peak memory <= %.0f MB at 10^6 people: %.0f MB (%s; output buffers in memory %.0f "
           "MB of it at %ld people",
           verdict(peak <= TARGET_PEAK_MB_1E6), TARGET_PEAK_MB_1E6, peak,
           measured ? "measured" : "extrapolated linearly from the sizes run", buffers, big->people);
    if (big->f.sample_in_file)
        printf("; the sampled trajectories, %.0f MB, waited in a temporary file", big->f.sample_mb);
    printf(")\n");
    printf("  %s >= %.0fx faster than the daily step: %.1fx\n", verdict(ratio >= TARGET_DAILY_RATIO),
           TARGET_DAILY_RATIO, ratio);
    printf("  %s key outcomes within %.1f%% of the daily step: largest difference %.3f%%\n",
           verdict(worst <= TARGET_AGREEMENT_PCT), TARGET_AGREEMENT_PCT, worst);
}

static int run_all(bench *b, const num_list *threads, const num_list *sizes, const num_list *years,
                   long ref_people, double ref_years, long daily_size)
{
    print_header();
    run_set rs;
    msk_status st = measure_all(b, threads, sizes, years, ref_people, ref_years, daily_size, &rs);
    if (st != MSK_OK)
        return st;
    print_scaling(b, &rs, threads, sizes, years, ref_people, ref_years, daily_size);
    double worst;
    compare_daily(b, rs.exact, rs.daily, &worst);
    print_targets(&rs, sizes, worst);
    return print_draws(b, daily_size, 1, (int)threads->v[threads->n - 1], daily_size <= 100 ? 3 : 20);
}

/* The command line, with the defaults filled in. */
typedef struct {
    int quick;
    num_list threads, sizes, years, daily, people;
    const char *file, *scratch, *tsv;
} bench_args;

/* Fills *a from the options; returns -1 to go on, or the exit status (help, bad usage). */
static int parse_args(int argc, char **argv, bench_args *a)
{
    static const struct option longopts[] = {
        {"quick", no_argument, NULL, 'Q'},          {"threads", required_argument, NULL, 't'},
        {"sizes", required_argument, NULL, 'S'},    {"years", required_argument, NULL, 'Y'},
        {"daily-size", required_argument, NULL, 'D'}, {"scenario", required_argument, NULL, 'f'},
        {"scratch", required_argument, NULL, 'd'},  {"tsv", required_argument, NULL, 'T'},
        {"people", required_argument, NULL, 'P'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        num_list *l = NULL;
        int integers = 1;
        switch (c) {
        case 'Q':
            a->quick = 1;
            continue;
        case 't':
            l = &a->threads;
            break;
        case 'S':
            l = &a->sizes;
            break;
        case 'Y':
            l = &a->years;
            integers = 0;
            break;
        case 'D':
            l = &a->daily;
            break;
        case 'P':
            l = &a->people;
            break;
        case 'f':
            a->file = optarg;
            continue;
        case 'd':
            a->scratch = optarg;
            continue;
        case 'T':
            a->tsv = optarg;
            continue;
        case 'h':
            fputs(cli_bench_help, stdout);
            return 0;
        default:
            return cli_usage_error("bench", bench_usage_line, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        int single = l == &a->daily || l == &a->people;
        if (parse_list(optarg, l, integers) != 0 || (single && l->n != 1) ||
            (l == &a->threads && l->v[l->n - 1] > 4096))
            return cli_usage_error("bench", bench_usage_line, "--%s needs %s, not '%s'",
                                   c == 't'   ? "threads"
                                   : c == 'S' ? "sizes"
                                   : c == 'Y' ? "years"
                                   : c == 'P' ? "people"
                                              : "daily-size",
                                   single     ? "one whole number above 0"
                                   : integers  ? "whole numbers above 0 separated by commas (e.g. 1,2)"
                                               : "numbers above 0 separated by commas (e.g. 1,10,30)",
                                   optarg);
    }
    if (optind != argc)
        return cli_usage_error("bench", bench_usage_line, "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* Thread counts (ascending: the largest runs the scaled copies), sizes, horizons and
 * the scratch directory where none were given. */
static void fill_defaults(bench_args *a)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    num_list *threads = &a->threads;
    if (!threads->n) {
        static const int t[] = {1, 2, 4, 8, 16};
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if (t[i] == 1 || t[i] <= cores)
                threads->v[threads->n++] = t[i];
    }
    for (size_t i = 1; i < threads->n; i++)
        for (size_t j = i; j > 0 && threads->v[j] < threads->v[j - 1]; j--) {
            double x = threads->v[j];
            threads->v[j] = threads->v[j - 1];
            threads->v[j - 1] = x;
        }
    if (!a->sizes.n)
        a->sizes = a->quick ? (num_list){{100, 200}, 2} : (num_list){{10000, 100000, 1000000}, 3};
    if (!a->years.n)
        a->years = a->quick ? (num_list){{0.5, 1}, 2} : (num_list){{1, 10, 30}, 3};
    if (!a->scratch)
        a->scratch = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    if (!a->file)
        a->file = default_scenario();
}

/* The reference scenario as loaded, at most BENCH_MAX_ARMS arms. */
static msk_status load_reference(bench *b)
{
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = scenario_load(&b->base, b->file, NULL, 0, &diags);
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    if (st != MSK_OK) {
        fprintf(stderr, "msksim bench: %s: %s\n", b->file, msk_status_message(st));
        return st;
    }
    if (b->base.n_arms > BENCH_MAX_ARMS) {
        fprintf(stderr, "msksim bench: %s: at most %d arms can be compared, not %zu\n", b->file,
                BENCH_MAX_ARMS, b->base.n_arms);
        scenario_fini(&b->base);
        return MSK_EDATA;
    }
    return MSK_OK;
}

/* The TSV file (written whole or not at all) with its header row. */
static msk_status open_tsv(const char *path, atomicfile *af)
{
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = atomicfile_open(af, path, &diags);
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    if (st != MSK_OK)
        return MSK_EIO;
    fputs("run\tpeople\tyears\tthreads\tstep_days\tperson_years\tsim_seconds\tsim_cpu_seconds\t"
          "output_seconds\toutput_mb\tpeak_mb\tevents\tsteps\tsample_mb\tlog_mb\taccumulator_mb\t"
          "py_per_s_core\tevents_per_s\n",
          af->f);
    return MSK_OK;
}

/* Commit the TSV file after a complete benchmark, remove it otherwise. */
static msk_status close_tsv(atomicfile *af, msk_status st)
{
    diag_list diags;
    diag_list_init(&diags);
    msk_status ts = st == MSK_OK ? atomicfile_commit(af, &diags) : MSK_OK;
    if (st != MSK_OK)
        atomicfile_abort(af);
    diag_print(&diags, stderr);
    diag_list_fini(&diags);
    return ts != MSK_OK && st == MSK_OK ? MSK_EIO : st;
}

int cli_bench(int argc, char **argv)
{
    bench_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    fill_defaults(&a);
    if ((rc = cli_check_output_name("bench", bench_usage_line, "--tsv", a.tsv)) >= 0 ||
        (rc = cli_check_output_name("bench", bench_usage_line, "--scratch", a.scratch)) >= 0 ||
        (rc = cli_check_threads("bench", bench_usage_line, (int)a.threads.v[a.threads.n - 1])) >= 0)
        return rc;
    bench b;
    memset(&b, 0, sizeof b);
    b.file = a.file;
    b.scratch = a.scratch;
    msk_status st = load_reference(&b);
    if (st != MSK_OK)
        return msk_status_exit_code(st);
    long daily_size = a.daily.n ? (long)a.daily.v[0] : a.quick ? 100 : 10000;
    long ref_people = a.people.n ? (long)a.people.v[0] : a.quick ? 200 : (long)b.base.population.size;
    double ref_years = a.quick ? 1 : b.base.horizon_weeks / WEEKS_PER_YEAR;

    atomicfile af = {0};
    if (a.tsv && (st = open_tsv(a.tsv, &af)) != MSK_OK) {
        scenario_fini(&b.base);
        return msk_status_exit_code(st);
    }
    b.tsv = a.tsv ? af.f : NULL;
    printf("msksim bench %s (git %s): %s%s\n", MSK_VERSION, MSK_GIT_REVISION, b.file,
           a.quick ? " (--quick: tiny sizes, figures not meaningful)" : "");
    printf("workload: %s; %zu arms, observations every %g weeks, %lld sampled trajectories per arm\n",
           b.base.name, b.base.n_arms, b.base.observe_every_weeks, (long long)b.base.record.sample_size);
    machine_line(stdout, "start");
    st = run_all(&b, &a.threads, &a.sizes, &a.years, ref_people, ref_years, daily_size);
    machine_line(stdout, "end");
    if (a.tsv)
        st = close_tsv(&af, st);
    scenario_fini(&b.base);
    if (st == MSK_EINTERRUPTED)
        fprintf(stderr, "msksim bench: interrupted%s\n", a.tsv ? "; no TSV file was written" : "");
    return msk_status_exit_code(st);
}
