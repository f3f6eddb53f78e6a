/* cli_params.c — `msksim params`: the parameter reference, from the tables.
 *
 * --yaml writes the default model parameters as a parameter file a scenario can load;
 * --markdown writes the reference of every scenario key and model parameter that
 * docs/scenario-format.md embeds (tests/cli_check.sh keeps the two in step); with a
 * scenario FILE it writes that scenario's effective values. Everything printed here is
 * generated from scenario.def and params.def, so it cannot drift from the loader. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "datadir.h"
#include "scenario.h"
#include "uncertainty.h"
#include "yamltree.h"

const char cli_params_help[] =
    "usage: msksim params [--yaml | --markdown]\n"
    "       msksim params --uncertainty [PARAMETER_FILE]\n"
    "       msksim params FILE [--set KEY=VALUE]...\n"
    "\n"
    "Print the parameter reference, generated from the parameter tables.\n"
    "\n"
    "  --yaml      (default) the default model parameters as a parameter file, with\n"
    "              unit, meaning and source of each; a scenario loads it with\n"
    "              `parameters: FILE` and may override any of them under `model:`\n"
    "  --markdown  the reference of every scenario key and model parameter, as in\n"
    "              docs/scenario-format.md\n"
    "  --uncertainty  the calibration's distribution of the fitted parameters (the\n"
    "              `uncertainty:` msksim calibrate writes; default: the shipped\n"
    "              scenarios/parameters.yaml): fitted value, 95% interval and logit SD\n"
    "              of each, and which ones the targets do not identify\n"
    "  FILE        the effective values of scenario FILE (defaults, parameter file,\n"
    "              model: keys and --set overrides applied), as a loadable scenario\n"
    "  -h, --help  show this help\n";

static const char usage_line[] =
    "usage: msksim params [--yaml | --markdown | --uncertainty [PARAMETER_FILE]] | msksim params FILE "
    "[--set KEY=VALUE]...\n";

/* ---- The scenario keys, from scenario.def -------------------------------------- */

typedef struct {
    const char *section, *key, *kind, *unit;
    double def;
    const char *def_text;
    double min, max;
    const char *choices, *applies, *help;
} key_doc;

#define DOC_DEFAULT_REAL(d) (d), NULL
#define DOC_DEFAULT_INT(d) (d), NULL
#define DOC_DEFAULT_BOOL(d) (d), NULL
#define DOC_DEFAULT_ENUM(d) (d), NULL
#define DOC_DEFAULT_STRING(d) 0.0, (d)

static const key_doc keys[] = {
#define FIELD(section, key, kind, unit, def, lo, hi, choices, applies, help)                  \
    {#section, #key, #kind, unit, DOC_DEFAULT_##kind(def), lo, hi, choices, applies, help},
#include "scenario.def"
#undef FIELD
};
static const size_t n_keys = sizeof keys / sizeof keys[0];

/* ---- Markdown ------------------------------------------------------------------ */

/* Table-cell text: '|' would end the cell, '*' could start emphasis, '<' a tag. */
static void md_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|' || *s == '*')
            fputc('\\', out);
        if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '\n')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void md_choices(FILE *out, const char *choices)
{
    fputc('`', out);
    for (const char *c = choices; *c; c++)
        fputs(*c == '|' ? "`, `" : (char[2]){*c, 0}, out);
    fputc('`', out);
}

static void md_number(FILE *out, double x)
{
    char buf[32];
    yamltree_format_real(x, buf, sizeof buf);
    fputs(buf, out);
}

static void md_type(FILE *out, const key_doc *k)
{
    if (strcmp(k->kind, "REAL") == 0)
        fputs("number", out);
    else if (strcmp(k->kind, "INT") == 0)
        fputs("integer", out);
    else if (strcmp(k->kind, "BOOL") == 0)
        fputs("`true`/`false`", out);
    else if (strcmp(k->kind, "STRING") == 0)
        fputs("text", out);
    else {
        fputs("one of ", out);
        md_choices(out, k->choices);
    }
}

static int has_default(const key_doc *k)
{
    return strcmp(k->kind, "STRING") == 0 ? k->def_text != NULL : !isnan(k->def);
}

static void md_default(FILE *out, const key_doc *k)
{
    if (k->applies) {
        /* Same rule as the loader: "!" marks required keys; a key for every type
         * without a default (type) is required; one for some types may stay unset. */
        if (k->applies[0] == '!' || (strcmp(k->applies, "*") == 0 && !has_default(k))) {
            fputs("required", out);
            return;
        }
        if (!has_default(k)) {
            fputs("not set", out);
            return;
        }
    } else if (!has_default(k)) {
        fputs("required", out);
        return;
    }
    if (strcmp(k->kind, "STRING") == 0) {
        if (k->def_text[0]) {
            fputc('`', out);
            md_text(out, k->def_text);
            fputc('`', out);
        } else {
            fputs("empty", out);
        }
    } else if (strcmp(k->kind, "ENUM") == 0) {
        fprintf(out, "`%s`", scenario_choice_name(k->section, k->key, (int)k->def));
    } else if (strcmp(k->kind, "BOOL") == 0) {
        fputs(k->def != 0 ? "`true`" : "`false`", out);
    } else {
        md_number(out, k->def);
    }
}

