/* test_scenario.c — the YAML tree, the scenario loader and the effective-value writer.
 *
 * Scenario files are written to a fresh mkdtemp directory and removed at the end. Each
 * check prints one line; the exit status is the number of failures. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"
#include "testutil.h"
#include "yamltree.h"

/* ---- Helpers ------------------------------------------------------------------- */

typedef struct {
    char dir[256];
    char made[32][320]; /* files and folders to remove, in reverse order */
    size_t n_made;
} workdir;

/* Record DIR/NAME for removal and return it. */
static const char *made(workdir *w, const char *name)
{
    MSK_ASSERT(w->n_made < 32);
    char path[sizeof w->made[0]];
    snprintf(path, sizeof path, "%s/%s", w->dir, name);
    memcpy(w->made[w->n_made], path, sizeof path);
    return w->made[w->n_made++];
}

static const char *put(workdir *w, const char *name, const char *text)
{
    const char *path = made(w, name);
    FILE *f = fopen(path, "w");
    MSK_ASSERT(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

static void subdir(workdir *w, const char *name)
{
    const char *path = made(w, name);
    MSK_ASSERT(mkdir(path, 0700) == 0);
}

static void cleanup(workdir *w)
{
    while (w->n_made > 0)
        remove(w->made[--w->n_made]);
    rmdir(w->dir);
}

/* Does any diagnostic, formatted as FILE:LINE:COL: PATH: MESSAGE, contain FRAG? */
static int has_diag(const diag_list *d, const char *frag)
{
    char line[1400];
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = &d->items[i];
        snprintf(line, sizeof line, "%s:%d:%d: %s: %s", g->file, g->line, g->col, g->path,
                 g->message);
        if (strstr(line, frag))
            return 1;
    }
    return 0;
}

static void dump(const diag_list *d)
{
    diag_print(d, stdout);
}

static const char minimal[] = "name: mini\n"
                              "horizon_weeks: 26\n"
                              "population:\n"
                              "  size: 100\n"
                              "arms:\n"
                              "  - name: control\n";

/* ---- yamltree ------------------------------------------------------------------ */

static void test_tree_basics(void)
{
    diag_list d;
    diag_list_init(&d);
    yamltree t;
    yamltree_init(&t);
    const char text[] = "a: 1\nb:\n  - 'x'\n  - {c: d}\nempty:\n";
    msk_status st = yamltree_parse_string(&t, "t.yaml", text, strlen(text), &d);
    CHECK(st == MSK_OK && t.root && t.root->kind == YAMLTREE_MAPPING && t.root->count == 3,
          "parse a small tree: status %d, %zu keys", (int)st, t.root ? t.root->count : 0);
    const yamltree_pair *b = yamltree_get_pair(t.root, "b");
    CHECK(b && b->key->line == 2 && b->key->col == 1, "key 'b' at 2:1 (got %d:%d)",
          b ? b->key->line : 0, b ? b->key->col : 0);
    const yamltree_node *seq = b ? b->value : NULL;
    CHECK(seq && seq->kind == YAMLTREE_SEQUENCE && seq->count == 2, "b is a list of 2");
    if (seq && seq->count == 2) {
        CHECK(seq->items[0]->quoted && strcmp(seq->items[0]->text, "x") == 0 &&
                  seq->items[0]->line == 3 && seq->items[0]->col == 5,
              "'x' is quoted, at 3:5 (got %d:%d)", seq->items[0]->line, seq->items[0]->col);
        const yamltree_node *c = yamltree_get(seq->items[1], "c");
        CHECK(c && !c->quoted && strcmp(c->text, "d") == 0 && c->line == 4 && c->col == 9,
              "flow mapping value 'd' plain at 4:9 (got %d:%d)", c ? c->line : 0, c ? c->col : 0);
    }
    const yamltree_node *a = yamltree_get(t.root, "a");
    CHECK(a && !yamltree_is_null(a) && yamltree_is_null(yamltree_get(t.root, "empty")),
          "'1' is not null, an empty value is");
    CHECK(strcmp(a ? a->file : "", "t.yaml") == 0, "nodes carry the file name");
    CHECK(yamltree_get(t.root, "zz") == NULL && yamltree_get(a, "x") == NULL,
          "get on a missing key or a scalar gives NULL");
    yamltree_fini(&t);

    /* Null spellings, and quoted ones that are text. */
    const char nulls[] = "[~, null, Null, NULL, '', 'null', nil]";
    yamltree_init(&t);
    st = yamltree_parse_string(&t, "n.yaml", nulls, strlen(nulls), &d);
    int pattern = 0;
    for (size_t i = 0; st == MSK_OK && i < t.root->count; i++)
        pattern |= yamltree_is_null(t.root->items[i]) << i;
    CHECK(pattern == 0x0F, "null spellings: mask 0x%02X (want 0x0F)", (unsigned)pattern);
    yamltree_fini(&t);
    CHECK(d.errors == 0, "no diagnostics so far (%zu)", d.errors);
    diag_list_fini(&d);
}

static void test_tree_refusals(void)
{
    static const struct {
        const char *text, *frag;
        int keeps_tree; /* problem that does not stop reading */
    } cases[] = {
        {"a: 1\na: 2\n", "t.yaml:2:1: : duplicate key 'a' (first given at line 1, column 1)", 1},
        {"a: &x 1\nb: *x\n", "t.yaml:1:4: : anchors (&x) are not supported", 1},
        {"a: 1\nb: *x\n", "t.yaml:2:4: : aliases (*x) are not supported", 1},
        {"a: !!int 1\n", "t.yaml:1:4: : explicit tags", 1},
        {"a: [1\n", "t.yaml:2:1: : YAML syntax error: did not find expected ',' or ']'", 0},
        {"a: 1\n---\nb: 2\n", "t.yaml:2:1: : a second YAML document", 0},
        {"? [a]\n: 1\n", "t.yaml:1:3: : a mapping key must be a single value, not a list", 0},
        {"a:\n\t- 1\n", "a tab: YAML is indented with spaces only", 0},
        {"a: \"\\xff\"\x01", "t.yaml:1:", 0},
        {"x: 1\n\xc3\x28\n", "t.yaml:2:1: : not valid UTF-8 text: invalid trailing UTF-8 octet (byte 0xC3)", 0},
        {"a: b\x00z\n", "t.yaml:1:5: : contains a NUL byte", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag_list d;
        diag_list_init(&d);
        yamltree t;
        yamltree_init(&t);
        /* Lengths come from the literal so the NUL case keeps its tail. */
        size_t len = strlen(cases[i].text);
        if (strstr(cases[i].frag, "NUL"))
            len = 8;
        msk_status st = yamltree_parse_string(&t, "t.yaml", cases[i].text, len, &d);
        CHECK(st == MSK_EDATA && has_diag(&d, cases[i].frag) &&
                  (t.root != NULL) == cases[i].keeps_tree,
              "refused case %zu: status %d, tree %s, wants '%s'", i, (int)st,
              t.root ? "kept" : "dropped", cases[i].frag);
        if (!has_diag(&d, cases[i].frag))
            dump(&d);
        yamltree_fini(&t);
        diag_list_fini(&d);
    }
}

static void test_tree_limits(void)
{
    diag_list d;
    diag_list_init(&d);
    yamltree t;
    size_t n = 200000 * 2 + 8;
    char *buf = malloc(n + YAMLTREE_MAX_SCALAR + 16);
    MSK_ASSERT(buf != NULL);

    for (int depth = YAMLTREE_MAX_DEPTH; depth <= YAMLTREE_MAX_DEPTH + 1; depth++) {
        size_t o = 0;
        for (int i = 0; i < depth; i++)
            buf[o++] = '[';
        for (int i = 0; i < depth; i++)
            buf[o++] = ']';
        yamltree_init(&t);
        msk_status st = yamltree_parse_string(&t, "deep.yaml", buf, o, &d);
        CHECK((st == MSK_OK) == (depth <= YAMLTREE_MAX_DEPTH),
              "nesting %d levels: status %d (limit %d)", depth, (int)st, YAMLTREE_MAX_DEPTH);
        yamltree_fini(&t);
    }
    CHECK(has_diag(&d, "deep.yaml:1:65: : nesting deeper than 64 levels"), "depth error located");

    for (size_t len = YAMLTREE_MAX_SCALAR; len <= YAMLTREE_MAX_SCALAR + 1; len++) {
        memcpy(buf, "a: ", 3);
        memset(buf + 3, 'x', len);
        yamltree_init(&t);
        msk_status st = yamltree_parse_string(&t, "long.yaml", buf, 3 + len, &d);
        CHECK((st == MSK_OK) == (len <= YAMLTREE_MAX_SCALAR), "scalar of %zu bytes: status %d",
              len, (int)st);
        yamltree_fini(&t);
    }

    size_t o = 0;
    buf[o++] = '[';
    for (size_t i = 0; i < YAMLTREE_MAX_NODES; i++) {
        buf[o++] = '0';
        buf[o++] = ',';
    }
    buf[o++] = '0';
    buf[o++] = ']';
    yamltree_init(&t);
    msk_status st = yamltree_parse_string(&t, "many.yaml", buf, o, &d);
    CHECK(st == MSK_EDATA && !t.root && has_diag(&d, "YAML nodes; too large"),
          "more than %d nodes refused: status %d", YAMLTREE_MAX_NODES, (int)st);
    yamltree_fini(&t);
    free(buf);

    yamltree_init(&t);
    st = yamltree_parse_file(&t, "/nonexistent/msk.yaml", NULL, &d);
    CHECK(st == MSK_ENOINPUT && has_diag(&d, "/nonexistent/msk.yaml:0:0: : cannot open"),
          "missing file: status %d", (int)st);
    yamltree_fini(&t);
    diag_list_fini(&d);
}

static void test_tree_set(void)
{
    diag_list d;
    diag_list_init(&d);
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_set(&t, "a.b.0.c", "1", 3, &d);
    const yamltree_node *b = yamltree_get(yamltree_get(t.root, "a"), "b");
    CHECK(st == MSK_OK && b && b->kind == YAMLTREE_SEQUENCE && b->count == 1,
          "set a.b.0.c on an empty tree builds mapping/mapping/list: status %d", (int)st);
    const yamltree_pair *c = b && b->count ? yamltree_get_pair(b->items[0], "c") : NULL;
    CHECK(c && strcmp(c->value->text, "1") == 0 && c->key->file == yamltree_cmdline_file &&
              c->key->line == 3 && c->key->col == 1 && c->value->line == 3,
          "created nodes are located at <command line>:3:1");

    const char text[] = "x:\n  - {v: 1}\n  - {v: 2}\ns: 5\n";
    yamltree_fini(&t);
    yamltree_init(&t);
    MSK_ASSERT(yamltree_parse_string(&t, "f.yaml", text, strlen(text), &d) == MSK_OK);
    st = yamltree_set(&t, "x.1.v", "'a b: c'", 1, &d);
    const yamltree_node *v = yamltree_get(yamltree_get(t.root, "x")->items[1], "v");
    CHECK(st == MSK_OK && v->quoted && strcmp(v->text, "a b: c") == 0 && v->line == 1,
          "replace x.1.v with a quoted YAML value");
    st = yamltree_set(&t, "x.2.v", "3", 2, &d);
    CHECK(st == MSK_OK && yamltree_get(t.root, "x")->count == 3, "index one past the end appends");
    st = yamltree_set(&t, "x", "[]", 3, &d);
    CHECK(st == MSK_OK && yamltree_get(t.root, "x")->kind == YAMLTREE_SEQUENCE &&
              yamltree_get(t.root, "x")->count == 0,
          "a whole list replaced by a flow value");

    static const struct {
        const char *path, *value, *frag;
        msk_status want;
    } bad[] = {
        {"s.t", "1", "<command line>:7:1: s.t: 's' holds a single value, so it has no 't'", MSK_EDATA},
        {"x.5", "1", "'x' has 0 items; index 5 is past the end (use 0 to 0)", MSK_EDATA},
        {"y.0.z", "1", "", MSK_OK},
        {"y.q", "1", "'y' is a list; 'q' is not an index", MSK_EDATA},
        {"y.01", "1", "'y' is a list; '01' is not an index", MSK_EDATA},
        {"s", "[1", "<command line>:7:1: : YAML syntax error in the --set value", MSK_EDATA},
        {"s", "&a 1", "anchors (&a) are not supported", MSK_EDATA},
        {"a..b", "1", "the key path has an empty part", MSK_EUSAGE},
        {"", "1", "the key path has an empty part", MSK_EUSAGE},
        {"a.", "1", "the key path has an empty part", MSK_EUSAGE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st = yamltree_set(&t, bad[i].path, bad[i].value, 7, &d);
        CHECK(st == bad[i].want && (!bad[i].frag[0] || has_diag(&d, bad[i].frag)),
              "set '%s' = '%s': status %d (want %d) '%s'", bad[i].path, bad[i].value, (int)st,
              (int)bad[i].want, bad[i].frag);
    }
    yamltree_fini(&t);
    diag_list_fini(&d);
}

static void test_tree_writers(void)
{
    static const double xs[] = {0.1, 0.3, 2.0 / 3, -0.06, 1e-300, 5e-324, 123456789.123,
                                1e15, 1e20, -1e-5, 4294967295.0, 0.0};
    int exact = 1;
    char buf[64];
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        yamltree_format_real(xs[i], buf, sizeof buf);
        if (strtod(buf, NULL) != xs[i]) {
            exact = 0;
            printf("  %.17g -> %s\n", xs[i], buf);
        }
    }
    CHECK(exact, "format_real round-trips %zu awkward numbers", sizeof xs / sizeof xs[0]);
    yamltree_format_real(100000000, buf, sizeof buf);
    CHECK(strcmp(buf, "100000000") == 0, "whole numbers in full: '%s'", buf);
    yamltree_format_real(0.1, buf, sizeof buf);
    CHECK(strcmp(buf, "0.1") == 0, "shortest form: '%s'", buf);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    MSK_ASSERT(f != NULL);
    yamltree_write_quoted(f, "a\"b\\c\nd\te\x01\xc3\xa9");
    fclose(f);
    CHECK(strcmp(text, "\"a\\\"b\\\\c\\nd\\te\\x01\xc3\xa9\"") == 0, "write_quoted escapes: %s",
          text);
    /* What is written reads back as the same text. */
    diag_list d;
    diag_list_init(&d);
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_parse_string(&t, "q", text, len, &d);
    CHECK(st == MSK_OK && strcmp(t.root->text, "a\"b\\c\nd\te\x01\xc3\xa9") == 0,
          "quoted text reads back unchanged");
    yamltree_fini(&t);
    diag_list_fini(&d);
    free(text);
}

/* ---- scenario: defaults, types, overrides -------------------------------------- */

#define EXPECT_DEFAULT_REAL(v, d, name)                                                      \
    if (!isnan((double)(d)))                                                                 \
        CHECK((v) == (double)(d), "default %s = %g (table %g)", name, (double)(v), (double)(d));
#define EXPECT_DEFAULT_INT(v, d, name)                                                       \
    if (!isnan((double)(d)))                                                                 \
        CHECK((v) == (long long)(d), "default %s = %lld", name, (long long)(v));
#define EXPECT_DEFAULT_ENUM(v, d, name)                                                      \
    CHECK((v) == (int)(d), "default %s = %d", name, (int)(v));
#define EXPECT_DEFAULT_BOOL EXPECT_DEFAULT_ENUM
#define EXPECT_DEFAULT_STRING(v, d, name) /* checked by hand */
#define EXPECT_top(key, kind, def)
#define EXPECT_population(key, kind, def) EXPECT_DEFAULT_##kind(sc.population.key, def, "population." #key)
#define EXPECT_record(key, kind, def) EXPECT_DEFAULT_##kind(sc.record.key, def, "record." #key)
#define EXPECT_exposure(key, kind, def)
#define EXPECT_intervention(key, kind, def)

static void test_defaults(workdir *w)
{
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    const char *path = put(w, "mini.yaml", minimal);
    msk_status st = scenario_load(&sc, path, NULL, 0, &d);
    CHECK(st == MSK_OK && d.count == 0, "minimal scenario loads: status %d, %zu diagnostics",
          (int)st, d.count);
    if (st != MSK_OK) {
        dump(&d);
        diag_list_fini(&d);
        return;
    }
    CHECK(strcmp(sc.name, "mini") == 0 && strcmp(sc.description, "") == 0 && sc.seed == 1 &&
              sc.replicates == 1 && sc.horizon_weeks == 26 && sc.observe_every_weeks == 1 &&
              strcmp(sc.parameters, "") == 0,
          "top-level values and defaults");
    CHECK(sc.n_arms == 1 && strcmp(sc.arms[0].name, "control") == 0 &&
              sc.arms[0].n_interventions == 0 && sc.reference == 0 &&
              strcmp(sc.reference_arm, "control") == 0,
          "one arm, no interventions, reference = first arm");
    CHECK(sc.arms[0].line == 6 && sc.arms[0].col == 5, "arm located at 6:5 (got %d:%d)",
          sc.arms[0].line, sc.arms[0].col);
    CHECK(sc.n_exposures == 0 && sc.exposures == NULL, "no exposures");
    CHECK(sc.population.size == 100, "population.size = %lld", sc.population.size);
#define FIELD(section, key, kind, unit, def, lo, hi, choices, applies, help) EXPECT_##section(key, kind, def)
#include "scenario.def"
#undef FIELD
    model_params defaults;
    model_params_defaults(&defaults);
    size_t same = 0;
    for (size_t i = 0; i < model_param_count; i++) {
        const size_t off = model_param_table[i].offset;
        same += *(const double *)((const char *)&sc.model + off) ==
                *(const double *)((const char *)&defaults + off);
    }
    CHECK(same == model_param_count, "model = table defaults (%zu of %zu)", same, model_param_count);
    CHECK(strcmp(sc.source_path, path) == 0 && strcmp(sc.source_text, minimal) == 0 &&
              strcmp(sc.overrides, "") == 0,
          "provenance: source path, text, no overrides");
    scenario_fini(&sc);
    CHECK(sc.arms == NULL && sc.name == NULL, "scenario_fini leaves a zeroed struct");
    scenario_fini(&sc);
    diag_list_fini(&d);
}

static void test_intervention_types(workdir *w)
{
    const char text[] = "name: types\n"
                        "horizon_weeks: 52\n"
                        "population: {size: 10}\n"
                        "arms:\n"
                        "  - name: none\n"
                        "  - name: empty\n"
                        "    interventions:\n"
                        "  - name: all\n"
                        "    interventions:\n"
                        "      - {type: protein, duration_weeks: 12, protein_g_per_kg: 1.6}\n"
                        "      - {type: walking, duration_weeks: 12, walk_minutes: 30}\n"
                        "      - {type: bfr_walking, duration_weeks: 12, cuff_pct_aop: 50}\n"
                        "      - {type: resistance, duration_weeks: 12, load_pct_1rm: 75}\n"
                        "      - {type: bfr_resistance, duration_weeks: 12, load_pct_1rm: 25, cuff_mmhg: 140}\n"
                        "      - {type: passive_bfr, start_week: 1, duration_weeks: 2, cuff_pct_aop: 40}\n"
                        "      - {type: rehabilitation, duration_weeks: 8, passive_weeks: 1}\n"
                        "reference_arm: all\n";
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    msk_status st = scenario_load(&sc, put(w, "types.yaml", text), NULL, 0, &d);
    CHECK(st == MSK_OK && d.count == 0, "every intervention type loads: status %d", (int)st);
    if (st != MSK_OK) {
        dump(&d);
        diag_list_fini(&d);
        return;
    }
    CHECK(sc.n_arms == 3 && sc.arms[0].n_interventions == 0 && sc.arms[1].n_interventions == 0 &&
              sc.arms[2].n_interventions == 7,
          "absent and null interventions are empty; 7 in the last arm");
    CHECK(sc.reference == 2, "reference_arm 'all' -> index %zu", sc.reference);
    const intervention_spec *iv = sc.arms[2].interventions;
    int types_ok = 1;
    for (int i = 0; i < 7; i++)
        types_ok &= iv[i].type == i; /* listed in enum order above */
    CHECK(types_ok, "types in order protein..rehabilitation");
    CHECK(iv[0].protein_g_per_kg == 1.6 && isnan(iv[0].load_pct_1rm) && isnan(iv[0].cuff_pct_aop),
          "protein: target 1.6, no load, no cuff");
    CHECK(iv[1].walk_minutes == 30 && iv[1].walk_speed_kmh == 4 && iv[1].sessions_per_week == 3 &&
              iv[1].start_week == 0 && iv[1].adherence == 1,
          "walking: given minutes, defaults for the rest");
    CHECK(iv[2].cuff_pct_aop == 50 && isnan(iv[2].cuff_mmhg), "bfr_walking: %%AOP given, mmHg NAN");
    CHECK(iv[3].load_pct_1rm == 75 && isnan(iv[3].cuff_pct_aop), "resistance: load 75");
    CHECK(iv[4].cuff_mmhg == 140 && isnan(iv[4].cuff_pct_aop) && iv[4].load_pct_1rm == 25,
          "bfr_resistance: mmHg given, %%AOP NAN");
    CHECK(iv[5].start_week == 1 && iv[5].duration_weeks == 2, "passive_bfr: start 1, 2 weeks");
    CHECK(iv[6].passive_weeks == 1 && iv[6].active_weeks == 2 && iv[6].bands_weeks == 4,
          "rehabilitation: stages 1/2/4 weeks");
    CHECK(iv[2].line == 12 && iv[2].col == 9, "intervention located at 12:9 (got %d:%d)",
          iv[2].line, iv[2].col);
    scenario_fini(&sc);
    diag_list_fini(&d);

    CHECK(strcmp(scenario_choice_name("intervention", "type", IV_BFR_WALKING), "bfr_walking") == 0 &&
              strcmp(scenario_choice_name("intervention", "type", IV_TYPE_COUNT - 1), "rehabilitation") == 0 &&
              scenario_choice_name("intervention", "type", IV_TYPE_COUNT) == NULL &&
              scenario_choice_name("intervention", "type", -1) == NULL,
          "intervention choices match intervention_type");
    CHECK(strcmp(scenario_choice_name("exposure", "kind", EXPO_KIND_COUNT - 1), "spaceflight") == 0 &&
              strcmp(scenario_choice_name("exposure", "kind", EXPO_ICU), "icu") == 0 &&
              scenario_choice_name("exposure", "kind", EXPO_KIND_COUNT) == NULL &&
              strcmp(scenario_choice_name("record", "event_log", EVENTLOG_SAMPLE), "sample") == 0 &&
              strcmp(scenario_choice_name("population", "age_distribution", AGE_NORMAL), "normal") == 0,
          "exposure, event_log and age choices match their enums");
    CHECK(scenario_choice_name("population", "size", 0) == NULL &&
              scenario_choice_name("nope", "type", 0) == NULL,
          "no choices for a non-ENUM or unknown key");
}

static void test_overrides(workdir *w)
{
    const char text[] = "name: ov\n"
                        "horizon_weeks: 52\n"
                        "population:\n"
                        "  size: 100\n"
                        "arms:\n"
                        "  - name: control\n"
                        "  - name: bfr\n"
                        "    interventions:\n"
                        "      - type: bfr_walking\n"
                        "        duration_weeks: 8\n"
                        "        cuff_pct_aop: 40\n";
    const char *path = put(w, "ov.yaml", text);
    const char *sets[] = {"population.size=500",
                          "horizon_weeks=30.5",
                          "model.muscle.turnover_rate=0.02",
                          "arms.1.interventions.0.cuff_pct_aop=55",
                          "arms.0.interventions.0.type=walking",
                          "arms.0.interventions.0.duration_weeks=4",
                          "arms.2={name: protein, interventions: [{type: protein, duration_weeks: 3, protein_g_per_kg: 1.2}]}",
                          "exposures.0.kind=leg_cast",
                          "exposures.0.start_week=2",
                          "exposures.0.duration_weeks=2",
                          "description='a: b'",
                          "reference_arm=bfr"};
    const size_t n = sizeof sets / sizeof sets[0];
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    msk_status st = scenario_load(&sc, path, sets, n, &d);
    CHECK(st == MSK_OK, "overrides apply: status %d", (int)st);
    if (st != MSK_OK) {
        dump(&d);
        diag_list_fini(&d);
        return;
    }
    CHECK(sc.population.size == 500 && sc.horizon_weeks == 30.5, "scalar overrides: %lld, %g",
          sc.population.size, sc.horizon_weeks);
    CHECK(sc.model.muscle_turnover_rate == 0.02, "model override: %g", sc.model.muscle_turnover_rate);
    CHECK(sc.arms[1].interventions[0].cuff_pct_aop == 55, "indexed arm path: cuff %g",
          sc.arms[1].interventions[0].cuff_pct_aop);
    CHECK(sc.n_arms == 3 && sc.arms[0].n_interventions == 1 && sc.arms[0].interventions[0].type == IV_WALKING &&
              strcmp(sc.arms[2].name, "protein") == 0 && sc.arms[2].interventions[0].protein_g_per_kg == 1.2,
          "interventions and whole arms added by --set");
    CHECK(sc.n_exposures == 1 && sc.exposures[0].kind == EXPO_LEG_CAST &&
              sc.exposures[0].line == 8 && sc.exposures[0].col == 1,
          "exposure created by --set, located at <command line>:8:1");
    CHECK(strcmp(sc.description, "a: b") == 0 && sc.reference == 1, "quoted text and reference arm");
    char *joined = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&joined, &len);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? "\n" : "", sets[i]);
    fclose(f);
    CHECK(strcmp(sc.overrides, joined) == 0, "overrides kept, one per line");
    free(joined);
    scenario_fini(&sc);

    /* Bad overrides: usage versus data. */
    static const struct {
        const char *set, *frag;
        msk_status want;
    } bad[] = {
        {"population.size", "<command line>:1:1: : --set 'population.size': expected KEY=VALUE", MSK_EUSAGE},
        {"=5", "the key path before '=' is empty", MSK_EUSAGE},
        {"a..b=1", "the key path has an empty part", MSK_EUSAGE},
        {"population.sise=3", "<command line>:1:1: population.sise: unknown key 'sise' in population; did you mean 'size'?", MSK_EDATA},
        {"modle.muscle.turnover_rate=1", "unknown key 'modle' at the top level; did you mean 'model'?", MSK_EDATA},
        {"model.muscle.turnover_rat=0.02", "did you mean 'turnover_rate'?", MSK_EDATA},
        {"arms.5.name=x", "'arms' has 2 items; index 5 is past the end", MSK_EDATA},
        {"arms.0.interventions.0.cuff_pct_aop=50", "arms[0].interventions[0].type: missing required key 'type'", MSK_EDATA},
        {"arms.1.interventions.0.load_pct_1rm=20", "'load_pct_1rm' does not apply to an intervention of type 'bfr_walking'", MSK_EDATA},
        {"population=[]", "population: expected a mapping (key: value lines), found a list", MSK_EDATA},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        diag_list_fini(&d);
        const char *one[] = {bad[i].set};
        st = scenario_load(&sc, path, one, 1, &d);
        CHECK(st == bad[i].want && has_diag(&d, bad[i].frag) && sc.arms == NULL &&
                  sc.source_text == NULL,
              "--set %s: status %d (want %d), '%s'", bad[i].set, (int)st, (int)bad[i].want,
              bad[i].frag);
        if (!has_diag(&d, bad[i].frag))
            dump(&d);
    }
    diag_list_fini(&d);
}

