/* test_resultfile.c — reading result files defensively (resultfile.h, resultdata.h).
 *
 * Provokes every way a file can be refused — missing, a directory, empty, not HDF5,
 * cut short, another program's HDF5, an msksim-looking file with a misshapen or
 * missing variable, unsafe arm names — and checks the status (66 cannot open, 65 not a
 * usable result) and that a diagnostic names the file and the object. Then writes a
 * small real result (engine + results_write) and checks that resultdata_load reads
 * back exactly what the engine computed. */
#include "resultdata.h"
#include "resultfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "h5out.h"
#include "results.h"
#include "scenario.h"
#include "testutil.h"

static char dir[] = "/tmp/msk-test-resultfile-XXXXXX";

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static void write_bytes(const char *name, const void *data, size_t n)
{
    char p[512];
    path_in(p, sizeof p, name);
    FILE *f = fopen(p, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

/* Does some diagnostic mention all of the given fragments? */
static int diag_has(const diag_list *d, const char *a, const char *b)
{
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = &d->items[i];
        char all[8192];
        snprintf(all, sizeof all, "%s %s %s", g->file, g->path, g->message);
        if (strstr(all, a) && (!b || strstr(all, b)))
            return 1;
    }
    return 0;
}

/* Open and load; the status, with the diagnostics left in *diags. */
static msk_status open_load(const char *name, diag_list *diags)
{
    char p[512];
    path_in(p, sizeof p, name);
    resultfile rf;
    resultdata d;
    msk_status st = resultfile_open(&rf, p, diags);
    if (st == MSK_OK) {
        st = resultdata_load(&d, &rf);
        if (st == MSK_OK)
            resultdata_fini(&d);
    }
    resultfile_close(&rf);
    return st;
}

static void expect(const char *name, msk_status want, const char *fragment, const char *fragment2)
{
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = open_load(name, &diags);
    CHECK(st == want, "%s: status %d (%s), expected %d", name, st, msk_status_message(st), want);
    CHECK(diag_has(&diags, name, fragment) && (!fragment2 || diag_has(&diags, fragment2, NULL)),
          "%s: a diagnostic names the file and says '%s'%s%s (%zu diagnostics: %s)", name, fragment,
          fragment2 ? " and " : "", fragment2 ? fragment2 : "", diags.count,
          diags.count ? diags.items[0].message : "");
    diag_list_fini(&diags);
}

/* A small HDF5 file through h5out, shaped by `variant`. */
static void write_fake(const char *name, int variant)
{
    char p[512];
    path_in(p, sizeof p, name);
    diag_list diags;
    diag_list_init(&diags);
    h5out *w = h5out_create(p, &diags);
    double t[3] = {0, 1, 2};
    const char *arms[1] = {variant == 3 ? "../escape" : "none"};
    if (variant != 0)
        h5out_attr_string(w, "", "source", "msksim 0.1.0 (test)");
    h5out_attr_string(w, "", "Conventions", "CF-1.8");
    h5out_attr_string(w, "", "title", "fake");
    h5out_attr_string(w, "", "reference_arm", arms[0]);
    h5out_attr_int64(w, "", "population_size", 10);
    if (variant == 4) { /* time that runs backwards */
        t[2] = 0.5;
    }
    /* variant 6: an older msksim's time in weeks */
    h5out_dim(w, "", "time", 3, t, variant == 6 ? "week" : "days", "time");
    h5out_dim_strings(w, "", "arm", 1, arms, "arm");
    if (variant == 2 || variant == 5) {
        /* leg_lean_mass_mean over (arm, 2 values) for 3 times (variant 2); variant 5
         * omits it */
        h5out_dim(w, "", "short", 2, NULL, NULL, NULL);
        const char *dims[] = {"arm", "short"};
        if (variant == 2)
            h5out_var_double(w, "", "leg_lean_mass_mean", 2, dims, t, "kg", "short");
        else
            h5out_var_double(w, "", "something_else", 2, dims, t, "kg", "other");
    }
    h5out_commit(w);
    h5out_destroy(w);
    diag_list_fini(&diags);
}

static void bad_files(void)
{
    char p[512];
    expect("missing.h5", MSK_ENOINPUT, "cannot open", NULL);
    path_in(p, sizeof p, "adir.h5");
    mkdir(p, 0700);
    expect("adir.h5", MSK_ENOINPUT, "directory", NULL);
    write_bytes("empty.h5", "", 0);
    expect("empty.h5", MSK_EDATA, "empty file", NULL);
    const char text[] = "time,arm\n0,none\n";
    write_bytes("text.h5", text, sizeof text - 1);
    expect("text.h5", MSK_EDATA, "not an HDF5 file", NULL);
    /* The HDF5 signature followed by nothing: HDF5 itself must refuse it, quietly. */
    const unsigned char sig[] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
    write_bytes("sigonly.h5", sig, sizeof sig);
    expect("sigonly.h5", MSK_EDATA, "damaged HDF5 file", NULL);
    write_fake("foreign.h5", 0);
    expect("foreign.h5", MSK_EDATA, "not an msksim result", "source");
    write_fake("noarms.h5", 1);
    expect("noarms.h5", MSK_EDATA, "/leg_lean_mass_mean", "missing");
    write_fake("shape.h5", 2);
    expect("shape.h5", MSK_EDATA, "leg_lean_mass_mean", "has shape (1, 2); expected (1, 3)");
    write_fake("escape.h5", 3);
    expect("escape.h5", MSK_EDATA, "/arm", "'/'");
    write_fake("backwards.h5", 4);
    expect("backwards.h5", MSK_EDATA, "/time", "increasing");
    write_fake("missing-var.h5", 5);
    expect("missing-var.h5", MSK_EDATA, "leg_lean_mass_mean", "missing");
    write_fake("weeks.h5", 6);
    expect("weeks.h5", MSK_EDATA, "/time", "older msksim");

    /* A real result cut short. */
    char src[512], cut[512];
    path_in(src, sizeof src, "real.h5");
    path_in(cut, sizeof cut, "cut.h5");
    FILE *in = fopen(src, "rb");
    if (in) {
        static unsigned char buf[60000];
        size_t n = fread(buf, 1, sizeof buf, in);
        fclose(in);
        write_bytes("cut.h5", buf, n / 2);
        expect("cut.h5", MSK_EDATA, "damaged HDF5 file", "truncated");
    }
}

static void names(void)
{
    CHECK(resultfile_name_ok("bfr-walking"), "a plain arm name is safe");
    CHECK(resultfile_name_ok("caf\xC3\xA9 arm"), "UTF-8 and spaces are safe");
    CHECK(!resultfile_name_ok(""), "an empty name is refused");
    CHECK(!resultfile_name_ok("a/b"), "'/' is refused (it would address another object)");
    CHECK(!resultfile_name_ok(".."), "'..' is refused");
    CHECK(!resultfile_name_ok("tab\there"), "control characters are refused");
    CHECK(!resultfile_name_ok("\xC3"), "cut UTF-8 is refused");
    CHECK(!resultfile_name_ok("\xC0\xAF"), "overlong UTF-8 is refused");
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK(!resultfile_name_ok(longname), "a 299-byte name is refused");
}

/* A real (small) result: what resultdata_load reads equals what the engine computed. */
static void real_result(void)
{
    char scen[512], out[512];
    path_in(scen, sizeof scen, "s.yaml");
    path_in(out, sizeof out, "real.h5");
    const char yaml[] =
        "name: t\nseed: 4\nhorizon_weeks: 12\nobserve_every_weeks: 3\n"
        "population: {size: 64}\nrecord: {sample_size: 4, event_log: all}\n"
        "exposures: [{kind: leg_cast, start_week: 1, duration_weeks: 4},\n"
        "            {kind: icu, start_week: 6, duration_weeks: 1},\n"
        "            {kind: spaceflight, start_week: 8, duration_weeks: 2}]\n"
        "arms:\n  - name: none\n  - name: cuff\n    interventions:\n"
        "      - {type: passive_bfr, start_week: 1, duration_weeks: 4, cuff_pct_aop: 55}\n";
    write_bytes("s.yaml", yaml, sizeof yaml - 1);
    scenario sc;
    diag_list diags;
    diag_list_init(&diags);
    msk_status st = scenario_load(&sc, scen, NULL, 0, &diags);
    CHECK(st == MSK_OK, "test scenario loads (%s)", diags.count ? diags.items[0].message : "");
    if (st != MSK_OK) {
        diag_list_fini(&diags);
        return;
    }
    engine_result res;
    memset(&res, 0, sizeof res);
    st = engine_run(&sc, 1, NULL, &res, &diags);
    CHECK(st == MSK_OK, "engine runs");
    if (st == MSK_OK)
        st = results_write(&res, out, "test", &diags);
    CHECK(st == MSK_OK, "result written");
    resultfile rf = {NULL, -1, NULL};
    resultdata d;
    st = st == MSK_OK ? resultfile_open(&rf, out, &diags) : st;
    if (st == MSK_OK)
        st = resultdata_load(&d, &rf);
    CHECK(st == MSK_OK, "the real result loads (%s)", diags.count ? diags.items[diags.count - 1].message : "");
    if (st == MSK_OK) {
        CHECK(d.n_arms == 2 && strcmp(d.arms[1].name, "cuff") == 0 && d.reference == 0, "arms and reference");
        CHECK(d.n_time == res.acc->n_obs, "%zu observation times", d.n_time);
        CHECK_CLOSE(d.time[d.n_time - 1], 12, 1e-12, "last observation (weeks)");
        results_arm_summary s;
        results_arm(&res, 1, &s);
        CHECK_CLOSE(d.arms[1].change_pct[RK_KNEE][0], s.change_pct[KEY_KNEE], 1e-12, "knee change % of arm 'cuff'");
        CHECK_CLOSE(d.arms[1].diff_change_pct[RK_KNEE][2], s.diff_change_hi[KEY_KNEE], 1e-12,
                    "upper CI of the paired knee difference");
        CHECK(isnan(d.arms[0].diff_change_pct[RK_KNEE][0]), "no paired difference for the reference arm");
        CHECK(d.n_sample == 4 && d.arms[0].sample[RV_LEG_LEAN] != NULL, "4 sampled people");
        double direct = res.sample[(0 * 4 + 2) * d.n_time + 1].value[OV_LEG_LEAN];
        CHECK_CLOSE(d.arms[0].sample[RV_LEG_LEAN][2 * d.n_time + 1], direct, 1e-12, "sampled person 2 at time 1");
        int cast_events = 0;
        for (size_t i = 0; i < d.arms[0].n_events; i++)
            cast_events += d.arms[0].events[i].kind == RL_IMMOBILIZATION_START && d.arms[0].events[i].detail == 0;
        CHECK(cast_events >= 4, "every sampled person's scheduled cast is in the event log (%d)", cast_events);
        CHECK(d.has_exposures && d.n_exposures == 3 && d.exposures[0].kind == RX_LEG_CAST &&
                  d.exposures[0].start_week == 1 && d.exposures[0].duration_weeks == 4,
              "the scheduled cast is read from /exposures");
        CHECK(d.n_exposures == 3 && d.exposures[1].kind == RX_ICU && d.exposures[2].kind == RX_SPACEFLIGHT,
              "icu and spaceflight read back as themselves, not as unknown");
        CHECK(d.arms[1].has_interventions && d.arms[1].n_iv == 1 && d.arms[1].iv[0].type == RI_PASSIVE_BFR &&
                  d.arms[1].iv[0].cuff_pct_aop == 55 && isnan(d.arms[1].iv[0].load_pct_1rm),
              "arm 'cuff': passive BFR at 55%% AOP, no load");
        CHECK(d.arms[0].has_interventions && d.arms[0].n_iv == 0, "arm 'none' has no intervention");
        CHECK_CLOSE(d.tscore_ref_sd_female, sc.model.bone_tscore_ref_sd_female, 1e-12, "T-score reference SD");
        resultdata_fini(&d);
    }
    resultfile_close(&rf);
    if (res.acc)
        engine_result_fini(&res);
    scenario_fini(&sc);
    diag_list_fini(&diags);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        printf("FAIL: cannot create a temporary directory\n");
        return 1;
    }
    names();
    real_result();
    bad_files();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", dir);
    return test_failures;
}