static void md_range(FILE *out, const key_doc *k)
{
    if (strcmp(k->kind, "REAL") != 0 && strcmp(k->kind, "INT") != 0)
        return;
    fputc('[', out);
    md_number(out, k->min);
    fputs(", ", out);
    md_number(out, k->max);
    fputc(']', out);
}

static void md_unit(FILE *out, const char *unit)
{
    if (unit && unit[0]) {
        fputc('`', out);
        fputs(unit, out);
        fputc('`', out);
    }
}

static void md_applies(FILE *out, const char *applies)
{
    const char *list = applies + (applies[0] == '!');
    if (strcmp(list, "*") == 0)
        fputs("all", out);
    else
        md_choices(out, list);
}

static void md_section(FILE *out, const char *section, const char *title, const char *intro,
                       const char *const extra_rows[])
{
    const int iv = strcmp(section, "intervention") == 0;
    fprintf(out, "### %s\n\n%s\n\n", title, intro);
    fputs(iv ? "| key | type | unit | default | range | types | meaning |\n"
               "|---|---|---|---|---|---|---|\n"
             : "| key | type | unit | default | range | meaning |\n"
               "|---|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < n_keys; i++) {
        const key_doc *k = &keys[i];
        if (strcmp(k->section, section) != 0)
            continue;
        fprintf(out, "| `%s` | ", k->key);
        md_type(out, k);
        fputs(" | ", out);
        md_unit(out, k->unit);
        fputs(" | ", out);
        md_default(out, k);
        fputs(" | ", out);
        md_range(out, k);
        fputs(" | ", out);
        if (iv) {
            md_applies(out, k->applies);
            fputs(" | ", out);
        }
        md_text(out, k->help);
        fputs(" |\n", out);
    }
    for (size_t i = 0; extra_rows && extra_rows[i]; i++)
        fputs(extra_rows[i], out);
    fputc('\n', out);
}

