/* fuzz_scenario.c — libFuzzer harness for the scenario loader (yamltree + scenario).
 *
 * The input is a scenario file. When its first line starts with "#set ", the rest of
 * that line holds up to four --set overrides separated by spaces, so the fuzzer also
 * reaches yamltree_set and the override checks. The file is loaded as `msksim check`
 * loads it. Beyond "no crash, no leak, no undefined behaviour", two properties are
 * checked, and a violation aborts (a finding):
 *   - the printed diagnostics are one line each, with no control character but the
 *     tab (fuzzcheck.h): a hostile file must not drive the terminal;
 *   - a scenario that loads writes effective values (`msksim params FILE`) that load
 *     again, to the same effective values. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzcheck.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The name given to the text: in a directory that does not exist, so a `parameters:`
 * key names no real file unless it is absolute. */
static const char name[] = "/nonexistent-msk-fuzz/scenario.yaml";

/* The effective values of sc as YAML; malloc'ed, *len set. */
static char *effective(const scenario *sc, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        abort();
    scenario_write_effective(sc, f);
    fclose(f);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char line[512];
    const char *sets[4];
    size_t n_sets = 0;
    if (size >= 5 && memcmp(text, "#set ", 5) == 0) {
        const char *nl = memchr(text, '\n', size);
        size_t n = (nl ? (size_t)(nl - text) : size) - 5;
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, text + 5, n);
        line[n] = '\0';
        if (strlen(line) == n) /* no NUL inside: argv strings cannot hold one */
            for (char *tok = strtok(line, " "); tok && n_sets < 4; tok = strtok(NULL, " "))
                sets[n_sets++] = tok;
    }

    diag_list d;
    diag_list_init(&d);
    scenario sc;
    msk_status st = scenario_load_text(&sc, name, text, size, sets, n_sets, &d);
    fuzzcheck_printed(&d);
    fuzzcheck_refusal(st, &d);
    if (st == MSK_OK) {
        size_t len1 = 0, len2 = 0;
        char *eff1 = effective(&sc, &len1);
        diag_list d2;
        diag_list_init(&d2);
        scenario sc2;
        msk_status st2 = scenario_load_text(&sc2, name, eff1, len1, NULL, 0, &d2);
        if (st2 != MSK_OK) {
            diag_print(&d2, stderr);
            fprintf(stderr, "effective values do not load again:\n%s\n", eff1);
            abort();
        }
        char *eff2 = effective(&sc2, &len2);
        /* The first lines are comments naming the source; the values must agree. */
        const char *v1 = strstr(eff1, "\nname:"), *v2 = strstr(eff2, "\nname:");
        if (!v1 || !v2 || strcmp(v1, v2) != 0) {
            fprintf(stderr, "effective values changed on reloading:\n%s\n---\n%s\n", eff1, eff2);
            abort();
        }
        free(eff1);
        free(eff2);
        scenario_fini(&sc2);
        diag_list_fini(&d2);
        scenario_fini(&sc);
    }
    diag_list_fini(&d);
    return 0;
}
