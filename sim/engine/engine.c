/* engine.c — blocks of people over OpenMP threads, exact merge (see engine.h). */
#include "engine.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "progress.h"
#include "rng.h"

#define DAYS_PER_WEEK 7.0

size_t engine_observation_days(const scenario *sc, double **days)
{
    double step = sc->observe_every_weeks, horizon = sc->horizon_weeks;
    size_t n = (size_t)floor(horizon / step + 1e-9) + 1;
    int extra = fabs((double)(n - 1) * step - horizon) > 1e-9;
    *days = malloc((n + (size_t)extra) * sizeof **days);
    if (!*days)
        return 0;
    /* Clamped: k * step may exceed the horizon by a rounding error (0.4 * 3 > 1.2),
     * and an observation after the end of follow-up would never be made, leaving its
     * records unwritten. */
    for (size_t k = 0; k < n; k++)
        (*days)[k] = fmin((double)k * step, horizon) * DAYS_PER_WEEK;
    if (extra)
        (*days)[n++] = horizon * DAYS_PER_WEEK;
    return n;
}

/* Arms in simulation order: the reference first, so the others can be paired. */
static void arm_order(const scenario *sc, size_t *order)
{
    size_t k = 0;
    order[k++] = sc->reference;
    for (size_t a = 0; a < sc->n_arms; a++)
        if (a != sc->reference)
            order[k++] = a;
}

/* (replicate, individual, sequence) is unique per arm: the order of the sorted log
 * depends on nothing else, neither the threads nor the order ranks' pieces arrive in. */
static int log_before(const void *pa, const void *pb)
{
    const log_entry *a = pa, *b = pb;
    if (a->replicate != b->replicate)
        return a->replicate < b->replicate ? -1 : 1;
    if (a->individual != b->individual)
        return a->individual < b->individual ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

void engine_log_sort(event_log *log)
{
    if (log->count)
        qsort(log->items, log->count, sizeof *log->items, log_before);
}

typedef struct {
    rng_stream *rng;
    obs_work *acc;
    obs_record *rec; /* [arm][n_obs] */
    event_log *logs; /* [arm] */
    individual_work work;
} worker;

static void worker_fini(worker *w, size_t n_arms)
{
    rng_destroy(w->rng);
    obs_work_destroy(w->acc);
    free(w->rec);
    if (w->logs)
        for (size_t a = 0; a < n_arms; a++)
            event_log_fini(&w->logs[a]);
    free(w->logs);
}

static int worker_init(worker *w, const scenario *sc, size_t n_obs)
{
    memset(w, 0, sizeof *w);
    w->rng = rng_create(sc->seed);
    w->acc = obs_work_create(sc->n_arms * engine_strata_count(sc), n_obs, OBS_WORK_FOLD_PEOPLE);
    w->rec = calloc(sc->n_arms * n_obs, sizeof *w->rec);
    w->logs = calloc(sc->n_arms, sizeof *w->logs);
    if (!w->rng || !w->acc || !w->rec || !w->logs)
        return -1;
    for (size_t a = 0; a < sc->n_arms; a++)
        event_log_init(&w->logs[a]);
    return 0;
}

void engine_result_fini(engine_result *r)
{
    if (!r)
        return;
    free(r->obs_days);
    obs_destroy(r->acc);
    obs_destroy(r->strata);
    if (r->logs)
        for (size_t a = 0; a < r->plan.sc->n_arms; a++)
            event_log_fini(&r->logs[a]);
    free(r->logs);
    free(r->sample_people);
    spill_fini(&r->sample_store);
    memset(r, 0, sizeof *r);
}

void engine_sample_release(const engine_result *r, size_t arm)
{
    size_t bytes = r->n_sample * r->plan.n_obs * sizeof *r->sample;
    spill_release(&r->sample_store, arm * bytes, bytes);
}

size_t engine_strata_count(const scenario *sc)
{
    return sc->strata.count > 1 ? sc->strata.count : 1;
}

obs_acc *engine_cells(engine_result *r)
{
    return r->strata ? r->strata : r->acc;
}

void engine_strata_total(engine_result *r)
{
    if (r->strata)
        obs_merge_cells(r->acc, r->strata, r->n_strata);
}

size_t engine_block_count(const scenario *sc)
{
    size_t total = (size_t)sc->population.size * (size_t)sc->replicates;
    return (total + ENGINE_BLOCK - 1) / ENGINE_BLOCK;
}

/* ---- One run ---------------------------------------------------------------------- */

/* What a run shares between its steps and its threads. */
typedef struct {
    const scenario *sc;
    const engine_options *opt;
    engine_result *out;
    population *pop;
    worker *workers;  /* [threads] */
    size_t *order;    /* arms in simulation order */
    size_t n_arms, n_obs, size, total;
    progress pr;
    size_t blocks_done;
    int ineligible, interrupted, spill_errno;
    uint64_t logged;  /* event-log entries held, all threads (checked against opt->log_limit) */
    int log_full;
    /* The first person, in population order, whose simulation broke a physiological
     * invariant (invariant.h). Later blocks are skipped and earlier ones still run, so
     * the person reported does not depend on the thread count. */
    size_t bad_g;
    invariant_violation bad;
} run;

/* The observation times and the plan every person follows. */
static msk_status plan_run(engine_result *out, const scenario *sc, double step_days)
{
    size_t n_obs = engine_observation_days(sc, &out->obs_days);
    if (!n_obs)
        return MSK_ENOMEM;
    out->plan.sc = sc;
    out->plan.horizon_days = sc->horizon_weeks * DAYS_PER_WEEK;
    out->plan.n_obs = n_obs;
    out->plan.obs_days = out->obs_days;
    out->plan.fixed_step_days = step_days;
    return MSK_OK;
}

/* A person holds at most this many interventions and exposures. */
static msk_status check_limits(const scenario *sc, diag_list *diags)
{
    for (size_t a = 0; a < sc->n_arms; a++)
        if (sc->arms[a].n_interventions > INDIVIDUAL_MAX_INTERVENTIONS) {
            diag_add(diags, DIAG_ERROR, sc->source_path, sc->arms[a].line, sc->arms[a].col,
                     sc->arms[a].name, "an arm may hold at most %d interventions",
                     INDIVIDUAL_MAX_INTERVENTIONS);
            return MSK_EDATA;
        }
    if (sc->n_exposures > INDIVIDUAL_MAX_EXPOSURES) {
        diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "exposures",
                 "at most %d exposures are supported", INDIVIDUAL_MAX_EXPOSURES);
        return MSK_EDATA;
    }
    return MSK_OK;
}

