/* fuzz_sweep.c — libFuzzer harness for the sweep-file loader.
 *
 * sweep_load reads files, so the input is written to a private directory that also
 * holds a valid base scenario, "base.yaml" (the seeds name it), and loaded as
 * `msksim check` loads a sweep file: detection, keys, the base scenario with `set:`,
 * the design and every point's scenario. A second scenario, "tiny.yaml", is there for
 * mutated `base:` keys. Beyond "no crash, no leak, no undefined behaviour": the printed
 * diagnostics are one line each without control characters, and a refusal says why
 * (fuzzcheck.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzzcheck.h"
#include "sweep.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], input[96];

static void cleanup(void)
{
    const char *names[] = {"sweep.yaml", "base.yaml", "tiny.yaml"};
    char path[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static const char base[] =
    "name: base\n"
    "horizon_weeks: 8\n"
    "observe_every_weeks: 4\n"
    "population: {size: 10, age_distribution: normal, age_mean: 72}\n"
    "record: {sample_size: 0, event_log: none}\n"
    "arms:\n"
    "  - name: none\n"
    "  - name: bfr\n"
    "    interventions:\n"
    "      - {type: bfr_walking, duration_weeks: 8, cuff_pct_aop: 50, adherence: 0.8}\n";
static const char tiny[] = "name: tiny\nhorizon_weeks: 1\npopulation: {size: 1}\narms: [{name: a}]\n";

static void put(const char *name, const char *text, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/msk-fuzz-sweep.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    atexit(cleanup);
    put("base.yaml", base, strlen(base));
    put("tiny.yaml", tiny, strlen(tiny));
    snprintf(input, sizeof input, "%s/sweep.yaml", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    put("sweep.yaml", (const char *)data, size);
    if (sweep_file_detect(input) != 1)
        return 0; /* a scenario: fuzz_scenario covers it */
    diag_list d;
    diag_list_init(&d);
    sweep sw;
    msk_status st = sweep_load(&sw, input, NULL, 0, 1, &d);
    fuzzcheck_printed(&d);
    fuzzcheck_refusal(st, &d);
    if (st == MSK_OK)
        sweep_fini(&sw);
    diag_list_fini(&d);
    return 0;
}
