/* test_engine.c — determinism across thread counts, pairing, and bookkeeping. */
#include "fixture.h"
#include "testutil.h"

static const char *scenario_text =
    "name: engine-test\n"
    "seed: 42\n"
    "replicates: 2\n"
    "horizon_weeks: 30\n"
    "observe_every_weeks: 4\n"
    "population: {size: 333, age_min: 65, age_max: 90, female_fraction: 0.6}\n"
    "exposures:\n"
    "  - {kind: leg_cast, start_week: 3, duration_weeks: 4}\n"
    "record: {sample_size: 7, event_log: all}\n"
    "arms:\n"
    "  - name: none\n"
    "  - name: bfr\n"
    "    interventions:\n"
    "      - {type: bfr_resistance, duration_weeks: 20, load_pct_1rm: 30, cuff_pct_aop: 50, adherence: 0.8}\n"
    "  - name: protein\n"
    "    interventions:\n"
    "      - {type: protein, duration_weeks: 30, protein_g_per_kg: 1.4}\n";

static int same_bytes(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n) == 0;
}

/* Field by field: struct padding is not data. */
static int same_log(const event_log *x, const event_log *y)
{
    if (x->count != y->count)
        return 0;
    for (size_t i = 0; i < x->count; i++) {
        const log_entry *p = &x->items[i], *q = &y->items[i];
        if (p->individual != q->individual || p->replicate != q->replicate || p->seq != q->seq ||
            p->kind != q->kind || p->detail != q->detail || !same_bytes(&p->time, &q->time, sizeof p->time))
            return 0;
    }
    return 1;
}

static int same_record(const obs_record *p, const obs_record *q)
{
    return p->alive == q->alive && same_bytes(p->prevalent, q->prevalent, sizeof p->prevalent) &&
           (!p->alive || same_bytes(p->value, q->value, sizeof p->value)) &&
           same_bytes(p->count, q->count, sizeof p->count) &&
           same_bytes(&p->alive_days, &q->alive_days, sizeof p->alive_days) &&
           same_bytes(&p->immobilized_days, &q->immobilized_days, sizeof p->immobilized_days);
}

static int same_results(const engine_result *x, const engine_result *y)
{
    const obs_acc *a = x->acc, *b = y->acc;
    size_t ak = a->n_arms * a->n_obs;
    int ok = a->n_arms == b->n_arms && a->n_obs == b->n_obs;
    ok = ok && same_bytes(a->alive, b->alive, ak * sizeof *a->alive);
    ok = ok && same_bytes(a->prevalent, b->prevalent, ak * PREV_COUNT * sizeof *a->prevalent);
    ok = ok && same_bytes(a->count, b->count, ak * EVC_COUNT * sizeof *a->count);
    ok = ok && same_bytes(a->value, b->value, ak * OV_COUNT * sizeof *a->value);
    ok = ok && same_bytes(a->hist, b->hist, ak * OV_COUNT * OBS_HIST_BINS * sizeof *a->hist);
    ok = ok && same_bytes(a->paired, b->paired, ak * OV_COUNT * sizeof *a->paired);
    ok = ok && same_bytes(a->paired_change, b->paired_change, a->n_arms * KEY_COUNT * sizeof *a->paired_change);
    ok = ok && same_bytes(a->paired_count, b->paired_count, a->n_arms * EVC_COUNT * sizeof *a->paired_count);
    for (size_t arm = 0; ok && arm < a->n_arms; arm++)
        ok = same_log(&x->logs[arm], &y->logs[arm]);
    for (size_t i = 0; ok && i < a->n_arms * x->n_sample * a->n_obs; i++)
        ok = same_record(&x->sample[i], &y->sample[i]);
    return ok;
}