/* The block range, the outputs and one worker per thread. MSK_OK or MSK_ENOMEM (what
 * was allocated is then freed by end_run). */
static msk_status start_run(run *R)
{
    const scenario *sc = R->sc;
    engine_result *out = R->out;
    const int threads = R->opt->threads;
    R->n_arms = sc->n_arms;
    R->n_obs = out->plan.n_obs;
    R->size = (size_t)sc->population.size;
    R->total = R->size * (size_t)sc->replicates;
    size_t n_blocks = (R->total + ENGINE_BLOCK - 1) / ENGINE_BLOCK;
    size_t b_begin = R->opt->block_begin, b_end = R->opt->block_end < n_blocks ? R->opt->block_end : n_blocks;
    if (b_begin > b_end)
        b_begin = b_end;
    out->block_begin = b_begin;
    out->block_end = b_end;
    out->n_people = R->total;
    out->n_sample = (size_t)sc->record.sample_size < R->size ? (size_t)sc->record.sample_size : R->size;
    out->sample_people = calloc(out->n_sample ? out->n_sample : 1, sizeof *out->sample_people);
    /* The sampled trajectories are written once and read at the end: above the limit
     * they wait in a temporary file, not in memory (spill.h). */
    size_t sample_bytes = R->n_arms * (out->n_sample ? out->n_sample : 1) * R->n_obs * sizeof *out->sample;
    if (spill_init(&out->sample_store, sample_bytes,
                   R->opt->sample_memory_limit ? R->opt->sample_memory_limit : SPILL_MEMORY_LIMIT) == 0)
        out->sample = out->sample_store.data;
    out->acc = obs_create(R->n_arms, R->n_obs);
    out->n_strata = engine_strata_count(sc);
    if (out->n_strata > 1 && !(out->strata = obs_create(R->n_arms * out->n_strata, R->n_obs)))
        return MSK_ENOMEM;
    out->logs = calloc(R->n_arms, sizeof *out->logs);
    R->workers = calloc((size_t)threads, sizeof *R->workers);
    R->order = malloc(R->n_arms * sizeof *R->order);
    int failed = !out->sample_people || !out->sample || !out->acc || !out->logs || !R->workers || !R->order;
    for (int t = 0; !failed && t < threads; t++)
        failed = worker_init(&R->workers[t], sc, R->n_obs) != 0;
    if (failed)
        return MSK_ENOMEM;
    for (size_t a = 0; a < R->n_arms; a++)
        event_log_init(&out->logs[a]);
    arm_order(sc, R->order);
    return MSK_OK;
}

/* Person g (of the whole population) in every arm, reference first. Returns 1 when
 * the run must stop this block (no eligible person, a broken invariant). */