static void test_precedence(workdir *w)
{
    subdir(w, "sub");
    put(w, "sub/params.yaml", "model:\n"
                              "  bone:\n"
                              "    turnover: 0.07\n"
                              "  muscle:\n"
                              "    turnover_rate: 0.02\n"
                              "  safety:\n"
                              "    max_cuff_mmhg: 200\n");
    const char *path = put(w, "prec.yaml", "name: prec\n"
                                            "horizon_weeks: 10\n"
                                            "parameters: sub/params.yaml\n"
                                            "population: {size: 5}\n"
                                            "arms: [{name: a}]\n"
                                            "model:\n"
                                            "  muscle: {turnover_rate: 0.03}\n"
                                            "  safety: {max_cuff_mmhg: 210}\n");
    const char *sets[] = {"model.safety.max_cuff_mmhg=190"};
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    msk_status st = scenario_load(&sc, path, sets, 1, &d);
    CHECK(st == MSK_OK, "scenario with a parameter file loads: status %d", (int)st);
    if (st == MSK_OK) {
        model_params def;
        model_params_defaults(&def);
        CHECK(sc.model.bone_turnover == 0.07, "file only: %g", sc.model.bone_turnover);
        CHECK(sc.model.muscle_turnover_rate == 0.03, "scenario beats file: %g",
              sc.model.muscle_turnover_rate);
        CHECK(sc.model.safety_max_cuff_mmhg == 190, "--set beats scenario and file: %g",
              sc.model.safety_max_cuff_mmhg);
        CHECK(sc.model.falls_hip_prob == def.falls_hip_prob, "untouched: table default %g",
              sc.model.falls_hip_prob);
        CHECK(strcmp(sc.parameters, "sub/params.yaml") == 0, "parameters path kept as given");
        scenario_fini(&sc);
    } else {
        dump(&d);
    }

    /* Problems in the parameter file are located there. */
    put(w, "sub/bad.yaml", "model:\n  muscle:\n    turnover_rate: 9\nseed: 3\n");
    const char *p2 = put(w, "prec2.yaml", "name: p\nhorizon_weeks: 10\nparameters: sub/bad.yaml\n"
                                           "population: {size: 5}\narms: [{name: a}]\n");
    diag_list_fini(&d);
    st = scenario_load(&sc, p2, NULL, 0, &d);
    CHECK(st == MSK_EDATA && d.errors == 2 && has_diag(&d, "sub/bad.yaml:3:20: model.muscle.turnover_rate: value 9 is out of range") &&
              has_diag(&d, "sub/bad.yaml:4:1: seed: a parameter file holds only `model:`"),
          "parameter-file errors located in that file (%zu errors)", d.errors);
    diag_list_fini(&d);
    const char *p3 = put(w, "prec3.yaml", "name: p\nhorizon_weeks: 10\nparameters: sub/none.yaml\n"
                                           "population: {size: 5}\narms: [{name: a}]\n");
    st = scenario_load(&sc, p3, NULL, 0, &d);
    CHECK(st == MSK_EDATA && has_diag(&d, "prec3.yaml:3:13: parameters: cannot read parameter file"),
          "missing parameter file reported at the parameters: key");
    diag_list_fini(&d);
}