int main(void)
{
    scenario sc;
    fixture_load(&sc, scenario_text, NULL, 0);
    engine_result r1, r2, r4;
    fixture_run(&sc, 1, &r1);
    fixture_run(&sc, 2, &r2);
    fixture_run(&sc, 4, &r4);
    CHECK(same_results(&r1, &r2), "1 and 2 threads give bit-identical accumulators, logs and samples");
    CHECK(same_results(&r1, &r4), "1 and 4 threads give bit-identical accumulators, logs and samples");
    /* Sampled trajectories kept in a temporary file (spill.h) instead of memory: the
     * same records, also after their pages are handed back. */
    engine_result rs;
    diag_list d;
    diag_list_init(&d);
    engine_options spilled = {2, NULL, 0, SIZE_MAX, 1, 1, 0};
    CHECK(engine_run_blocks(&sc, &spilled, &rs, &d) == MSK_OK && rs.sample_store.fd >= 0 && r1.sample_store.fd < 0,
          "a run with a 1-byte sample memory limit keeps its sample in a temporary file (fd %d)", rs.sample_store.fd);
    diag_list_fini(&d);
    CHECK(same_results(&r1, &rs), "a sample in a temporary file gives bit-identical results");
    for (size_t a = 0; a < sc.n_arms; a++)
        engine_sample_release(&rs, a);
    CHECK(same_results(&r1, &rs), "and reads the same after its pages are released");
    engine_result_fini(&rs);

    /* Bookkeeping: everyone is observed at baseline in every arm, and the baseline is
     * the same people in every arm (paired): identical baseline sums. */
    size_t n0 = (size_t)r1.acc->alive[obs_index(r1.acc, 0, 0)];
    CHECK(n0 == 666, "baseline observed %zu of 666 people", n0);
    for (size_t a = 1; a < sc.n_arms; a++)
        CHECK(same_bytes(&r1.acc->value[obs_index(r1.acc, a, 0) * OV_COUNT],
                         &r1.acc->value[obs_index(r1.acc, 0, 0) * OV_COUNT], OV_COUNT * sizeof(obs_moments)),
              "arm %zu baseline identical to reference (same people)", a);
    size_t last = r1.acc->n_obs - 1;
    CHECK(r1.acc->alive[obs_index(r1.acc, 0, last)] <= (int64_t)n0 &&
              r1.acc->alive[obs_index(r1.acc, 0, last)] > (int64_t)n0 * 8 / 10,
          "survivors at the end: %lld of %zu", (long long)r1.acc->alive[obs_index(r1.acc, 0, last)], n0);
    double deaths = fixture_count(&r1, 0, EVC_DEATH);
    CHECK(deaths == (double)n0 - (double)r1.acc->alive[obs_index(r1.acc, 0, last)],
          "deaths (%g) account for everyone no longer alive", deaths);
    /* Everyone had the scheduled cast: one immobilization each at least. */
    double immobilized = (double)r1.acc->ever[obs_index(r1.acc, 0, last) * EVC_COUNT + EVC_IMMOBILIZATION];
    CHECK(immobilized >= (double)n0 - deaths && immobilized <= (double)n0,
          "everyone alive at week 3 had the scheduled cast (%g of %zu, %g deaths)", immobilized, n0, deaths);
    /* The event log is sorted by (replicate, individual, order). */
    int sorted = 1;
    for (size_t i = 1; i < r1.logs[0].count; i++) {
        const log_entry *p = &r1.logs[0].items[i - 1], *q = &r1.logs[0].items[i];
        if (p->replicate > q->replicate || (p->replicate == q->replicate && p->individual > q->individual) ||
            (p->replicate == q->replicate && p->individual == q->individual && p->time > q->time))
            sorted = 0;
    }
    CHECK(sorted && r1.logs[0].count > 0, "event log sorted (%zu entries)", r1.logs[0].count);
    /* Observation cadence does not change what happens: compare the end state with a
     * run observing every week (same events, same end values up to rounding). */
    const char *sets[] = {"observe_every_weeks=1"};
    scenario fine;
    fixture_load(&fine, scenario_text, sets, 1);
    engine_result rf;
    fixture_run(&fine, 2, &rf);
    double coarse_end = fixture_mean(&r1, 1, last, OV_KNEE);
    double fine_end = fixture_mean(&rf, 1, rf.acc->n_obs - 1, OV_KNEE);
    CHECK_CLOSE(coarse_end, fine_end, 1e-9, "end knee strength independent of observation cadence");
    CHECK(fixture_count(&r1, 1, EVC_FALL) == fixture_count(&rf, 1, EVC_FALL),
          "falls independent of observation cadence (%g vs %g)", fixture_count(&r1, 1, EVC_FALL),
          fixture_count(&rf, 1, EVC_FALL));

    engine_result_fini(&r1);
    engine_result_fini(&r2);
    engine_result_fini(&r4);
    engine_result_fini(&rf);
    scenario_fini(&sc);
    scenario_fini(&fine);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
