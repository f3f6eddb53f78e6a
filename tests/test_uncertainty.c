/* test_uncertainty.c — the calibration's Laplace approximation (sim/input/uncertainty.h):
 * draws reproduce the stated means, SDs and correlations on the logit scale within their
 * Monte Carlo error, a parameter with SD 0 stays at its fit, a draw is a pure function of
 * (seed, draw), bad mappings are refused at FILE:LINE:COL, and calibrate's output round-
 * trips through a parameter file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "testutil.h"
#include "uncertainty.h"
#include "yamltree.h"

static const char good[] = "uncertainty:\n"
                           "  method: laplace\n"
                           "  residual_scale: 1.5\n"
                           "  parameters:\n"
                           "    - {name: muscle.train_gain_max, min: 0.05, max: 2.5, logit_mean: 0.3, logit_sd: 0.5}\n"
                           "    - {name: muscle.skill_max, min: 0, max: 1, logit_mean: -1.2, logit_sd: 0.2}\n"
                           "    - {name: falls.hip_age_slope, min: 0, max: 0.2, logit_mean: -0.4, logit_sd: 0}\n"
                           "  correlation:\n"
                           "    - [1, 0.6, 0]\n"
                           "    - [0.6, 1, 0]\n"
                           "    - [0, 0, 1]\n";

/* Load TEXT's uncertainty: mapping; returns uncertainty_load's result, diagnostics in d. */
static int load(const char *text, param_uncertainty *u, diag_list *d)
{
    yamltree t;
    yamltree_init(&t);
    yamltree_parse_string(&t, "u.yaml", text, strlen(text), d);
    schema_ctx c;
    schema_ctx_init(&c, d, NULL);
    int rc = t.root ? uncertainty_load(&c, yamltree_get(t.root, "uncertainty"), "uncertainty", u) : -1;
    yamltree_fini(&t);
    return rc;
}

static double logit(const param_uncertainty *u, size_t j, double v)
{
    double f = (v - u->min[j]) / (u->max[j] - u->min[j]);
    return log(f / (1 - f));
}

static void check_moments(const param_uncertainty *u)
{
    enum { N = 20000 };
    double s[2] = {0}, ss[2] = {0}, sxy = 0, v[3];
    int inside = 1, fixed = 1;
    for (uint64_t i = 0; i < N; i++) {
        uncertainty_draw(u, 7, i, v);
        double x[2] = {logit(u, 0, v[0]), logit(u, 1, v[1])};
        for (int j = 0; j < 2; j++) {
            s[j] += x[j];
            ss[j] += x[j] * x[j];
            inside &= v[j] > u->min[j] && v[j] < u->max[j];
        }
        sxy += x[0] * x[1];
        fixed &= v[2] == uncertainty_value(u, 2, u->mean[2]);
    }
    for (int j = 0; j < 2; j++) {
        double mean = s[j] / N, sd = sqrt(ss[j] / N - mean * mean);
        /* 4 standard errors: the mean's SE is sd / sqrt(N), the SD's about sd / sqrt(2N). */
        CHECK(fabs(mean - u->mean[j]) < 4 * u->sd[j] / sqrt(N), "parameter %d: mean %.4f vs %.4f on the logit scale",
              j, mean, u->mean[j]);
        CHECK(fabs(sd - u->sd[j]) < 4 * u->sd[j] / sqrt(2.0 * N), "parameter %d: SD %.4f vs %.4f", j, sd, u->sd[j]);
    }
    double m0 = s[0] / N, m1 = s[1] / N;
    double r = (sxy / N - m0 * m1) / sqrt((ss[0] / N - m0 * m0) * (ss[1] / N - m1 * m1));
    /* SE of r about (1 - r^2) / sqrt(N). */
    CHECK(fabs(r - 0.6) < 4 * (1 - 0.36) / sqrt(N), "correlation %.4f vs 0.6", r);
    CHECK(inside, "every draw strictly inside its bounds");
    CHECK(fixed, "the parameter with logit_sd 0 is held at its fitted value");
}

static void check_determinism(const param_uncertainty *u)
{
    double a[3], b[3], c[3];
    uncertainty_draw(u, 7, 123, a);
    uncertainty_draw(u, 7, 9, c);
    uncertainty_draw(u, 7, 123, b);
    CHECK(memcmp(a, b, sizeof a) == 0, "draw 123 is the same whenever it is drawn");
    CHECK(memcmp(a, c, sizeof a) != 0, "draws 9 and 123 differ");
    uncertainty_draw(u, 8, 123, c);
    CHECK(memcmp(a, c, sizeof a) != 0, "another seed draws another set");
}