static void write_markdown(FILE *out)
{
    static const char *const top_rows[] = {
        "| `population` | mapping | | | | who is simulated (below) |\n",
        "| `record` | mapping | | | | what is written besides the summaries (below) |\n",
        "| `exposures` | list | | none | | immobilizations every individual goes through "
        "(below) |\n",
        "| `arms` | list | | required | | study arms, at least one (below) |\n",
        "| `model` | mapping | | | | model parameters as `model: {group: {name: value}}` "
        "(below) |\n",
        NULL};
    static const char *const arm_rows[] = {
        "| `name` | text | | required | | arm name: 1 to 64 letters, digits, `-` or `_`; "
        "unique |\n",
        "| `interventions` | list | | none | | what the arm adds (below); empty or absent: "
        "usual care |\n",
        NULL};

    fputs("## Scenario keys\n\n"
          "Generated by `msksim params --markdown` from `sim/input/scenario.def` and\n"
          "`models/params.def`. A key that is not listed is an error; numbers must be\n"
          "plain decimals (no quotes, no `nan`/`inf`, integers without leading zeros).\n\n",
          out);
    md_section(out, "top", "Top level", "Keys at the top of the file.", top_rows);
    md_section(out, "population", "`population`", "Who is simulated.", NULL);
    md_section(out, "record", "`record`", "What is written besides the summaries.", NULL);
    md_section(out, "exposure", "`exposures[]`",
               "Each item is one immobilization that every individual goes through.", NULL);
    fputs("### `arms[]`\n\nEach item is one study arm.\n\n"
          "| key | type | unit | default | range | meaning |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; arm_rows[i]; i++)
        fputs(arm_rows[i], out);
    fputc('\n', out);
    md_section(out, "intervention", "`arms[].interventions[]`",
               "Each item is one intervention. `types` lists the intervention types that "
               "accept the key; giving it for another type is an error. \"not set\" means "
               "the key may be left out.",
               NULL);

    fputs("## Model parameters\n\n"
          "Given as `model: {group: {name: value}}` in a scenario or in its `parameters:`\n"
          "file. Every parameter has a default; a value outside its range is an error.\n\n",
          out);
    for (size_t i = 0; i < model_param_count; i++) {
        const char *group = model_param_table[i].group;
        if (!model_param_opens_group(i))
            continue;
        fprintf(out, "### `model.%s`\n\n| key | unit | default | range | meaning | source |\n"
                     "|---|---|---|---|---|---|\n",
                group);
        for (size_t j = i; j < model_param_count; j++) {
            const model_param_info *r = &model_param_table[j];
            if (strcmp(r->group, group) != 0)
                continue;
            fprintf(out, "| `%s` | ", r->name);
            md_unit(out, r->unit);
            fputs(" | ", out);
            md_number(out, r->def);
            fputs(" | [", out);
            md_number(out, r->min);
            fputs(", ", out);
            md_number(out, r->max);
            fputs("] | ", out);
            md_text(out, r->help);
            fputs(" | ", out);
            md_text(out, r->source);
            fputs(" |\n", out);
        }
        fputc('\n', out);
    }
}

/* ---- YAML parameter file ------------------------------------------------------- */

static void write_yaml(FILE *out)
{
    fputs("# Default model parameters of msksim (generated by `msksim params --yaml`).\n"
          "# Load from a scenario with `parameters: FILE`; any key may be deleted (its\n"
          "# default applies) or overridden under `model:` in the scenario or with --set.\n"
          "model:\n",
          out);
    for (size_t i = 0; i < model_param_count; i++) {
        const char *group = model_param_table[i].group;
        if (!model_param_opens_group(i))
            continue;
        fprintf(out, "  %s:\n", group);
        for (size_t j = i; j < model_param_count; j++) {
            const model_param_info *r = &model_param_table[j];
            if (strcmp(r->group, group) != 0)
                continue;
            char val[32];
            yamltree_format_real(r->def, val, sizeof val);
            fprintf(out, "    # %s \xE2\x80\x94 %s (%s)\n    %s: %s\n", r->unit, r->help,
                    r->source, r->name, val);
        }
    }
}

/* ---- The calibration's uncertainty ---------------------------------------------- */

/* One line per fitted parameter: the fitted value (the centre), the 95% interval of its
 * logit-normal marginal (exact: the logistic maps quantiles to quantiles) and the SD on
 * the logit scale. */
static void write_uncertainty(FILE *out, const char *file, const param_uncertainty *u)
{
    fprintf(out, "# The calibration's Laplace approximation (%s): every fitted parameter\n"
                 "# normal on the logit scale of its bounds, correlated; covariance inflated by the misfit\n"
                 "# (residual_scale %.3g). docs/model.md, \"What the calibration does not know\".\n",
            file, u->residual_scale);
    fprintf(out, "%-34s %12s   %-27s %9s\n", "parameter", "fitted", "95% interval", "logit SD");
    for (size_t j = 0; j < u->n; j++) {
        double v = uncertainty_value(u, j, u->mean[j]);
        if (!(u->sd[j] > 0)) {
            fprintf(out, "%-34s %12.4g   held at the fit: not identified by the targets\n", u->name[j], v);
            continue;
        }
        char range[64];
        snprintf(range, sizeof range, "[%.4g, %.4g]", uncertainty_value(u, j, u->mean[j] - 1.959964 * u->sd[j]),
                 uncertainty_value(u, j, u->mean[j] + 1.959964 * u->sd[j]));
        fprintf(out, "%-34s %12.4g   %-27s %9.3g%s\n", u->name[j], v, range, u->sd[j],
                u->sd[j] > 2 ? "  (spans its bounds: weakly identified)" : "");
    }
}

/* The uncalibrated parameters: each one's distribution from its source, the fixed ones
 * with why, and those with no distribution yet (params_dist.def). */
static void write_sources(FILE *out, const param_uncertainty *u)
{
    static const char *const kind[] = {"fixed", "uniform", "normal", "log-normal"};
    fprintf(out, "\n# Uncalibrated parameters with a distribution from their source (models/params_dist.def),\n"
                 "# drawn by `msksim run --draws` unless draws_sources: false; centred on the parameter's value,\n"
                 "# truncated to its bounds\n");
    fprintf(out, "%-34s %12s   %-11s %-22s %s\n", "parameter", "value", "kind", "range or 95% CI", "source");
    size_t fixed = 0;
    for (size_t r = 0; r < model_param_dist_count; r++) {
        const model_param_dist *x = &model_param_dist_table[r];
        if (x->kind == PARAM_DIST_FIXED) {
            fixed++;
            continue;
        }
        char name[96], range[64];
        snprintf(name, sizeof name, "%s.%s", x->group, x->name);
        snprintf(range, sizeof range, "[%.4g, %.4g]", x->a, x->b);
        fprintf(out, "%-34s %12.4g   %-11s %-22s %s\n", name, model_param_find(x->group, x->name)->def, kind[x->kind],
                range, x->source);
    }
    fprintf(out, "\n# Fixed, with the reason (%zu):\n", fixed);
    for (size_t r = 0; r < model_param_dist_count; r++) {
        const model_param_dist *x = &model_param_dist_table[r];
        if (x->kind == PARAM_DIST_FIXED)
            fprintf(out, "%s.%s: %s\n", x->group, x->name, x->source);
    }
    size_t pending = 0, col = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            fprintf(out, "\n# No distribution yet (%zu): assumptions without a published range, held at their\n"
                         "# values in every draw; a sweep (msksim sweep, method morris) screens their influence:\n",
                    pending);
        for (size_t i = 0; i < model_param_count; i++) {
            const model_param_info *p = &model_param_table[i];
            char name[96];
            snprintf(name, sizeof name, "%s.%s", p->group, p->name);
            int known = model_param_dist_find(p->group, p->name) != NULL;
            for (size_t j = 0; u && j < u->n && !known; j++)
                known = strcmp(u->name[j], name) == 0;
            if (known)
                continue;
            if (pass == 0) {
                pending++;
                continue;
            }
            if (col + strlen(name) + 2 > 88) {
                fputs(",\n", out);
                col = 0;
            }
            col += (size_t)fprintf(out, "%s%s", col ? ", " : "", name);
        }
    }
    fputc('\n', out);
}

