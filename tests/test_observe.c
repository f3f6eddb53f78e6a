/* test_observe.c — the accumulators: the thread accumulator (obs_work) against
 * obs_add, the fixed-point rounding against llround, quantiles in one pass against one
 * at a time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "testutil.h"

/* A small deterministic generator (the test must not depend on the engine's). */
static uint64_t state = 0x9e3779b97f4a7c15u;
static double unif(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) * 0x1p-53;
}

/* One person's trajectory: drifting values, events that accumulate, prevalences that
 * toggle, person-time that grows by a step (with the odd rounding wobble), and death
 * at a random observation (or never). */
static void trajectory(obs_record *rec, size_t n, double scale, size_t death)
{
    double v[OV_COUNT];
    for (int i = 0; i < OV_COUNT; i++)
        v[i] = (0.2 + unif()) * scale * (obs_var_table[i].hist_hi - obs_var_table[i].hist_lo);
    uint32_t count[EVC_COUNT] = {0};
    double days = 0, immob = 0;
    for (size_t k = 0; k < n; k++) {
        obs_record *r = &rec[k];
        memset(r, 0, sizeof *r);
        if (k < death) {
            r->alive = 1;
            for (int i = 0; i < OV_COUNT; i++) {
                v[i] *= 1.0 + 0.02 * (unif() - 0.6);
                r->value[i] = v[i];
            }
            if (unif() < 0.3)
                count[(size_t)(unif() * EVC_COUNT)]++;
            for (int c = 0; c < PREV_COUNT; c++)
                r->prevalent[c] = (uint8_t)(unif() < 0.3);
            if (k > 0) {
                days += 7.0 + (unif() < 0.1 ? 1e-3 * unif() : 0.0);
                if (unif() < 0.2)
                    immob += 7.0 * unif();
            }
        }
        memcpy(r->count, count, sizeof count);
        r->alive_days = days;
        r->immobilized_days = immob;
    }
}

static int same_moments(const obs_moments *a, const obs_moments *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].n != b[i].n || a[i].sum != b[i].sum || a[i].sumsq != b[i].sumsq)
            return 0;
    return 1;
}

static int same_acc(const obs_acc *a, const obs_acc *b)
{
    size_t ak = a->n_arms * a->n_obs;
    return !memcmp(a->alive, b->alive, ak * sizeof *a->alive) &&
           !memcmp(a->prevalent, b->prevalent, ak * PREV_COUNT * sizeof *a->prevalent) &&
           !memcmp(a->count, b->count, ak * EVC_COUNT * sizeof *a->count) &&
           !memcmp(a->ever, b->ever, ak * EVC_COUNT * sizeof *a->ever) &&
           !memcmp(a->alive_days, b->alive_days, ak * sizeof *a->alive_days) &&
           !memcmp(a->immobilized_days, b->immobilized_days, ak * sizeof *a->immobilized_days) &&
           same_moments(a->value, b->value, ak * OV_COUNT) &&
           same_moments(a->paired, b->paired, ak * OV_COUNT) &&
           !memcmp(a->hist, b->hist, ak * OV_COUNT * OBS_HIST_BINS * sizeof *a->hist) &&
           same_moments(a->change_pct, b->change_pct, a->n_arms * KEY_COUNT) &&
           same_moments(a->paired_change, b->paired_change, a->n_arms * KEY_COUNT) &&
           same_moments(a->paired_count, b->paired_count, a->n_arms * EVC_COUNT);
}