/* A bad mapping is refused with a message at its place. */
static void refused(const char *what, const char *from, const char *to, const char *where, const char *words)
{
    char text[2048];
    const char *at = strstr(good, from);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
    diag_list d;
    diag_list_init(&d);
    param_uncertainty u;
    int rc = load(text, &u, &d);
    char msg[600] = "";
    if (d.count)
        snprintf(msg, sizeof msg, "%s:%d:%d: %s", d.items[0].file, d.items[0].line, d.items[0].col, d.items[0].message);
    CHECK(rc != 0 && strstr(msg, where) && strstr(msg, words), "%s is refused: %s", what, msg);
    uncertainty_fini(&u);
    diag_list_fini(&d);
}

/* calibrate's block in a parameter file: a scenario reads the file, and a block whose
 * centre is not the file's fitted value is flagged. */
static void check_parameter_file(void)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char pfile[512], sfile[512];
    snprintf(pfile, sizeof pfile, "%s/msk_test_uncertainty_%d.yaml", dir, (int)getpid());
    snprintf(sfile, sizeof sfile, "%s/msk_test_uncertainty_%d_s.yaml", dir, (int)getpid());
    for (int mismatch = 0; mismatch < 2; mismatch++) {
        FILE *f = fopen(pfile, "w");
        double v = 0.05 + 2.45 / (1 + exp(-0.3));
        fprintf(f, "model:\n  muscle:\n    train_gain_max: %.17g\n    skill_max: %.17g\n  falls:\n"
                   "    hip_age_slope: %.17g\n%s",
                mismatch ? 1.0 : v, 1 / (1 + exp(1.2)), 0.2 / (1 + exp(0.4)), good);
        fclose(f);
        f = fopen(sfile, "w");
        fprintf(f, "name: t\nhorizon_weeks: 4\nparameters: %s\npopulation:\n  size: 10\narms:\n  - name: a\n", pfile);
        fclose(f);
        scenario sc;
        diag_list d;
        diag_list_init(&d);
        msk_status st = scenario_load(&sc, sfile, NULL, 0, &d);
        int warned = 0;
        for (size_t i = 0; i < d.count; i++)
            warned |= strstr(d.items[i].message, "not come from the same fit") != NULL;
        if (mismatch)
            CHECK(st == MSK_OK && warned, "a value under model: that is not the uncertainty's centre is flagged");
        else
            CHECK(st == MSK_OK && !warned && d.errors == 0,
                  "a scenario reads a parameter file with its calibration's uncertainty");
        if (st == MSK_OK)
            scenario_fini(&sc);
        diag_list_fini(&d);
    }
    /* The shipped fit: a scenario that names it loads without a word (its unidentified
     * parameter sits at logit -94, on its bound). */
    FILE *f = fopen(sfile, "w");
    fprintf(f, "name: t\nhorizon_weeks: 4\nparameters: %s/scenarios/parameters.yaml\npopulation:\n  size: 10\n"
               "arms:\n  - name: a\n",
            MSK_SOURCE_DIR);
    fclose(f);
    scenario sc;
    diag_list d;
    diag_list_init(&d);
    msk_status st = scenario_load(&sc, sfile, NULL, 0, &d);
    CHECK(st == MSK_OK && d.count == 0, "a scenario loads the shipped scenarios/parameters.yaml with its uncertainty "
          "(%zu diagnostics%s%s)", d.count, d.count ? ": " : "", d.count ? d.items[0].message : "");
    if (st == MSK_OK)
        scenario_fini(&sc);
    diag_list_fini(&d);
    remove(pfile);
    remove(sfile);
}

int main(void)
{
    param_uncertainty u;
    diag_list d;
    diag_list_init(&d);
    int rc = load(good, &u, &d);
    CHECK(rc == 0 && u.n == 3 && u.residual_scale == 1.5, "a calibration's uncertainty loads (%zu parameters)", u.n);
    if (rc == 0) {
        check_moments(&u);
        check_determinism(&u);
    }
    uncertainty_fini(&u);
    diag_list_fini(&d);
    refused("a correlation matrix that is not positive definite", "[1, 0.6, 0]\n    - [0.6, 1, 0]",
            "[1, 1, 0]\n    - [1, 1, 0]", "u.yaml:9:", "not positive definite");
    refused("an unknown parameter", "muscle.skill_max", "muscle.skill_maximum", "u.yaml:6:",
            "not a model parameter");
    refused("a missing row", "    - [0, 0, 1]\n", "", "u.yaml:9:", "3 rows");
    refused("an unknown method", "laplace", "mcmc", "u.yaml:2:", "expected laplace");
    refused("a negative SD", "logit_sd: 0.2", "logit_sd: -0.2", "u.yaml:6:", "out of range");
    check_parameter_file();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