/* `msksim params --uncertainty [FILE]`: FILE's `uncertainty:`, or the shipped one's. */
static int print_uncertainty(const char *file)
{
    char buf[4096];
    if (!file && !(file = msk_data_find("scenarios/parameters.yaml", buf, sizeof buf))) {
        fprintf(stderr, "msksim params: cannot find the shipped scenarios/parameters.yaml (looked in %s); "
                        "give a parameter file\n", buf);
        return msk_status_exit_code(MSK_ENOINPUT);
    }
    diag_list d;
    diag_list_init(&d);
    param_uncertainty u;
    msk_status st = uncertainty_read_file(file, &u, &d);
    if (st == MSK_OK)
        write_uncertainty(stdout, file, &u);
    if (st == MSK_OK)
        write_sources(stdout, &u);
    diag_print(&d, stderr);
    uncertainty_fini(&u);
    diag_list_fini(&d);
    return msk_status_exit_code(st);
}

/* ---- Command ------------------------------------------------------------------- */


static int print_effective(const char *file, const char *const *sets, size_t n_sets)
{
    diag_list d;
    diag_list_init(&d);
    scenario sc;
    const msk_status st = scenario_load(&sc, file, sets, n_sets, &d);
    diag_print(&d, stderr);
    if (st == MSK_OK) {
        scenario_write_effective(&sc, stdout);
        scenario_fini(&sc);
    }
    diag_list_fini(&d);
    return msk_status_exit_code(st);
}

int cli_params(int argc, char **argv)
{
    enum { YAML, MARKDOWN } format = YAML;
    int format_given = 0, uncertainty = 0, rc = -1;
    const char *file = NULL;
    const char **sets = calloc(argc > 0 ? (size_t)argc : 1, sizeof *sets);
    size_t n_sets = 0;
    if (!sets)
        return msk_status_exit_code(MSK_ENOMEM);
    for (int i = 1; i < argc && rc < 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(cli_params_help, stdout);
            rc = 0;
        } else if (strcmp(a, "--yaml") == 0 || strcmp(a, "--markdown") == 0) {
            format = a[2] == 'y' ? YAML : MARKDOWN;
            format_given = 1;
        } else if (strcmp(a, "--uncertainty") == 0) {
            uncertainty = 1;
        } else if (strcmp(a, "--set") == 0) {
            if (i + 1 >= argc)
                rc = cli_usage_error("params", usage_line, "--set needs an argument KEY=VALUE");
            else
                sets[n_sets++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0) {
            sets[n_sets++] = a + 6;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_usage_error("params", usage_line, "unknown option '%s'", a);
        } else if (file) {
            rc = cli_usage_error("params", usage_line, "only one FILE (also given: '%s')", a);
        } else {
            file = a;
        }
    }
    if (rc < 0 && uncertainty && (format_given || n_sets))
        rc = cli_usage_error("params", usage_line, "--uncertainty takes a parameter file only");
    if (rc < 0 && uncertainty)
        rc = print_uncertainty(file);
    if (rc < 0 && file && format_given)
        rc = cli_usage_error("params", usage_line, "--yaml and --markdown describe the defaults; they take no FILE");
    if (rc < 0 && !file && n_sets)
        rc = cli_usage_error("params", usage_line, "--set needs a scenario FILE");
    if (rc < 0) {
        if (file)
            rc = print_effective(file, sets, n_sets);
        else if (format == MARKDOWN)
            write_markdown(stdout);
        else
            write_yaml(stdout);
        if (rc < 0)
            rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : msk_status_exit_code(MSK_EIO);
    }
    free(sets);
    return rc;
}
