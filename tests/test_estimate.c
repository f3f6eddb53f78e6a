/* test_estimate.c — resource estimates (estimate.h), the event-log bound and sizes (sysmem.h). */
#include "fixture.h" /* first: it sets the feature macros */
#include "estimate.h"
#include "sysmem.h"
#include "testutil.h"

/* More people than the pilot (256) so that the event log is extrapolated, with the
 * events of a cast and training (adverse events), two replicates. */
static const char *scenario_text =
    "name: estimate-test\n"
    "seed: 7\n"
    "replicates: 2\n"
    "horizon_weeks: 40\n"
    "observe_every_weeks: 4\n"
    "population: {size: 700, age_min: 65, age_max: 90, female_fraction: 0.6}\n"
    "exposures:\n"
    "  - {kind: leg_cast, start_week: 3, duration_weeks: 4}\n"
    "record: {sample_size: 9, event_log: all}\n"
    "arms:\n"
    "  - name: none\n"
    "  - name: bfr\n"
    "    interventions:\n"
    "      - {type: bfr_resistance, duration_weeks: 20, load_pct_1rm: 30, cuff_pct_aop: 50, adherence: 0.8}\n";

static size_t log_total(const engine_result *r, size_t n_arms)
{
    size_t n = 0;
    for (size_t a = 0; a < n_arms; a++)
        n += r->logs[a].count;
    return n;
}

static void check_estimate(const scenario *sc, const engine_result *r)
{
    engine_estimate e;
    diag_list d;
    diag_list_init(&d);
    CHECK(engine_estimate_run(sc, 2, &e, &d) == MSK_OK, "the estimate runs");
    diag_list_fini(&d);
    CHECK(e.people == 1400 && e.n_arms == 2 && e.n_obs == r->plan.n_obs && e.pilot_people == ESTIMATE_PILOT_PEOPLE,
          "people %llu, arms %zu, observation times %zu, pilot %zu", (unsigned long long)e.people, e.n_arms,
          e.n_obs, e.pilot_people);
    CHECK(e.acc_bytes == obs_acc_bytes(2, r->plan.n_obs), "accumulators: exactly what obs_create allocates");
    CHECK(e.sample_bytes == 2 * 9 * r->plan.n_obs * sizeof(obs_record) && !e.sample_on_disk,
          "sampled trajectories: 2 arms x 9 people x %zu times, in memory", r->plan.n_obs);
    /* The log is an upper estimate from 256 of 1400 people: not below what the run
     * logged, and within a factor 1.5 of it (three standard errors of a mean over 256
     * people, each with a handful of entries, are well inside that). */
    double actual = (double)log_total(r, 2);
    CHECK(e.log_entries >= actual && e.log_entries <= 1.5 * actual, "event log: estimated %.0f entries, logged %.0f",
          e.log_entries, actual);
    CHECK(e.memory_bytes == e.acc_bytes + e.thread_bytes + e.sample_bytes + e.log_bytes,
          "memory is the sum of its parts");
    uint64_t limit = engine_estimate_log_limit(&e, e.memory_bytes);
    CHECK(limit >= (uint64_t)e.log_entries && limit <= (uint64_t)e.log_entries + 1,
          "at exactly the estimate, the log may hold the estimated entries (%llu)", (unsigned long long)limit);
    CHECK(engine_estimate_log_limit(&e, e.acc_bytes) == 0, "a budget below the fixed parts leaves no log");
}

/* A run whose log outgrows its limit stops with MSK_ENOMEM and says which setting. */
static void check_log_limit(const scenario *sc, size_t actual)
{
    engine_result r;
    diag_list d;
    diag_list_init(&d);
    engine_options tight = {2, NULL, 0, SIZE_MAX, 1, 0, actual / 4};
    msk_status st = engine_run_blocks(sc, &tight, &r, &d);
    CHECK(st == MSK_ENOMEM && d.errors == 1 && strstr(d.items[0].message, "event_log: sample") &&
              strcmp(d.items[0].path, "record.event_log") == 0,
          "a log limit of a quarter of the entries stops the run (status %d): %s", (int)st,
          d.count ? d.items[0].message : "(no message)");
    diag_list_fini(&d);
    diag_list_init(&d);
    engine_options enough = {2, NULL, 0, SIZE_MAX, 1, 0, actual};
    st = engine_run_blocks(sc, &enough, &r, &d);
    CHECK(st == MSK_OK && log_total(&r, 2) == actual, "a limit of exactly the entries logged lets the run finish");
    if (st == MSK_OK)
        engine_result_fini(&r);
    diag_list_fini(&d);
}

static void check_sizes(void)
{
    static const struct {
        const char *text;
        uint64_t bytes;
    } ok[] = {{"400M", 400ull << 20}, {"1.5G", 3ull << 29}, {"2GiB", 2ull << 30}, {"1048576", 1048576},
              {"12kb", 12ull << 10}, {"1t", 1ull << 40}, {"64MB", 64ull << 20}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        uint64_t b = 0;
        CHECK(sysmem_parse_size(ok[i].text, &b) == 0 && b == ok[i].bytes, "'%s' is %llu bytes (got %llu)", ok[i].text,
              (unsigned long long)ok[i].bytes, (unsigned long long)b);
    }
    static const char *const bad[] = {"", "M", "-1", "0", "1e400", "4X", "12 M", "1.5GG", "nan", "0.1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint64_t b;
        CHECK(sysmem_parse_size(bad[i], &b) != 0, "'%s' is not a size", bad[i]);
    }
    char buf[32];
    CHECK(strcmp(sysmem_format(3.0 * (1 << 30), buf, sizeof buf), "3.0 GiB") == 0, "3 GiB formats as %s", buf);
    CHECK(strcmp(sysmem_format(512, buf, sizeof buf), "512 B") == 0, "512 bytes format as %s", buf);
    sysmem_budget b;
    sysmem_budget_get(&b);
    CHECK(b.bytes > (64u << 20) && b.bytes != UINT64_MAX && b.source[0],
          "this machine's budget is known: %llu bytes from %s", (unsigned long long)b.bytes, b.source);
}

int main(void)
{
    scenario sc;
    fixture_load(&sc, scenario_text, NULL, 0);
    engine_result r;
    fixture_run(&sc, 2, &r);
    check_estimate(&sc, &r);
    check_log_limit(&sc, log_total(&r, 2));
    engine_result_fini(&r);
    scenario_fini(&sc);
    check_sizes();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
