/* schema.h — the one loader of msksim's input files: a YAML mapping checked against a
 * table of fields.
 *
 * Scenario files (scenario.def, params.def), sweep files (sweepfile.def), calibration
 * files and evidence targets are each described by tables of schema_field rows: name,
 * kind, unit, default, range, choices, help. schema_load walks one mapping of a located
 * tree (yamltree) against such a table: it sets the defaults, reads every value into the
 * caller's struct at the field's offset (or through the field's parse callback), and
 * reports every problem as a diagnostic at FILE:LINE:COL with its YAML path. An unknown
 * key is always reported the same way: "unknown key 'x' in PATH; did you mean 'y'?", or
 * the list of valid keys when nothing is close. Loading goes on after a problem, so a
 * file is reported in one go (up to SCHEMA_MAX_ERRORS errors, then one note).
 *
 * The file-specific loaders (scenario.c, sweepfile.c, calibrate.c, target.c) only read
 * what no table can say (lists, cross-field rules) and report through the same context,
 * so every message of every input file has one shape. `--set KEY=VALUE` arguments are
 * checked and applied to a tree by schema_check_sets and schema_apply_sets, for every
 * file kind that takes them. */
#ifndef MSK_SCHEMA_H
#define MSK_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"
#include "yamltree.h"

typedef enum {
    SCHEMA_REAL,   /* double; a bad value leaves NAN, so cross-field checks skip it */
    SCHEMA_INT,    /* long long */
    SCHEMA_BOOL,   /* int: 0 or 1 */
    SCHEMA_STRING, /* char *, owned by the struct (schema_free_strings) */
    SCHEMA_ENUM,   /* int: index of the choice; a bad value leaves -1 */
    SCHEMA_CUSTOM, /* read by the field's parse callback */
    SCHEMA_NODE    /* not read: the caller takes the node from given[] (lists, sections) */
} schema_kind;

/* Must a key be given? AUTO: when it has no default (REAL/INT/BOOL/ENUM def NAN,
 * STRING def_text NULL) -- what the .def tables say; CUSTOM and NODE are optional. */
typedef enum { SCHEMA_AUTO, SCHEMA_REQUIRED, SCHEMA_OPTIONAL } schema_need;

/* After this many errors one note says more were found, and the rest are not reported:
 * a file of thousands of mistakes must not cost thousands of suggestions. */
#define SCHEMA_MAX_ERRORS 100

/* The loading context: where diagnostics go, the error budget, the caller's state. */
typedef struct {
    diag_list *d;
    size_t errors_before; /* errors in d when loading began */
    int flooded;          /* SCHEMA_MAX_ERRORS reached */
    int nomem;            /* an allocation failed: the load ends with MSK_ENOMEM */
    void *user;           /* the caller's state, for parse callbacks */
    /* Where the valid keys are listed, named in place of a list longer than 16 keys
     * (e.g. "`msksim params --markdown`"); NULL: the list is always written out. */
    const char *keys_doc;
} schema_ctx;

typedef struct schema_field schema_field;

/* Read V into SLOT (the field's place in the struct being filled), reporting through C
 * at PATH. Returns 1 when a value was stored. */
typedef int schema_parse_fn(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                            void *slot, const char *path);

struct schema_field {
    const char *key;
    schema_kind kind;
    const char *unit;         /* NULL, "" or "1": dimensionless (no unit in messages) */
    double def;               /* REAL, INT, BOOL, ENUM: the default; NAN: none */
    const char *def_text;     /* STRING: the default; NULL: none */
    double min, max;          /* REAL, INT: allowed range, bounds included */
    const char *choices;      /* ENUM: "a|b|c", stored as the index */
    const char *const *names; /* ENUM instead of choices: a table of names[n_names] */
    size_t n_names;
    /* Variants of a mapping the key belongs to (an intervention's type): NULL or "*":
     * all; "a|b": only these, refused in others; a leading "!": required in those. */
    const char *applies;
    const char *help;
    const char *type;         /* CUSTOM, NODE: what the value is, for the reference */
    size_t offset;            /* of the value in the struct being filled */
    schema_need need;
    schema_parse_fn *parse;   /* CUSTOM */
};

/* How one mapping is read (every member may be left zero). */
typedef struct {
    const char *path;            /* its YAML path; "" (or NULL) at the top level */
    const yamltree_node *owner;  /* where missing keys are reported when it is absent */
    const char *const *extra;    /* NULL-terminated keys the caller reads itself */
    int keep;                    /* no defaults: the struct holds the previous layer */
    const char *variant;         /* checked against `applies`; NULL: not known */
    const char *variant_what;    /* names the variant in messages: "an intervention of type" */
    /* A hint added after an unknown key's suggestion, e.g. where else the key is known;
     * writes "" when it has none. */
    void (*hint)(const char *key, char *buf, size_t size);
} schema_map;

void schema_ctx_init(schema_ctx *c, diag_list *d, void *user);
/* True when an error was reported since schema_ctx_init (or an allocation failed). */
int schema_failed(const schema_ctx *c);

/* Walk MAP (a mapping, a YAML null or NULL for absent) against FIELDS[n], filling BASE.
 * GIVEN[i] (when GIVEN is not NULL) receives the value node of field i, or NULL.
 * Returns 0 when MAP is present but not a mapping (reported), else 1. */
