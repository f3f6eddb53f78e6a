/* estimate.c — memory, disk and time a run will need, from the scenario and a pilot (estimate.h). */
#include "estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* The result file, measured on compare-interventions (5 arms; h5ls sizes, msksim
 * 0.x, 2026-12): about 70 KiB of metadata per arm on top of a fixed part, 1.75 KiB per
 * arm and observation time (summaries, quantiles, paired differences), 50 to 83 bytes per
 * sampled person and time (values and counts, compressed; taken as 64), 5 bytes
 * per event-log entry (six columns, 29 bytes, that compress well: sorted ids, small
 * kinds; vicious-cycle.yaml) taken as 8. Rounded up: a planning figure, within a factor of
 * two of the file (tests/cli_resources.sh), not a promise. */
enum {
    OUT_FIXED = 128 << 10,
    OUT_PER_ARM = 64 << 10,
    OUT_PER_ARM_OBS = 2 << 10,
    OUT_PER_SAMPLE_RECORD = 64,
    OUT_PER_LOG_ENTRY = 8
};

/* The pilot: the scenario's first people, every arm, observed at the start and the end,
 * everyone's events logged, nothing sampled. */
static scenario pilot_scenario(const scenario *sc, size_t people)
{
    scenario p = *sc; /* shares sc's arrays, read only; never passed to scenario_fini */
    p.population.size = (long long)people;
    p.replicates = 1;
    p.observe_every_weeks = p.horizon_weeks;
    p.record.sample_size = 0;
    p.record.event_log = EVENTLOG_ALL;
    return p;
}

/* Mean and standard deviation of log entries per pilot person, all arms together. */
static int pilot_log_stats(const engine_result *r, size_t n_arms, size_t people, double *mean, double *sd)
{
    double *per = calloc(people, sizeof *per);
    if (!per)
        return -1;
    for (size_t a = 0; a < n_arms; a++)
        for (size_t i = 0; i < r->logs[a].count; i++)
            if (r->logs[a].items[i].individual < people)
                per[r->logs[a].items[i].individual] += 1;
    double s = 0, ss = 0;
    for (size_t i = 0; i < people; i++)
        s += per[i];
    *mean = s / (double)people;
    for (size_t i = 0; i < people; i++)
        ss += (per[i] - *mean) * (per[i] - *mean);
    *sd = people > 1 ? sqrt(ss / (double)(people - 1)) : 0;
    free(per);
    return 0;
}

/* Entries the whole run will log: the pilot's mean scaled to the logged people, plus
 * three standard errors of that mean (the pilot is a sample), exact when the pilot was
 * everyone. */
static double expected_log_entries(const scenario *sc, const engine_estimate *e, double sd)
{
    uint64_t logged = sc->record.event_log == EVENTLOG_ALL ? e->people
                      : sc->record.event_log == EVENTLOG_SAMPLE
                          ? (uint64_t)(sc->record.sample_size < sc->population.size ? sc->record.sample_size
                                                                                      : sc->population.size)
                          : 0;
    if (logged == 0)
        return 0;
    double margin = logged > e->pilot_people ? 3 * sd / sqrt((double)e->pilot_people) : 0;
    return (double)logged * (e->log_per_person + margin);
}

/* The parts known from the scenario alone. */
static void fixed_parts(const scenario *sc, int threads, engine_estimate *e)
{
    /* With strata, threads add into cells of (arm, stratum), and the run holds the
     * cells and their per-arm totals. */
    const size_t cells = e->n_arms * engine_strata_count(sc);
    e->acc_bytes = obs_acc_bytes(e->n_arms, e->n_obs) + (cells > e->n_arms ? obs_acc_bytes(cells, e->n_obs) : 0);
    e->thread_bytes = (uint64_t)threads * (obs_work_bytes(cells, e->n_obs) +
                                           (uint64_t)e->n_arms * e->n_obs * sizeof(obs_record));
    uint64_t n_sample = (uint64_t)(sc->record.sample_size < sc->population.size ? sc->record.sample_size
                                                                                 : sc->population.size);
    e->sample_bytes = (uint64_t)e->n_arms * n_sample * e->n_obs * sizeof(obs_record);
    e->sample_on_disk = e->sample_bytes > SPILL_MEMORY_LIMIT;
    e->temp_bytes = e->sample_on_disk ? e->sample_bytes : 0;
    e->output_bytes = OUT_FIXED + (uint64_t)e->n_arms * OUT_PER_ARM +
                      (uint64_t)(cells > e->n_arms ? cells + e->n_arms : e->n_arms) * e->n_obs * OUT_PER_ARM_OBS +
                      e->sample_bytes / sizeof(obs_record) * OUT_PER_SAMPLE_RECORD;
}

/* Add the event log and total the memory: a spilled sample still passes through memory
 * one arm at a time when the result is written. */
static void totals(engine_estimate *e)
{
    e->log_bytes = (uint64_t)ceil(e->log_entries * ESTIMATE_LOG_ENTRY_PEAK);
    e->output_bytes += (uint64_t)ceil(e->log_entries * OUT_PER_LOG_ENTRY);
    uint64_t sample_resident = e->sample_on_disk ? e->sample_bytes / (e->n_arms ? e->n_arms : 1) : e->sample_bytes;
    e->memory_bytes = e->acc_bytes + e->thread_bytes + sample_resident + e->log_bytes;
}

msk_status engine_estimate_run(const scenario *sc, int threads, engine_estimate *e, diag_list *diags)
{
    memset(e, 0, sizeof *e);
    double *days = NULL;
    e->n_obs = engine_observation_days(sc, &days);
    free(days);
    if (e->n_obs == 0)
        return MSK_ENOMEM;
    e->n_arms = sc->n_arms;
    e->people = (uint64_t)sc->population.size * (uint64_t)sc->replicates;
    e->pilot_people = (size_t)(e->people < ESTIMATE_PILOT_PEOPLE ? e->people : ESTIMATE_PILOT_PEOPLE);
    fixed_parts(sc, threads, e);

    scenario p = pilot_scenario(sc, e->pilot_people);
    engine_options opt = {.threads = 1, .stop = NULL, .block_begin = 0, .block_end = SIZE_MAX, .quiet = 1};
    engine_result r;
    msk_status st = engine_run_blocks(&p, &opt, &r, diags);
    if (st != MSK_OK)
        return st;
    double sd = 0;
    if (pilot_log_stats(&r, e->n_arms, e->pilot_people, &e->log_per_person, &sd) != 0)
        st = MSK_ENOMEM;
    e->seconds = r.seconds * (double)e->people / (double)e->pilot_people / threads;
    engine_result_fini(&r);
    e->log_entries = expected_log_entries(sc, e, sd);
    totals(e);
    return st;
}

uint64_t engine_estimate_log_limit(const engine_estimate *e, uint64_t memory_budget)
{
    uint64_t rest = e->memory_bytes - e->log_bytes;
    if (rest >= memory_budget)
        return 0;
    return (memory_budget - rest) / ESTIMATE_LOG_ENTRY_PEAK;
}
