/* test_plot_sweep.c — figures of sweep results: the tornado chart ranks parameters by
 * their indices, a two-parameter grid gets a heat map, run results are told apart.
 * The sweeps' outcomes are made up from the design (no simulation), so the expected
 * ranking is known: y = 3 u_dose + 0.2 u_age. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "plot_sweep.h"
#include "sweepout.h"
#include "testutil.h"

static char dir[] = "/tmp/msksim-plotsweep-XXXXXX";

static int exists(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0 && st.st_size > 0;
}

/* Write a sweep file, load it, fill its outcomes from the design, write the result. */
static int make_result(const char *method, const char *result)
{
    char path[512];
    snprintf(path, sizeof path, "%s/sweep.yaml", dir);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "sweep: made-up\n"
            "base: %s/scenarios/sweeps/bfr-base.yaml\n"
            "set: {population.size: 10}\n"
            "parameters:\n"
            "  - {name: dose, path: arms.bfr-walking.interventions.0.cuff_pct_aop, levels: [40, 50, 60]}\n"
            "  - {name: age, path: population.age_mean, range: [70, 80], steps: 2}\n"
            "design: %s\n"
            "outcomes:\n"
            "  - {arm: bfr-walking, variable: falls_per_1000py, name: y}\n"
            "  - {arm: bfr-walking, variable: deaths_per_1000py, name: z}\n",
            MSK_SOURCE_DIR, method);
    fclose(f);
    diag_list d;
    diag_list_init(&d);
    sweep sw;
    if (sweep_load(&sw, path, NULL, 0, 0, &d) != MSK_OK) {
        diag_print(&d, stderr);
        return 0;
    }
    double *v = malloc(sw.n_tasks * 2 * sizeof *v);
    for (size_t t = 0; t < sw.n_tasks; t++) {
        const double *u = &sw.design.x[t * 2];
        v[t * 2] = 3 * u[0] + 0.2 * u[1];
        v[t * 2 + 1] = u[1];
    }
    sweepout_analysis a;
    snprintf(path, sizeof path, "%s/%s", dir, result);
    int ok = sweepout_analyse(&sw, v, &a) == MSK_OK && sweepout_write(&sw, v, &a, path, "test", &d) == MSK_OK;
    diag_print(&d, stderr);
    sweepout_analysis_fini(&a);
    free(v);
    sweep_fini(&sw);
    diag_list_fini(&d);
    return ok;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 99;
    char result[600], figs[600];
    diag_list d;
    diag_list_init(&d);

    CHECK(make_result("{method: saltelli, samples: 64, bootstrap: 100}", "saltelli.h5"), "a made-up Saltelli sweep result");
    snprintf(result, sizeof result, "%s/saltelli.h5", dir);
    CHECK(plot_sweep_detect(result) == 1, "plot_sweep_detect recognizes a sweep result");
    snprintf(figs, sizeof figs, "%s/figs", dir);
    int n = 0;
    msk_status st = plot_sweep(result, figs, GP_PNG, &n, &d);
    diag_print(&d, stdout);
    CHECK(st == MSK_OK && n == 3, "Saltelli result: %d figures (tornado + one per outcome), status %d", n, st);
    char name[64];
    const char *files[] = {"figs/sweep-indices.png", "figs/sweep-indices.gp", "figs/sweep-outcome-1.png",
                           "figs/sweep-outcome-2.tsv"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%s", files[i]);
        CHECK(exists(name), "%s written", files[i]);
    }
    CHECK(!exists("figs/sweep-heatmap.gp"), "no heat map for a Saltelli design");
    /* In the tornado data the dominant parameter comes last (top row) for outcome y. */
    char tsv[700], line[512], last[512] = "";
    snprintf(tsv, sizeof tsv, "%s/figs/sweep-indices.tsv", dir);
    FILE *f = fopen(tsv, "r");
    while (f && fgets(line, sizeof line, f) && strcmp(line, "\n") != 0)
        if (line[0] != '#')
            memcpy(last, line, sizeof last);
    if (f)
        fclose(f);
    CHECK(strncmp(last, "dose\t1\t", 7) == 0, "y = 3 dose + 0.2 age: 'dose' is the top row of the tornado (%.40s)", last);

    CHECK(make_result("{method: grid}", "grid.h5"), "a made-up grid sweep result (3 x 2)");
    snprintf(result, sizeof result, "%s/grid.h5", dir);
    snprintf(figs, sizeof figs, "%s/gridfigs", dir);
    st = plot_sweep(result, figs, GP_PNG, &n, &d);
    diag_print(&d, stdout);
    CHECK(st == MSK_OK && n == 3, "grid result: %d figures (2 outcome panels + heat map, no tornado)", n);
    CHECK(exists("gridfigs/sweep-heatmap.png") && !exists("gridfigs/sweep-indices.gp"), "heat map drawn, no tornado");

    /* Not a sweep: a text file, a missing file. */
    snprintf(result, sizeof result, "%s/sweep.yaml", dir);
    CHECK(plot_sweep_detect(result) == -1, "a YAML file is not HDF5");
    size_t before = d.errors;
    CHECK(plot_sweep(result, figs, GP_PNG, &n, &d) == MSK_EDATA && d.errors == before + 1,
          "plot_sweep refuses it with one diagnostic: %s", d.count ? d.items[d.count - 1].message : "");
    snprintf(result, sizeof result, "%s/none.h5", dir);
    CHECK(plot_sweep(result, figs, GP_PNG, &n, &d) == MSK_ENOINPUT, "a missing file is MSK_ENOINPUT");

    diag_list_fini(&d);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