int schema_load(schema_ctx *c, const schema_field *fields, size_t n, const yamltree_node *map,
                void *base, const schema_map *m, const yamltree_node **given);

/* The rows [first, first + count) of section SEC in a table grouped by section:
 * SECTION[i] is row i's section, and each section's rows stand together. */
typedef struct {
    size_t first, count;
} schema_rows;
schema_rows schema_section_rows(const unsigned char *section, size_t n, unsigned sec);

/* schema_load over the rows of one section of a table grouped by section: SECTION[i]
 * is row i's section, and each section's rows stand together (scenario.def and
 * sweepfile.def list them so). GIVEN is indexed like FIELDS, as in schema_load. */
int schema_load_section(schema_ctx *c, const schema_field *fields, const unsigned char *section, size_t n,
                        unsigned sec, const yamltree_node *map, void *base, const schema_map *m,
                        const yamltree_node **given);

/* Read one value V of field F into BASE (at F's offset), as schema_load does. */
int schema_parse(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *base,
                 const char *path);

/* Set the defaults of FIELDS[n] in BASE; free the strings they hold. */
void schema_set_defaults(schema_ctx *c, const schema_field *fields, size_t n, void *base);
void schema_free_strings(const schema_field *fields, size_t n, void *base);

/* Must F be given in a mapping of VARIANT (NULL: not known)? Does F belong there? */
int schema_required(const schema_field *f, const char *variant);
int schema_applies(const schema_field *f, const char *variant);

/* ---- Reporting: every message of every input file goes through these ---------------- */

void schema_error(schema_ctx *c, const yamltree_node *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void schema_warning(schema_ctx *c, const yamltree_node *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* At a place that is not a node (FILE:LINE:COL kept from a tree already freed). */
void schema_report_at(schema_ctx *c, diag_severity sev, const char *file, int line, int col,
                      const char *path, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* "unknown key 'k' in PATH" with the nearest of CAND[n] ("did you mean"), or the list
 * of them; HINT (may be NULL) is added at the end. */
void schema_unknown_key(schema_ctx *c, const yamltree_node *key, const char *path,
                        const char *const *cand, size_t n, const char *hint);
/* "missing required key 'k' (WHY)" at AT; the path is PATH.k. WHY may be NULL. */
void schema_missing(schema_ctx *c, const yamltree_node *at, const char *path, const char *key,
                    const char *why);

/* ---- Text for messages ------------------------------------------------------------- */

/* User text quoted in a message: truncated, control characters masked. */
#define SCHEMA_SHOW_SIZE 48
const char *schema_show(const char *s, char buf[SCHEMA_SHOW_SIZE]);
/* A number as it reads back exactly ("0.1", "100000000"); buf holds 32 bytes. */
const char *schema_fmt_real(double x, char buf[32]);
/* PATH.KEY (KEY shown as above) and PATH[I]. */
void schema_join_key(char *out, size_t size, const char *path, const char *key);
void schema_join_index(char *out, size_t size, const char *path, size_t i);

/* ---- Choices of an ENUM field ------------------------------------------------------ */

int schema_choice_count(const schema_field *f);
/* Choice I as a pointer into the table and its length (not NUL-terminated); NULL when
 * out of range. */
const char *schema_choice_at(const schema_field *f, int i, size_t *len);
/* Index of TEXT among the choices, or -1. */
int schema_choice_index(const schema_field *f, const char *text);
/* "a, b, c" */
void schema_choice_list(const schema_field *f, char *buf, size_t size);

/* ---- Names ------------------------------------------------------------------------- */

/* A name that becomes part of a file name (scenario, arm, sweep): 1 to 64 letters,
 * digits, '-' or '_'. */
#define SCHEMA_NAME_RULE "use 1 to 64 letters, digits, '-' or '_'"
int schema_is_name(const char *s);
/* A variable name of a result file: a letter, then up to 63 letters, digits or '_'
 * (valid in netCDF, Python and R alike). */
#define SCHEMA_VAR_NAME_RULE "a letter, then up to 63 letters, digits or '_'"
int schema_is_var_name(const char *s);

/* ---- --set KEY=VALUE --------------------------------------------------------------- */

/* Check the form of every --set argument (KEY=VALUE, no empty part in the dotted key)
 * before a file is read: each malformed one is an error at <command line>:I:1, with
 * EXAMPLE (e.g. "population.size=500") as a hint. Returns the number of malformed ones. */
size_t schema_check_sets(const char *const *sets, size_t n, const char *example, diag_list *d);

/* Apply well-formed --set arguments to T (yamltree_set; argument i is located at line
 * i + 1 of <command line>). Returns MSK_OK (values the tree refuses are errors in d),
 * MSK_EUSAGE (a path yamltree_set cannot take) or MSK_ENOMEM. */
msk_status schema_apply_sets(yamltree *t, const char *const *sets, size_t n, diag_list *d);

/* The arguments one per line (the provenance of overrides); NULL when out of memory. */
char *schema_join_sets(const char *const *sets, size_t n);

/* ---- Reference --------------------------------------------------------------------- */

/* A Markdown table of FIELDS[n]: key, type, default, allowed values, meaning. */
void schema_write_markdown(FILE *out, const schema_field *fields, size_t n);

#endif