static int simulate_person(run *R, worker *w, size_t g, individual_work *work)
{
    engine_result *out = R->out;
    const scenario *sc = R->sc;
    const size_t n_obs = R->n_obs;
    uint32_t replicate = (uint32_t)(g / R->size);
    uint64_t id = g % R->size;
    person x;
    if (population_draw(R->pop, w->rng, id, replicate, &x) != MSK_OK) {
#pragma omp atomic write
        R->ineligible = 1;
        return 1;
    }
    int sampled = replicate == 0 && id < out->n_sample;
    int logged = sc->record.event_log == EVENTLOG_ALL || (sc->record.event_log == EVENTLOG_SAMPLE && sampled);
    const obs_record *ref = NULL;
    const size_t stratum = population_stratum(&sc->strata, &x, &sc->model);
    for (size_t k = 0; k < R->n_arms; k++) {
        size_t arm = R->order[k];
        obs_record *rec = &w->rec[arm * n_obs];
        invariant_violation v = {0};
        if (individual_simulate(&out->plan, &x, arm, w->rng, rec, logged ? &w->logs[arm] : NULL, &v, work) !=
            MSK_OK) {
#pragma omp critical(msk_engine_invariant)
            if (g < R->bad_g) {
                R->bad = v;
#pragma omp atomic write
                R->bad_g = g;
            }
            return 1;
        }
        /* The histogram counts go into the shared accumulator every
         * OBS_WORK_FOLD_PEOPLE trajectories of an arm: no thread holds a full
         * copy of the histograms. */
        const size_t cell = arm * out->n_strata + stratum;
        if (obs_work_add(w->acc, cell, rec, ref)) {
#pragma omp critical(msk_engine_fold)
            obs_work_fold(engine_cells(out), w->acc, cell);
        }
        if (k == 0)
            ref = rec;
        if (sampled) {
            int e = spill_write(&out->sample_store, (arm * out->n_sample + id) * n_obs * sizeof *rec, rec,
                                n_obs * sizeof *rec);
            if (e) {
#pragma omp atomic write
                R->spill_errno = e;
            }
        }
    }
    if (sampled)
        out->sample_people[id] = x;
    return 0;
}

/* Entries in a worker's event logs. */
static uint64_t worker_logged(const worker *w, size_t n_arms)
{
    uint64_t n = 0;
    for (size_t a = 0; a < n_arms; a++)
        n += w->logs[a].count;
    return n;
}

/* Add a block's log entries to the run's count; past the limit the run stops: a log
 * that outgrows its budget ends the run early, with the cause, instead of exhausting
 * the machine at the end. */
static void count_logged(run *R, uint64_t added)
{
    uint64_t total;
#pragma omp atomic capture
    total = R->logged += added;
    if (R->opt->log_limit && total > R->opt->log_limit) {
#pragma omp atomic write
        R->log_full = 1;
    }
}

/* Block b on the calling thread, unless the run is stopping. */
static void simulate_block(run *R, size_t b)
{
    if (R->interrupted || R->ineligible || R->spill_errno || R->log_full)
        return;
    size_t first_bad;
#pragma omp atomic read
    first_bad = R->bad_g;
    if (b * ENGINE_BLOCK > first_bad)
        return;
    if (R->opt->stop && *R->opt->stop) {
#pragma omp atomic write
        R->interrupted = 1;
        return;
    }
    worker *w = &R->workers[omp_get_thread_num()];
    individual_work work = {0, 0}; /* added to w once per block: workers share cache lines */
    size_t end = (b + 1) * ENGINE_BLOCK < R->total ? (b + 1) * ENGINE_BLOCK : R->total;
    uint64_t logged_before = worker_logged(w, R->n_arms);
    for (size_t g = b * ENGINE_BLOCK; g < end; g++)
        if (simulate_person(R, w, g, &work))
            break;
    count_logged(R, worker_logged(w, R->n_arms) - logged_before);
    w->work.events += work.events;
    w->work.steps += work.steps;
    if (omp_get_thread_num() == 0) {
        size_t done;
#pragma omp atomic read
        done = R->blocks_done;
        progress_update(&R->pr, done);
    }
#pragma omp atomic update
    R->blocks_done++;
}

