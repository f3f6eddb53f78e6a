/* test_blockmerge.c — a population split into block ranges and merged gives the data
 * of one run over all blocks, bit for bit, in any merge order, in memory or packed (as
 * MPI ranks send it). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blockmerge.h"
#include "engine.h"
#include "scenario.h"
#include "testutil.h"

/* strata: a record.strata value, or NULL for none. */
static void load(scenario *sc, const char *strata)
{
    const char *sets[] = {"population.size=300", "replicates=2", "record.sample_size=150",
                          "record.event_log=all", "horizon_weeks=26", strata};
    diag_list d;
    diag_list_init(&d);
    msk_status st = scenario_load(sc, MSK_SOURCE_DIR "/scenarios/compare-interventions.yaml", sets,
                                  strata ? 6 : 5, &d);
    diag_print(&d, stderr);
    diag_list_fini(&d);
    if (st != MSK_OK)
        exit(99);
}

static void run(const scenario *sc, size_t b0, size_t b1, int threads, engine_result *r)
{
    engine_options opt = {threads, NULL, b0, b1, 1, 0, 0};
    diag_list d;
    diag_list_init(&d);
    msk_status st = engine_run_blocks(sc, &opt, r, &d);
    diag_print(&d, stderr);
    diag_list_fini(&d);
    if (st != MSK_OK)
        exit(99);
}

/* Field by field where structs have padding (log entries, people, records), whole
 * arrays for the accumulators (integers, calloc'ed, padding never written). */
static int same_log(const event_log *a, const event_log *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        const log_entry *x = &a->items[i], *y = &b->items[i];
        if (x->individual != y->individual || x->replicate != y->replicate || x->seq != y->seq ||
            x->kind != y->kind || x->detail != y->detail || memcmp(&x->time, &y->time, sizeof x->time) != 0)
            return 0;
    }
    return 1;
}

static int same_person(const person *x, const person *y)
{
    const double *dx = &x->age, *dy = &y->age;
    const size_t n = (size_t)(&x->menopause_age - &x->age) + 1; /* the doubles age .. menopause_age */
    return x->id == y->id && x->replicate == y->replicate && x->female == y->female && x->condition == y->condition &&
           memcmp(dx, dy, n * sizeof *dx) == 0;
}

static int same_record(const obs_record *x, const obs_record *y)
{
    return x->alive == y->alive && memcmp(x->prevalent, y->prevalent, sizeof x->prevalent) == 0 &&
           memcmp(x->value, y->value, sizeof x->value) == 0 && memcmp(x->count, y->count, sizeof x->count) == 0 &&
           memcmp(&x->alive_days, &y->alive_days, sizeof x->alive_days) == 0 &&
           memcmp(&x->immobilized_days, &y->immobilized_days, sizeof x->immobilized_days) == 0;
}

static int same_acc(const obs_acc *x, const obs_acc *y)
{
    if (!x || !y)
        return x == y;
    const size_t ak = x->n_arms * x->n_obs, na = x->n_arms;
    int same = x->n_arms == y->n_arms && x->n_obs == y->n_obs;
    return same && !memcmp(x->enrolled, y->enrolled, na * sizeof *x->enrolled) &&
           !memcmp(x->alive, y->alive, ak * sizeof *x->alive) &&
           !memcmp(x->prevalent, y->prevalent, ak * PREV_COUNT * sizeof *x->prevalent) &&
           !memcmp(x->count, y->count, ak * EVC_COUNT * sizeof *x->count) &&
           !memcmp(x->ever, y->ever, ak * EVC_COUNT * sizeof *x->ever) &&
           !memcmp(x->alive_days, y->alive_days, ak * sizeof *x->alive_days) &&
           !memcmp(x->immobilized_days, y->immobilized_days, ak * sizeof *x->immobilized_days) &&
           !memcmp(x->value, y->value, ak * OV_COUNT * sizeof *x->value) &&
           !memcmp(x->hist, y->hist, ak * OV_COUNT * OBS_HIST_BINS * sizeof *x->hist) &&
           !memcmp(x->paired, y->paired, ak * OV_COUNT * sizeof *x->paired) &&
           !memcmp(x->change_pct, y->change_pct, na * KEY_COUNT * sizeof *x->change_pct) &&
           !memcmp(x->paired_change, y->paired_change, na * KEY_COUNT * sizeof *x->paired_change) &&
           !memcmp(x->paired_count, y->paired_count, na * EVC_COUNT * sizeof *x->paired_count);
}

static int same_data(const engine_result *a, const engine_result *b)
{
    const size_t na = a->acc->n_arms;
    int same = a->n_sample == b->n_sample && a->n_strata == b->n_strata && same_acc(a->acc, b->acc) &&
               same_acc(a->strata, b->strata);
    for (size_t arm = 0; same && arm < na; arm++)
        same = same_log(&a->logs[arm], &b->logs[arm]);
    for (size_t i = 0; same && i < a->n_sample; i++)
        same = same_person(&a->sample_people[i], &b->sample_people[i]);
    for (size_t i = 0; same && i < na * a->n_sample * a->acc->n_obs; i++)
        same = same_record(&a->sample[i], &b->sample[i]);
    return same;
}