/* ---- Round trip ---------------------------------------------------------------- */

#define SAME_REAL(a, b) ((isnan(a) && isnan(b)) || (a) == (b))
#define SAME_INT(a, b) ((a) == (b))
#define SAME_BOOL SAME_INT
#define SAME_ENUM SAME_INT
#define SAME_STRING(a, b) (strcmp((a) ? (a) : "", (b) ? (b) : "") == 0)
#define CMP(kind, a, b, what)                                                                \
    if (!SAME_##kind(a, b)) {                                                                \
        printf("  differs: %s\n", what);                                                     \
        diffs++;                                                                             \
    }

/* Field-by-field comparison, generated from scenario.def like the structs. */
#define CMP_NONE(key, kind)
#define FIELD(section, key, kind, ...) CMP_##section(key, kind)
static size_t compare_scenarios(const scenario *x, const scenario *y)
{
    size_t diffs = 0;
#define CMP_top(key, kind) CMP(kind, x->key, y->key, #key)
#define CMP_population(key, kind) CMP(kind, x->population.key, y->population.key, "population." #key)
#define CMP_record(key, kind) CMP(kind, x->record.key, y->record.key, "record." #key)
#define CMP_exposure CMP_NONE
#define CMP_intervention CMP_NONE
#include "scenario.def"
#undef CMP_top
#undef CMP_population
#undef CMP_record
#undef CMP_exposure
#undef CMP_intervention
#define CMP_top CMP_NONE
#define CMP_population CMP_NONE
#define CMP_record CMP_NONE
    if (x->n_exposures != y->n_exposures || x->n_arms != y->n_arms || x->reference != y->reference)
        return diffs + 1;
    for (size_t i = 0; i < x->n_exposures; i++) {
#define CMP_exposure(key, kind) CMP(kind, x->exposures[i].key, y->exposures[i].key, "exposure." #key)
#define CMP_intervention CMP_NONE
#include "scenario.def"
#undef CMP_exposure
#undef CMP_intervention
    }
    for (size_t a = 0; a < x->n_arms; a++) {
        const arm_spec *p = &x->arms[a], *q = &y->arms[a];
        CMP(STRING, p->name, q->name, "arm name");
        if (p->n_interventions != q->n_interventions) {
            diffs++;
            continue;
        }
        for (size_t i = 0; i < p->n_interventions; i++) {
#define CMP_exposure CMP_NONE
#define CMP_intervention(key, kind)                                                         \
    CMP(kind, p->interventions[i].key, q->interventions[i].key, "intervention." #key)
#include "scenario.def"
#undef CMP_exposure
#undef CMP_intervention
        }
    }
#undef CMP_top
#undef CMP_population
#undef CMP_record
    for (size_t i = 0; i < model_param_count; i++) {
        const size_t off = model_param_table[i].offset;
        CMP(REAL, *(const double *)((const char *)&x->model + off),
            *(const double *)((const char *)&y->model + off), model_param_table[i].name);
    }
    return diffs;
}
#undef FIELD

static char *effective_text(const scenario *sc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    MSK_ASSERT(f != NULL);
    scenario_write_effective(sc, f);
    fclose(f);
    return text;
}

/* Text without comment lines (the source path differs between generations). */
static void strip_comment_lines(char *s)
{
    char *o = s;
    for (char *line = s; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        if (line[0] != '#') {
            memmove(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
}

static void test_round_trip(workdir *w)
{
    const char text[] =
        "name: round-trip\n"
        "description: \"quotes \\\" and\\nnewline: colon # hash\"\n"
        "seed: 4294967295\n"
        "replicates: 3\n"
        "horizon_weeks: 78.25\n"
        "observe_every_weeks: 0.5\n"
        "reference_arm: b\n"
        "population:\n"
        "  size: 1234\n"
        "  age_distribution: normal\n"
        "  age_mean: 74.1\n"
        "  female_fraction: 0.123456789012345\n"
        "  tscore_max: -1\n"
        "  neurogenic_fraction: 0.1\n"
        "record: {sample_size: 0, event_log: none}\n"
        "exposures:\n"
        "  - {kind: hospital, start_week: 10, duration_weeks: 1.5}\n"
        "  - {kind: arm_cast, start_week: 0, duration_weeks: 0.01}\n"
        "arms:\n"
        "  - name: a\n"
        "  - name: b\n"
        "    interventions:\n"
        "      - {type: bfr_resistance, start_week: 2, duration_weeks: 12, load_pct_1rm: 30, cuff_mmhg: 150, adherence: 0.7}\n"
        "      - {type: protein, duration_weeks: 40, protein_g_per_kg: 1.3}\n"
        "  - name: c-1\n"
        "    interventions: [{type: rehabilitation, duration_weeks: 10, bands_weeks: 6}]\n"
        "model:\n"
        "  muscle: {turnover_rate: 0.0123456789}\n"
        "  safety: {max_cuff_mmhg: 250}\n";
    const char *path = put(w, "rt.yaml", text);
    const char *sets[] = {"model.bone.formation_lag=77.7"};
    diag_list d;
    diag_list_init(&d);
    scenario a, b;
    msk_status st = scenario_load(&a, path, sets, 1, &d);
    CHECK(st == MSK_OK, "round-trip source loads: status %d", (int)st);
    if (st != MSK_OK) {
        dump(&d);
        diag_list_fini(&d);
        return;
    }
    char *eff = effective_text(&a);
    const char *path2 = put(w, "rt-effective.yaml", eff);
    st = scenario_load(&b, path2, NULL, 0, &d);
    CHECK(st == MSK_OK, "effective values load as a scenario: status %d", (int)st);
    if (st == MSK_OK) {
        size_t diffs = compare_scenarios(&a, &b);
        CHECK(diffs == 0, "round trip: %zu fields differ", diffs);
        CHECK(strcmp(b.description, "quotes \" and\nnewline: colon # hash") == 0,
              "awkward description survives");
        char *eff2 = effective_text(&b);
        strip_comment_lines(eff);
        strip_comment_lines(eff2);
        CHECK(strcmp(eff, eff2) == 0, "effective output is a fixed point (%zu bytes)", strlen(eff));
        free(eff2);
        scenario_fini(&b);
    } else {
        dump(&d);
        printf("%s", eff);
    }
    free(eff);
    scenario_fini(&a);
    diag_list_fini(&d);
}

/* ---- Strict numbers and error collection --------------------------------------- */

static void test_numbers(workdir *w)
{
    const char *path = put(w, "num.yaml", minimal);
    static const struct {
        const char *set, *frag; /* frag NULL: accepted */
        double value;
    } cases[] = {
        {"population.age_min=66", NULL, 66},
        {"population.age_min=66.5", NULL, 66.5},
        {"population.age_min=6.65e1", NULL, 66.5},
        {"population.age_min=+70", NULL, 70},
        {"population.age_min=70.", NULL, 70},
        {"population.age_min=.7e2", NULL, 70},
        {"population.age_min=7E1", NULL, 70},
        {"population.age_min=nan", "'nan' is not a finite number", 0},
        {"population.age_min=NaN", "'NaN' is not a finite number", 0},
        {"population.age_min=inf", "'inf' is not a finite number", 0},
        {"population.age_min=-inf", "'-inf' is not a finite number", 0},
        {"population.age_min=.inf", "'.inf' is not a finite number", 0},
        {"population.age_min=.NaN", "'.NaN' is not a finite number", 0},
        {"population.age_min=1e400", "'1e400' is not a finite number", 0},
        {"population.age_min=12abc", "'12abc' is not a number", 0},
        {"population.age_min=1.0.0", "'1.0.0' is not a number", 0},
        {"population.age_min=0x42", "'0x42' is not a number", 0},
        {"population.age_min=6_6", "'6_6' is not a number", 0},
        {"population.age_min=1e", "'1e' is not a number", 0},
        {"population.age_min=e5", "'e5' is not a number", 0},
        {"population.age_min=.", "'.' is not a number", 0},
        {"population.age_min=+", "'+' is not a number", 0},
        {"population.age_min=", "no value given; expected a number", 0},
        {"population.age_min='66'", "found the quoted text \"66\" (remove the quotes)", 0},
        {"population.age_min=17.99", "value 17.99 is out of range [18, 110] (year)", 0},
        {"population.size=1", NULL, 1},
        {"population.size=100000000", NULL, 1e8},
        {"population.size=010", "'010' has a leading zero", 0},
        {"population.size=00", "'00' has a leading zero", 0},
        {"population.size=1e3", "'1e3' is not a whole number", 0},
        {"population.size=0x10", "'0x10' is not a whole number", 0},
        {"population.size=12.5", "'12.5' is not a whole number", 0},
        {"population.size=+5", "'+5' is not a whole number", 0},
        {"population.size=-0", "value -0 is out of range [1, 100000000] (people)", 0},
        {"population.size=100000001", "value 100000001 is out of range [1, 100000000] (people)", 0},
        {"population.size=99999999999999999999", "value 99999999999999999999 is out of range", 0},
        {"population.size=-99999999999999999999", "value -99999999999999999999 is out of range", 0},
        {"seed=4294967295", NULL, 4294967295.0},
        {"seed=0", NULL, 0},
        {"seed=4294967296", "value 4294967296 is out of range [0, 4294967295]", 0},
        {"population.age_distribution=Normal", "'Normal' is not a valid age_distribution; choose one of: uniform, normal", 0},
        {"name=bad name", "scenario name 'bad name' is not valid", 0},
        {"name=", "name: no value given; expected a text", 0},
        {"name=x2345678901234567890123456789012345678901234567890123456789012345", "is not valid", 0},
        {"name=x234567890123456789012345678901234567890123456789012345678901234", NULL, 0},
        {"name=[a]", "name: expected a text, found a list", 0},
        {"description=", NULL, 0},
    };
    diag_list d;
    diag_list_init(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scenario sc;
        const char *one[] = {cases[i].set};
        diag_list_fini(&d);
        msk_status st = scenario_load(&sc, path, one, 1, &d);
        if (!cases[i].frag) {
            double got = strncmp(cases[i].set, "population.age_min", 18) == 0 ? sc.population.age_min
                         : strncmp(cases[i].set, "population.size", 15) == 0 ? (double)sc.population.size
                         : strncmp(cases[i].set, "seed", 4) == 0             ? (double)sc.seed
                                                                               : 0;
            CHECK(st == MSK_OK && got == cases[i].value, "--set %s accepted: %g", cases[i].set, got);
            if (st != MSK_OK)
                dump(&d);
            scenario_fini(&sc);
        } else {
            CHECK(st == MSK_EDATA && d.errors == 1 && has_diag(&d, cases[i].frag) &&
                      has_diag(&d, "<command line>:1:1:"),
                  "--set %s refused: '%s'", cases[i].set, cases[i].frag);
            if (!has_diag(&d, cases[i].frag) || d.errors != 1)
                dump(&d);
        }
    }
    diag_list_fini(&d);
}

static void test_error_collection(workdir *w)
{
    const char text[] = "name: many errors\n"                        /* 1 name */
                        "horizon: 52\n"                              /* 2 unknown key */
                        "population:\n"                              /* 3 missing horizon */
                        "  size: 0\n"                                /* 4 range */
                        "  age_min: 90\n"                            /*   */
                        "  age_max: 70\n"                            /* 5 cross */
                        "record: {event_log: most}\n"                /* 6 enum */
                        "exposures:\n"
                        "  - {kind: leg_cast, start_week: 1}\n"     /* 7 missing duration */
                        "arms:\n"
                        "  - name: a\n"
                        "    interventions:\n"
                        "      - {type: protein, duration_weeks: 4, protein_g_per_kg: 50}\n" /* 8 */
                        "      - {type: bfr_walking, duration_weeks: 4, cuff_pct_aop: 95}\n" /* 9 */
                        "      - {type: resistance, duration_weeks: 4}\n"                    /* 10 */
                        "      - {type: walking, duration_weeks: 4, cuff_mmhg: 100}\n"       /* 11 */
                        "  - name: a\n"                                                      /* 12 */
                        "reference_arm: zz\n"                                                /* 13 */
                        "model: {muscle: {turnover_rate: 2}}\n";                             /* 14 */
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    msk_status st = scenario_load(&sc, put(w, "many.yaml", text), NULL, 0, &d);
    static const char *const expected[] = {
        "many.yaml:1:7: name: scenario name 'many errors' is not valid",
        "many.yaml:2:1: horizon: unknown key 'horizon' at the top level; did you mean 'horizon_weeks'?",
        "many.yaml:1:1: horizon_weeks: missing required key 'horizon_weeks'",
        "many.yaml:4:9: population.size: value 0 is out of range",
        "many.yaml:6:12: population.age_max: age_min 90 is above age_max 70",
        "many.yaml:7:21: record.event_log: 'most' is not a valid event_log",
        "many.yaml:9:5: exposures[0].duration_weeks: missing required key 'duration_weeks'",
        "many.yaml:13:62: arms[0].interventions[0].protein_g_per_kg: value 50 is out of range [0.2,",
        "many.yaml:14:62: arms[0].interventions[1].cuff_pct_aop: cuff pressure 95% AOP is above the safe limit of 80% AOP",
        "many.yaml:15:9: arms[0].interventions[2].load_pct_1rm: missing required key 'load_pct_1rm'",
        "many.yaml:16:44: arms[0].interventions[3].cuff_mmhg: 'cuff_mmhg' does not apply to an intervention of type 'walking'",
        "many.yaml:17:11: arms[1].name: arm name 'a' is used twice",
        "many.yaml:18:16: reference_arm: reference_arm 'zz' names no arm",
        "many.yaml:19:33: model.muscle.turnover_rate: value 2 is out of range",
    };
    const size_t n = sizeof expected / sizeof expected[0];
    CHECK(st == MSK_EDATA && d.errors == n, "all errors collected: status %d, %zu errors (want %zu)",
          (int)st, d.errors, n);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        if (has_diag(&d, expected[i]))
            found++;
        else
            printf("  not found: %s\n", expected[i]);
    }
    CHECK(found == n, "each expected error present and located (%zu of %zu)", found, n);
    if (found != n || d.errors != n)
        dump(&d);
    CHECK(sc.arms == NULL && sc.name == NULL && sc.source_text == NULL,
          "a failed load leaves nothing to free");
    diag_list_fini(&d);

    /* Warnings do not fail a load. */
    const char warn[] = "name: w\nhorizon_weeks: 20\npopulation: {size: 10}\n"
                        "arms:\n  - name: b\n    interventions:\n"
                        "      - {type: bfr_walking, duration_weeks: 8, cuff_pct_aop: 70}\n"
                        "      - {type: bfr_walking, duration_weeks: 8, cuff_mmhg: 170}\n"
                        "      - {type: bfr_resistance, duration_weeks: 8, load_pct_1rm: 60, cuff_pct_aop: 50}\n";
    st = scenario_load(&sc, put(w, "warn.yaml", warn), NULL, 0, &d);
    CHECK(st == MSK_OK && d.errors == 0 && d.warnings == 3 &&
              has_diag(&d, "warn.yaml:7:62: arms[0].interventions[0].cuff_pct_aop: cuff pressure 70% AOP is above the advised 60% AOP") &&
              has_diag(&d, "above 80% of the mean leg occlusion pressure (156 mmHg); for individuals with a lower occlusion pressure the cuff is capped at 80% of their own") &&
              has_diag(&d, "load 60% 1RM is high for blood-flow restriction"),
          "three warnings, no error: status %d, %zu warnings", (int)st, d.warnings);
    if (d.warnings != 3)
        dump(&d);
    scenario_fini(&sc);
    diag_list_fini(&d);

    /* Unreadable and empty files. */
    st = scenario_load(&sc, "/nonexistent/x.yaml", NULL, 0, &d);
    CHECK(st == MSK_ENOINPUT && d.errors == 1, "missing file: MSK_ENOINPUT");
    diag_list_fini(&d);
    st = scenario_load(&sc, put(w, "empty.yaml", "# nothing\n"), NULL, 0, &d);
    CHECK(st == MSK_EDATA && has_diag(&d, "empty.yaml:1:1: : the file is empty"),
          "comment-only file: MSK_EDATA, located at 1:1");
    diag_list_fini(&d);
    st = scenario_load(&sc, put(w, "scalar.yaml", "hello\n"), NULL, 0, &d);
    CHECK(st == MSK_EDATA && has_diag(&d, "scalar.yaml:1:1: : a scenario is a mapping of keys"),
          "a scalar document is refused");
    diag_list_fini(&d);
}

int main(void)
{
    workdir w;
    memset(&w, 0, sizeof w);
    const char *tmp = getenv("TMPDIR");
    snprintf(w.dir, sizeof w.dir, "%s/msk_test_scenario.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(w.dir)) {
        printf("FAIL: mkdtemp %s: %s\n", w.dir, strerror(errno));
        return 1;
    }
    test_tree_basics();
    test_tree_refusals();
    test_tree_limits();
    test_tree_set();
    test_tree_writers();
    test_defaults(&w);
    test_intervention_types(&w);
    test_overrides(&w);
    test_precedence(&w);
    test_round_trip(&w);
    test_numbers(&w);
    test_error_collection(&w);
    cleanup(&w);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