/* Every thread's accumulators and event logs into the result; the workers are freed. */
static msk_status merge_workers(run *R)
{
    engine_result *out = R->out;
    msk_status status = MSK_OK;
    for (int t = 0; t < R->opt->threads; t++) {
        obs_work_flush(engine_cells(out), R->workers[t].acc);
        out->work.events += R->workers[t].work.events;
        out->work.steps += R->workers[t].work.steps;
        for (size_t a = 0; a < R->n_arms && status == MSK_OK && !R->log_full; a++) {
            event_log *src = &R->workers[t].logs[a], *dst = &out->logs[a];
            if (src->failed) {
                status = MSK_ENOMEM;
                break;
            }
            if (!src->count)
                continue;
            log_entry *items = realloc(dst->items, (dst->count + src->count) * sizeof *items);
            if (!items) {
                status = MSK_ENOMEM;
                break;
            }
            memcpy(items + dst->count, src->items, src->count * sizeof *items);
            dst->items = items;
            dst->count += src->count;
            dst->capacity = dst->count;
            event_log_fini(src); /* at once: the log is held twice only one piece at a time */
        }
        worker_fini(&R->workers[t], R->n_arms);
    }
    free(R->workers);
    R->workers = NULL;
    engine_strata_total(out);
    for (size_t a = 0; a < R->n_arms; a++)
        engine_log_sort(&out->logs[a]);
    return status;
}

/* Why the run stopped, if it did: the first reason in this order. */
static msk_status run_status(const run *R, msk_status status, diag_list *diags)
{
    const scenario *sc = R->sc;
    if (status == MSK_OK && R->bad_g != SIZE_MAX) {
        invariant_report(&R->bad, sc->source_path, sc->arms[R->bad.arm].name, diags);
        status = MSK_ESOFTWARE;
    }
    if (status == MSK_OK && R->spill_errno) {
        const char *dir = getenv("TMPDIR");
        diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "record.sample_size",
                 "cannot write the sampled trajectories to their temporary file in %s: %s",
                 dir && *dir ? dir : "/tmp", strerror(R->spill_errno));
        status = MSK_EIO;
    }
    if (status == MSK_OK && R->ineligible) {
        diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "population",
                 "no eligible person found in %d draws: the inclusion criteria (tscore_min, "
                 "tscore_max, gait_max) exclude almost everyone at this age and sex mix",
                 POPULATION_MAX_ATTEMPTS);
        status = MSK_EDATA;
    }
    if (status == MSK_OK && R->log_full) {
        diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "record.event_log",
                 "the event log outgrew its memory budget: more than %llu entries after %zu of %zu "
                 "blocks of people; record.event_log: sample (or none) keeps only the sampled "
                 "people's events, and --max-memory raises the budget when the machine has more",
                 (unsigned long long)R->opt->log_limit, R->blocks_done, R->out->block_end - R->out->block_begin);
        status = MSK_ENOMEM;
    }
    if (status == MSK_OK && R->interrupted)
        status = MSK_EINTERRUPTED;
    return status;
}

/* Free what the run holds besides its result (which the caller keeps or frees). */
static void end_run(run *R)
{
    if (R->workers)
        for (int t = 0; t < R->opt->threads; t++)
            worker_fini(&R->workers[t], R->n_arms);
    free(R->workers);
    free(R->order);
    population_destroy(R->pop);
}

/* The whole run: exact event loop (step_days 0), or the benchmark's fixed steps. */
static msk_status simulate(const scenario *sc, const engine_options *opt, double step_days,
                           engine_result *out, diag_list *diags)
{
    memset(out, 0, sizeof *out);
    out->threads = opt->threads;
    run R = {.sc = sc, .opt = opt, .out = out, .bad_g = SIZE_MAX};
    msk_status status = plan_run(out, sc, step_days);
    if (status == MSK_OK)
        status = check_limits(sc, diags);
    if (status == MSK_OK && !(R.pop = population_create(sc, diags)))
        status = diags->errors ? MSK_EDATA : MSK_ENOMEM;
    if (status == MSK_OK)
        status = start_run(&R);
    if (status != MSK_OK) {
        end_run(&R);
        engine_result_fini(out);
        return status;
    }

    if (!opt->quiet)
        progress_init(&R.pr, out->block_end - out->block_begin, "simulating");
    double t0 = progress_now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(opt->threads)
    for (size_t b = out->block_begin; b < out->block_end; b++)
        simulate_block(&R, b);
    progress_finish(&R.pr, R.blocks_done);
    out->seconds = progress_now() - t0;

    status = run_status(&R, merge_workers(&R), diags);
    end_run(&R);
    if (status != MSK_OK)
        engine_result_fini(out);
    return status;
}

msk_status engine_run(const scenario *sc, int threads, volatile sig_atomic_t *stop,
                      engine_result *out, diag_list *diags)
{
    engine_options opt = {threads, stop, 0, SIZE_MAX, 0, 0, 0};
    return engine_run_blocks(sc, &opt, out, diags);
}

msk_status engine_run_blocks(const scenario *sc, const engine_options *opt, engine_result *out,
                             diag_list *diags)
{
    return simulate(sc, opt, 0.0, out, diags);
}

msk_status engine_run_stepped(const scenario *sc, const engine_options *opt, double step_days,
                              engine_result *out, diag_list *diags)
{
    return simulate(sc, opt, step_days, out, diags);
}