/* Block ranges merged in memory and packed give one run's data; returns the full
 * run in *whole. */
static void check_layouts(const scenario *sc, engine_result *whole)
{
    const size_t n = engine_block_count(sc);
    CHECK(n == 10, "600 people in blocks of %d: %zu blocks", ENGINE_BLOCK, n);

    engine_result full;
    run(sc, 0, SIZE_MAX, 2, &full);
    CHECK(full.block_begin == 0 && full.block_end == n, "a plain run covers blocks [%zu, %zu)", full.block_begin,
          full.block_end);
    size_t events = 0;
    for (size_t a = 0; a < sc->n_arms; a++)
        events += full.logs[a].count;
    CHECK(events > 100, "the event log has entries to merge (%zu)", events);

    /* Three ranks' worth: uneven ranges, one of them holding the sampled people 0..149
     * across its boundary; merged in reverse order. */
    const size_t cut[4] = {0, 1, 6, n};
    engine_result part[3];
    for (int i = 0; i < 3; i++)
        run(sc, cut[i], cut[i + 1], 1, &part[i]);
    CHECK(part[1].block_begin == 1 && part[1].block_end == 6, "a range run covers [%zu, %zu)",
          part[1].block_begin, part[1].block_end);
    CHECK(!same_data(&part[2], &full), "a part alone differs from the whole");
    blockmerge_add(&part[2], &part[0]);
    blockmerge_add(&part[2], &part[1]);
    CHECK(part[2].block_begin == 0 && part[2].block_end == n, "merged range [%zu, %zu)", part[2].block_begin,
          part[2].block_end);
    CHECK(same_data(&part[2], &full), "3 ranges merged in memory (order 2, 0, 1) == one run: accumulators, "
                                      "event log and sample bit-identical");

    /* Packed, as rank 0 receives them, in rank order; plus an empty range (more ranks
     * than blocks). */
    engine_result p0, p1, empty;
    run(sc, 0, 4, 2, &p0);
    run(sc, 4, n, 1, &p1);
    run(sc, n, n, 1, &empty);
    void *buf;
    size_t len;
    CHECK(blockmerge_pack(&p1, &buf, &len) == MSK_OK, "pack a range (%zu bytes)", len);
    CHECK(blockmerge_add_packed(&p0, buf, len) == MSK_OK, "add it packed");
    CHECK(blockmerge_add_packed(&p0, buf, len - 16) == MSK_ESOFTWARE,
          "a truncated buffer is refused as a bug (MSK_ESOFTWARE)");
    free(buf);
    blockmerge_pack(&empty, &buf, &len);
    CHECK(blockmerge_add_packed(&p0, buf, len) == MSK_OK, "an empty range adds nothing but is accepted");
    free(buf);
    CHECK(same_data(&p0, &full), "2 ranges (2 and 1 threads) merged packed == one run, bit for bit");

    *whole = full;
    for (int i = 0; i < 3; i++)
        engine_result_fini(&part[i]);
    engine_result_fini(&p0);
    engine_result_fini(&p1);
    engine_result_fini(&empty);
}

int main(void)
{
    scenario plain, strata;
    load(&plain, NULL);
    load(&strata, "record.strata=sex, age who_class,sarcopenia");
    CHECK(strata.strata.count == 2 * 2 * 3 * 2, "sex x 2 age bands x 3 WHO classes x sarcopenia: %zu strata",
          strata.strata.count);
    engine_result a, b;
    check_layouts(&plain, &a);
    check_layouts(&strata, &b);
    CHECK(a.strata == NULL && b.strata != NULL && b.n_strata == strata.strata.count,
          "strata are kept only when asked for (%zu)", b.n_strata);
    b.n_strata = 1;
    obs_acc *cells = b.strata;
    b.strata = NULL;
    CHECK(same_data(&a, &b), "the strata's totals per arm == the run without strata, bit for bit");
    int64_t people = 0;
    size_t same_people = 0, filled = 0;
    for (size_t s = 0; s < strata.strata.count; s++) {
        people += cells->enrolled[s];
        filled += cells->enrolled[s] > 0;
        same_people += cells->enrolled[s] == cells->enrolled[(plain.n_arms - 1) * strata.strata.count + s];
    }
    CHECK(people == 600 && filled >= 12, "the strata of an arm hold everyone once (%lld of 600, in %zu strata)",
          (long long)people, filled);
    CHECK(same_people == strata.strata.count, "every stratum enrolls as many in the last arm as in the first");
    obs_destroy(cells);
    engine_result_fini(&a);
    engine_result_fini(&b);
    scenario_fini(&plain);
    scenario_fini(&strata);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
