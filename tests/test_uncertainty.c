/* test_uncertainty.c — the calibration's Laplace approximation (sim/input/uncertainty.h):
 * draws reproduce the stated means, SDs and correlations on the logit scale within their
 * Monte Carlo error, a parameter with SD 0 stays at its fit, a draw is a pure function of
 * (seed, draw), bad mappings are refused at FILE:LINE:COL, and calibrate's output round-
 * trips through a parameter file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

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

/* params_dist.def: every row names a parameter of params.def, none of the shipped
 * calibration's, once; a range holds the parameter's value, inside its bounds; a fixed
 * row says why. Draws follow the stated distribution: the share of 20000 inside the
 * source's 95% CI is 0.95 (LOGNORMAL, NORMAL) within 4 binomial SDs, the uniform's mean
 * is its midpoint, and the value is a pure function of (seed, draw, row). */
static void check_source_table(void)
{
    param_uncertainty cal;
    diag_list d;
    diag_list_init(&d);
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/parameters.yaml", MSK_SOURCE_DIR);
    CHECK(uncertainty_read_file(path, &cal, &d) == MSK_OK, "the shipped calibration reads");
    size_t ranged = 0;
    for (size_t r = 0; r < model_param_dist_count; r++) {
        const model_param_dist *x = &model_param_dist_table[r];
        const model_param_info *p = model_param_find(x->group, x->name);
        char name[128];
        snprintf(name, sizeof name, "%s.%s", x->group, x->name);
        CHECK(p != NULL, "params_dist.def row %s names a parameter of params.def", name);
        if (!p)
            continue;
        for (size_t j = 0; j < cal.n; j++)
            CHECK(strcmp(cal.name[j], name) != 0, "%s is calibrated: its distribution is the calibration's", name);
        for (size_t q = 0; q < r; q++)
            CHECK(model_param_dist_table[q].group != x->group || strcmp(model_param_dist_table[q].name, x->name) != 0 ||
                      strcmp(model_param_dist_table[q].group, x->group) != 0,
                  "%s has one row", name);
        CHECK(x->source && strlen(x->source) > 10, "%s says where its distribution comes from, or why it is fixed", name);
        if (x->kind == PARAM_DIST_FIXED)
            continue;
        ranged++;
        CHECK(x->a < x->b && x->a >= p->min && x->b <= p->max && x->a <= p->def && p->def <= x->b,
              "%s: its range [%g, %g] holds its value %g, inside [%g, %g]", name, x->a, x->b, p->def, p->min, p->max);
        enum { N = 20000 };
        double inside = 0, sum = 0;
        for (int i = 0; i < N; i++) {
            double v = uncertainty_source_value(x, p, p->def, uncertainty_uniform_at(7, (uint64_t)i, r));
            inside += v >= x->a && v <= x->b;
            sum += v;
            CHECK(v >= p->min && v <= p->max, "%s: a draw %g inside its bounds", name, v);
        }
        if (x->kind == PARAM_DIST_UNIFORM)
            CHECK(inside == N && fabs(sum / N - 0.5 * (x->a + x->b)) < 4 * (x->b - x->a) / sqrt(12.0 * N),
                  "%s: uniform on its range (mean %g)", name, sum / N);
        else { /* centred on the value, the CI's width, truncated to the bounds */
            const int lg = x->kind == PARAM_DIST_LOGNORMAL;
            const double sd = (lg ? log(x->b / x->a) : x->b - x->a) / 3.919927969080108;
            const double mu = lg ? log(p->def) : p->def;
#define Z(v) gsl_cdf_ugaussian_P(((lg ? log(v) : (v)) - mu) / sd)
            const double want = (Z(x->b) - Z(x->a)) / (Z(p->max) - (p->min > 0 || !lg ? Z(p->min) : 0));
#undef Z
            CHECK(fabs(inside / N - want) < 4 * sqrt(want * (1 - want) / N) + 1e-9,
                  "%s: %.4f of draws inside the source's 95%% CI, %.4f expected", name, inside / N, want);
        }
        CHECK(uncertainty_source_value(x, p, p->def, uncertainty_uniform_at(7, 3, r)) ==
                  uncertainty_source_value(x, p, p->def, uncertainty_uniform_at(7, 3, r)),
              "%s: a draw is a pure function of (seed, draw, row)", name);
    }
    CHECK(ranged >= 5, "params_dist.def gives %zu parameters a distribution", ranged);
    uncertainty_fini(&cal);
    diag_list_fini(&d);
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
    check_source_table();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