static void check_work_matches_add(void)
{
    enum { ARMS = 3, OBS = 37, PEOPLE = 800 };
    obs_acc *direct = obs_create(ARMS, OBS), *flushed = obs_create(ARMS, OBS);
    /* One thread accumulator folds its histogram counts often, the other never before
     * the flush. */
    obs_work *w1 = obs_work_create(ARMS, OBS, 100), *w2 = obs_work_create(ARMS, OBS, OBS_WORK_FOLD_PEOPLE);
    obs_record *rec = malloc(ARMS * OBS * sizeof *rec);
    CHECK(direct && flushed && w1 && w2 && rec, "allocations");
    if (!direct || !flushed || !w1 || !w2 || !rec)
        return;
    size_t deaths = 0;
    for (int i = 0; i < PEOPLE; i++) {
        /* Half the people die during follow-up, some at the first observation, and the
         * arms differ (values scaled, deaths shifted), so pairs are sometimes broken. */
        size_t death = unif() < 0.5 ? (size_t)(unif() * OBS) : OBS;
        deaths += death < OBS;
        for (size_t a = 0; a < ARMS; a++) {
            uint64_t saved = state;
            trajectory(&rec[a * OBS], OBS, a == 1 ? 1.5 : 1.0, a == 2 && death > 3 ? death - 3 : death);
            state = saved + 1 + a;
        }
        state += 12345;
        /* Two thread accumulators, people split between them, as the engine does; 400
         * people each, so w1 folds its histogram counts four times per arm. */
        obs_work *w = i % 2 ? w1 : w2;
        for (size_t a = 0; a < ARMS; a++) {
            const obs_record *ref = a == 0 ? NULL : rec;
            obs_add(direct, a, &rec[a * OBS], ref);
            if (obs_work_add(w, a, &rec[a * OBS], ref))
                obs_work_fold(flushed, w, a);
        }
    }
    obs_work_flush(flushed, w2);
    obs_work_flush(flushed, w1);
    CHECK(deaths > PEOPLE / 4 && deaths < 3 * PEOPLE / 4, "the records include deaths (%zu of %d people)", deaths, PEOPLE);
    CHECK(same_acc(direct, flushed), "obs_work_add + obs_work_fold + obs_work_flush == obs_add, bit "
          "for bit (%d people, %d arms, %d observations, two thread accumulators)", PEOPLE, ARMS, OBS);
    CHECK(obs_work_create(ARMS, OBS, 0) == NULL && obs_work_create(ARMS, OBS, OBS_WORK_FOLD_PEOPLE + 1) == NULL,
          "a fold interval of 0 or above %d trajectories is refused", OBS_WORK_FOLD_PEOPLE);
    CHECK(direct->alive[0] > 0 && direct->count[(OBS - 1) * EVC_COUNT] >= 0 &&
              direct->value[OV_COUNT * (OBS - 1)].n == direct->alive[OBS - 1],
          "the accumulators hold data (alive at the end of arm 0: %lld)", (long long)direct->alive[OBS - 1]);
    /* A second flush adds the same again: the flush leaves the thread accumulator as it
     * was (histogram counts already folded are not in it). */
    obs_acc *twice = obs_create(ARMS, OBS);
    obs_work_flush(twice, w1);
    obs_work_flush(twice, w2);
    obs_work_flush(twice, w1);
    obs_work_flush(twice, w2);
    CHECK(twice && twice->alive[5] == 2 * direct->alive[5] &&
              twice->value[7].sumsq == 2 * direct->value[7].sumsq,
          "flushing twice adds twice (alive %lld = 2 x %lld)", twice ? (long long)twice->alive[5] : -1LL,
          (long long)direct->alive[5]);
    obs_destroy(twice);
    CHECK(obs_work_bytes(ARMS, OBS) > (size_t)ARMS * OBS * OV_COUNT * OBS_HIST_BINS * 2 &&
              obs_acc_bytes(ARMS, OBS) > (size_t)ARMS * OBS * OV_COUNT * OBS_HIST_BINS * 4 &&
              obs_work_bytes(ARMS, OBS) < obs_acc_bytes(ARMS, OBS),
          "sizes include the histograms, 16-bit in the thread accumulator (%zu, %zu bytes)",
          obs_work_bytes(ARMS, OBS), obs_acc_bytes(ARMS, OBS));
    free(rec);
    obs_work_destroy(w1);
    obs_work_destroy(w2);
    obs_destroy(direct);
    obs_destroy(flushed);
}

/* The fixed-point grid rounds half away from zero, as llround: values exactly on the
 * half-way points of 2^-20, on both sides of zero, and large ones. */
static void check_rounding(void)
{
    static const double x[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                               4503599627370495.5, 1e15 + 0.5, -1e15 - 0.5, 3.0, -7.25, 0x1p52 + 1, 0};
    const size_t n = sizeof x / sizeof x[0];
    obs_acc *a = obs_create(1, 1);
    obs_record r;
    memset(&r, 0, sizeof r);
    r.alive = 1;
    obs_int want = 0, want_sq = 0;
    for (size_t i = 0; i < n; i++) {
        /* In units of 2^-20, so that x[i] is what is rounded. */
        for (int v = 0; v < OV_COUNT; v++)
            r.value[v] = v == OV_STEPS ? ldexp(x[i], -20) : 1.0;
        obs_add(a, 0, &r, NULL);
        long long q = llround(x[i]);
        want += q;
        want_sq += (obs_int)q * q;
    }
    CHECK(a->value[OV_STEPS].sum == want && a->value[OV_STEPS].sumsq == want_sq,
          "fixed-point sums equal the sums of llround over %zu half-way and large values (%lld)", n,
          (long long)want);
    obs_destroy(a);
}

static void check_quantiles(void)
{
    uint32_t hist[OBS_HIST_BINS];
    static const double q[] = {0.0, 0.05, 0.25, 0.5, 0.5, 0.75, 0.95, 1.0};
    const size_t nq = sizeof q / sizeof q[0];
    int same = 1, cases = 0;
    for (int trial = 0; trial < 200; trial++) {
        memset(hist, 0, sizeof hist);
        int filled = trial % 7 == 0 ? 1 : 1 + (int)(unif() * 40);
        for (int i = 0; i < filled; i++)
            hist[(size_t)(unif() * OBS_HIST_BINS)] += trial % 5 == 0 ? 1u : (uint32_t)(unif() * 1000);
        double out[8];
        obs_quantiles(hist, (obs_var)(trial % OV_COUNT), q, nq, out);
        for (size_t j = 0; j < nq; j++) {
            double one = obs_quantile(hist, (obs_var)(trial % OV_COUNT), q[j]);
            same = same && memcmp(&one, &out[j], sizeof one) == 0;
            cases++;
        }
    }
    CHECK(same, "obs_quantiles == obs_quantile bit for bit (%d quantiles of sparse and dense histograms)", cases);
    memset(hist, 0, sizeof hist);
    double out[8];
    obs_quantiles(hist, OV_BMD, q, nq, out);
    CHECK(isnan(out[0]) && isnan(out[nq - 1]), "an empty histogram has no quantiles (NaN)");
    hist[10] = 4;
    static const double desc[] = {0.9, 0.1};
    obs_quantiles(hist, OV_BMD, desc, 2, out);
    CHECK(out[0] == obs_quantile(hist, OV_BMD, 0.9) && out[1] == obs_quantile(hist, OV_BMD, 0.1) && out[0] > out[1],
          "quantiles asked in descending order are right too (%g, %g)", out[0], out[1]);
}

int main(void)
{
    check_work_matches_add();
    check_rounding();
    check_quantiles();
    return test_failures;
}
