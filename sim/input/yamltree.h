/* yamltree.h — a small, hardened YAML reader for scenario files.
 *
 * libyaml's event stream is folded into a plain tree of mappings, sequences and
 * scalars, each node remembering where it came from (file, 1-based line and column),
 * so the scenario loader can point at the exact place of every mistake. The reader
 * accepts only what a scenario needs and refuses what could hurt: anchors and aliases
 * (alias bombs), explicit tags, duplicate keys, several documents, and inputs beyond
 * the limits below. Syntax errors are reported as FILE:LINE:COL with libyaml's text.
 *
 * yamltree_set edits a tree at a dotted path; it is how `--set` overrides are applied
 * before the tree is validated, so an override is checked exactly like a file value.
 * A few helpers write YAML scalars back (numbers that round-trip, quoted strings). */
#ifndef MSK_YAMLTREE_H
#define MSK_YAMLTREE_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* Limits that keep hostile or broken input from exhausting memory or the stack. */
#define YAMLTREE_MAX_DEPTH 64              /* nested mappings / sequences */
#define YAMLTREE_MAX_SCALAR (64 * 1024)    /* bytes in one scalar */
#define YAMLTREE_MAX_NODES 200000          /* nodes in one tree */
#define YAMLTREE_MAX_FILE (16 * 1024 * 1024) /* bytes in one file */
/* Keys in one mapping: duplicate keys are found by comparing each key with the ones
 * before it, so this bounds that quadratic work (a scenario mapping has < 100 keys). */
#define YAMLTREE_MAX_KEYS 4096
/* Non-fatal problems (anchors, aliases, tags, duplicate keys) reported one by one;
 * beyond this many, one note says how many more there were. */
#define YAMLTREE_MAX_REPORTED 100

typedef enum { YAMLTREE_MAPPING, YAMLTREE_SEQUENCE, YAMLTREE_SCALAR } yamltree_kind;

typedef struct yamltree_node yamltree_node;

typedef struct {
    yamltree_node *key; /* always a scalar */
    yamltree_node *value;
} yamltree_pair;

struct yamltree_node {
    yamltree_kind kind;
    const char *file; /* not owned: the tree's file name or yamltree_cmdline_file */
    int line, col;    /* 1-based */

    /* Scalars: NUL-terminated text (length excludes the NUL). quoted is true for any
     * non-plain style ('x', "x", | and >): such a scalar is always text, never a
     * number or null. */
    char *text;
    size_t length;
    int quoted;
    unsigned hash; /* of text (FNV-1a): duplicate keys are found without comparing texts */

    /* Mappings hold pairs[count] in file order; sequences hold items[count]. */
    yamltree_pair *pairs;
    yamltree_node **items;
    size_t count, capacity;
};

typedef struct {
    yamltree_node *root; /* NULL when the stream holds no document (empty, comments) */
    char *file;          /* owned copy of the name given to the parser */
    size_t n_nodes;
} yamltree;

/* File name carried by nodes that come from --set arguments. */
extern const char yamltree_cmdline_file[];

void yamltree_init(yamltree *t);
/* Free the tree; accepts an initialized or zeroed tree and leaves it initialized. */
void yamltree_fini(yamltree *t);

/* Parse TEXT[0..length) (FILE names it in messages) into *t, which must be
 * initialized and empty. Returns MSK_OK; MSK_EDATA with diagnostics added, in which
 * case t->root is NULL after a fatal problem (syntax error, limit exceeded) or holds
 * the tree after problems that do not stop reading (duplicate keys, anchors, aliases,
 * tags), so a caller can go on to find further mistakes; or MSK_ENOMEM. */
msk_status yamltree_parse_string(yamltree *t, const char *file, const char *text,
                                 size_t length, diag_list *d);

/* Read PATH and parse it as above. On MSK_OK or MSK_EDATA after the file was read,
 * *text (when text is not NULL) receives the file's NUL-terminated contents, to be
 * freed by the caller; otherwise it is set to NULL. Returns MSK_ENOINPUT (with a
 * diagnostic) when the file cannot be read. */
msk_status yamltree_parse_file(yamltree *t, const char *path, char **text, diag_list *d);

/* Value of KEY in mapping MAP, or NULL when MAP is not a mapping or lacks the key.
 * yamltree_get_pair returns the pair, to reach the key's location. */
yamltree_node *yamltree_get(const yamltree_node *map, const char *key);
yamltree_pair *yamltree_get_pair(const yamltree_node *map, const char *key);

/* True for a YAML null: a plain scalar "", "~" or null/Null/NULL. */
int yamltree_is_null(const yamltree_node *n);

/* "a mapping", "a list" or "a single value", for messages about wrong shapes. */
const char *yamltree_kind_name(yamltree_kind k);

/* Set the node at DOTTED (components separated by '.'; a component made of digits
 * indexes a sequence, where the index one past the end appends) to VALUE, which is
 * read as a YAML flow value ("3", "[]", "'x y'"). Missing intermediate nodes are
 * created: a sequence when the next component is an index, else a mapping. Every
 * node created carries file yamltree_cmdline_file, line ARG_INDEX (the 1-based
 * position of the --set argument) and column 1. Returns MSK_OK; MSK_EUSAGE when the
 * path is empty or has an empty component; MSK_EDATA when the path cannot be
 * followed (an index past the end, a key inside a scalar) or the value is not valid
 * YAML; MSK_ENOMEM. Each failure adds a diagnostic. */
msk_status yamltree_set(yamltree *t, const char *dotted, const char *value, int arg_index,
                        diag_list *d);

/* Strict decimal number: [+-] digits [. digits] [e [+-] digits], nothing else (no hex,
 * "1_000", spaces or ".inf"). Returns 1 and sets *out; 0 when the text is not a number;
 * -1 when it names infinity or NaN or overflows a double. */
int yamltree_parse_real(const char *s, double *out);

/* Format X (finite) with the fewest significant digits that read back exactly, in a
 * form the strict number parser accepts (e.g. "0.1", "52", "1e-05"). */
void yamltree_format_real(double x, char *buf, size_t size);

/* Write S as a double-quoted YAML scalar, escaping quotes, backslashes and control
 * characters. */
void yamltree_write_quoted(FILE *out, const char *s);

#endif
