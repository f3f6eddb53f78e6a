/* yamltree.c — libyaml events folded into a located node tree, and --set editing. */
#include "yamltree.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "outpath.h"

const char yamltree_cmdline_file[] = "<command line>";

/* ---- Nodes ------------------------------------------------------------------- */

static void node_free(yamltree_node *n)
{
    if (!n)
        return;
    if (n->kind == YAMLTREE_MAPPING) {
        for (size_t i = 0; i < n->count; i++) {
            node_free(n->pairs[i].key);
            node_free(n->pairs[i].value);
        }
    } else if (n->kind == YAMLTREE_SEQUENCE) {
        for (size_t i = 0; i < n->count; i++)
            node_free(n->items[i]);
    }
    free(n->pairs);
    free(n->items);
    free(n->text);
    free(n);
}

static yamltree_node *node_new(yamltree_kind kind, const char *file, int line, int col)
{
    yamltree_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

static yamltree_node *scalar_new(const char *file, int line, int col, const char *text,
                                 size_t length, int quoted)
{
    yamltree_node *n = node_new(YAMLTREE_SCALAR, file, line, col);
    if (!n)
        return NULL;
    n->text = malloc(length + 1);
    if (!n->text) {
        free(n);
        return NULL;
    }
    memcpy(n->text, text, length);
    n->text[length] = '\0';
    n->length = length;
    n->quoted = quoted;
    unsigned h = 2166136261u;
    for (size_t i = 0; i < length; i++)
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    n->hash = h;
    return n;
}

/* Make room for one more child; 0 on allocation failure. */
static int grow(yamltree_node *n)
{
    if (n->count < n->capacity)
        return 1;
    size_t cap = n->capacity ? 2 * n->capacity : 4;
    if (n->kind == YAMLTREE_MAPPING) {
        yamltree_pair *p = realloc(n->pairs, cap * sizeof *p);
        if (!p)
            return 0;
        n->pairs = p;
    } else {
        yamltree_node **p = realloc(n->items, cap * sizeof *p);
        if (!p)
            return 0;
        n->items = p;
    }
    n->capacity = cap;
    return 1;
}

void yamltree_init(yamltree *t)
{
    memset(t, 0, sizeof *t);
}

void yamltree_fini(yamltree *t)
{
    if (!t)
        return;
    node_free(t->root);
    free(t->file);
    yamltree_init(t);
}

yamltree_pair *yamltree_get_pair(const yamltree_node *map, const char *key)
{
    if (!map || map->kind != YAMLTREE_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->pairs[i].key->text, key) == 0)
            return &map->pairs[i];
    return NULL;
}

yamltree_node *yamltree_get(const yamltree_node *map, const char *key)
{
    yamltree_pair *p = yamltree_get_pair(map, key);
    return p ? p->value : NULL;
}

int yamltree_is_null(const yamltree_node *n)
{
    if (!n || n->kind != YAMLTREE_SCALAR || n->quoted)
        return 0;
    return n->length == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

const char *yamltree_kind_name(yamltree_kind k)
{
    switch (k) {
    case YAMLTREE_MAPPING:
        return "a mapping";
    case YAMLTREE_SEQUENCE:
        return "a list";
    case YAMLTREE_SCALAR:
        return "a single value";
    }
    return "?";
}

/* ---- Building the tree from events -------------------------------------------- */

typedef struct {
    yamltree_node *node;
    yamltree_node *key; /* mapping: a key still waiting for its value */
    int discard;        /* that key repeats an earlier one: drop the pair */
} frame;

typedef struct {
    yamltree *t;
    diag_list *d;
    const char *node_file; /* stored in nodes and used in messages */
    int fixed_line;        /* > 0: every location is (fixed_line, 1), for --set values */
    const char *text;
    size_t length;
    frame stack[YAMLTREE_MAX_DEPTH];
    size_t depth;
    int problems; /* non-fatal problems seen */
    int nomem;
    int late_line, late_col; /* first problem not reported (beyond YAMLTREE_MAX_REPORTED) */
} builder;

static void locate(const builder *b, yaml_mark_t m, int *line, int *col)
{
    if (b->fixed_line > 0) {
        *line = b->fixed_line;
        *col = 1;
    } else {
        *line = (int)m.line + 1;
        *col = (int)m.column + 1;
    }
}

static void report(builder *b, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(builder *b, int line, int col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(b->d, DIAG_ERROR, b->node_file, line, col, "", "%s", msg);
}

/* A problem that does not stop reading. Only the first YAMLTREE_MAX_REPORTED are
 * reported one by one, so a file of a million aliases cannot flood the terminal. */
static void problem(builder *b, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(builder *b, int line, int col, const char *fmt, ...)
{
    if (++b->problems > YAMLTREE_MAX_REPORTED) {
        if (b->late_line == 0) {
            b->late_line = line;
            b->late_col = col;
        }
        return;
    }
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(b->d, DIAG_ERROR, b->node_file, line, col, "", "%s", msg);
}

/* User text quoted in a message: at most 64 bytes, control characters (terminal
 * escape sequences) shown as '?'. */
static const char *masked(const char *s, char buf[72])
{
    size_t o = 0;
    for (; s[o] && o < 64; o++)
        buf[o] = ((unsigned char)s[o] < 0x20 || s[o] == 0x7F) ? '?' : s[o];
    buf[o] = '\0';
    if (s[o])
        memcpy(buf + o, "...", 4);
    return buf;
}

/* Line and column of byte OFFSET, for reader errors (libyaml gives only the offset). */
static void offset_location(const builder *b, size_t offset, int *line, int *col)
{
    if (b->fixed_line > 0) {
        *line = b->fixed_line;
        *col = 1;
        return;
    }
    int l = 1, c = 1;
    for (size_t i = 0; i < offset && i < b->length; i++) {
        if (b->text[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)b->text[i] & 0xC0) != 0x80) {
            c++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

static void report_syntax(builder *b, const yaml_parser_t *p)
{
    int line, col;
    const char *what = b->fixed_line > 0 ? "YAML syntax error in the --set value" : "YAML syntax error";
    if (p->error == YAML_MEMORY_ERROR) {
        b->nomem = 1;
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        size_t off = p->problem_offset;
        int value = p->problem_value;
        /* libyaml points at the byte that broke a multi-byte character; the character
         * itself (a Latin-1 'e' acute, 0xE9) is what the reader has to find and fix. */
        if (b->fixed_line <= 0 && p->problem && off <= b->length &&
            strcmp(p->problem, "invalid trailing UTF-8 octet") == 0) {
            while (off > 0 && ((unsigned char)b->text[off - 1] & 0xC0) == 0x80)
                off--;
            if (off > 0 && (unsigned char)b->text[off - 1] >= 0xC0) {
                off--;
                value = (unsigned char)b->text[off];
            }
        }
        offset_location(b, off, &line, &col);
        if (value != -1)
            report(b, line, col, "not valid UTF-8 text: %s (byte 0x%02X); is this a binary file?",
                   p->problem, (unsigned)value & 0xFFu);
        else
            report(b, line, col, "not valid UTF-8 text: %s", p->problem);
        return;
    }
    locate(b, p->problem_mark, &line, &col);
    const char *hint = "";
    if (b->fixed_line <= 0 && p->problem_mark.index < b->length &&
        b->text[p->problem_mark.index] == '\t')
        hint = " (a tab: YAML is indented with spaces only)";
    if (p->context) {
        int cl, cc;
        locate(b, p->context_mark, &cl, &cc);
        report(b, line, col, "%s: %s%s (%s at line %d, column %d)", what,
               p->problem ? p->problem : "unknown problem", hint, p->context, cl, cc);
    } else {
        report(b, line, col, "%s: %s%s", what, p->problem ? p->problem : "unknown problem",
               hint);
    }
}

/* Count a new node against the limit; 0 (with a diagnostic) when over it. */
static int count_node(builder *b, int line, int col)
{
    if (b->t->n_nodes >= YAMLTREE_MAX_NODES) {
        report(b, line, col, "more than %d YAML nodes; too large for a scenario file",
               YAMLTREE_MAX_NODES);
        return 0;
    }
    b->t->n_nodes++;
    return 1;
}

/* Anchors only make sense with aliases, which we refuse: an alias bomb (a few lines
 * expanding to billions of nodes) is the classic YAML denial of service. Tags would
 * let a file change how a value is typed, which the tables decide. Both are reported
 * and ignored so reading can go on and find further mistakes. */
static void check_decorations(builder *b, const yaml_char_t *anchor, const yaml_char_t *tag,
                              int implicit, int line, int col)
{
    char m[72];
    if (anchor)
        problem(b, line, col, "anchors (&%s) are not supported; write the value out in full",
                masked((const char *)anchor, m));
    if (tag && !implicit)
        problem(b, line, col, "explicit tags (%s) are not supported",
                masked((const char *)tag, m));
}

/* Attach a completed node to its parent (or make it the root). Returns 0 on a fatal
 * problem; NODE is then freed. */
static int finish(builder *b, yamltree_node *node)
{
    if (b->depth == 0) {
        MSK_ASSERT(b->t->root == NULL);
        b->t->root = node;
        return 1;
    }
    frame *f = &b->stack[b->depth - 1];
    yamltree_node *parent = f->node;
    if (parent->kind == YAMLTREE_MAPPING && !f->key) {
        if (node->kind != YAMLTREE_SCALAR) {
            report(b, node->line, node->col,
                   "a mapping key must be a single value, not %s", yamltree_kind_name(node->kind));
            node_free(node);
            return 0;
        }
        if (parent->count >= YAMLTREE_MAX_KEYS) {
            report(b, node->line, node->col,
                   "more than %d keys in one mapping; too many for a scenario file",
                   YAMLTREE_MAX_KEYS);
            node_free(node);
            return 0;
        }
        for (size_t i = 0; i < parent->count; i++) {
            const yamltree_node *k = parent->pairs[i].key;
            if (k->hash == node->hash && k->length == node->length &&
                memcmp(k->text, node->text, k->length) == 0) {
                char m[72];
                problem(b, node->line, node->col,
                        "duplicate key '%s' (first given at line %d, column %d)",
                        masked(node->text, m), k->line, k->col);
                f->discard = 1;
                break;
            }
        }
        f->key = node;
        return 1;
    }
    if (parent->kind == YAMLTREE_MAPPING) {
        if (f->discard) {
            node_free(f->key);
            node_free(node);
        } else {
            if (!grow(parent)) {
                b->nomem = 1;
                node_free(node);
                return 0;
            }
            parent->pairs[parent->count].key = f->key;
            parent->pairs[parent->count].value = node;
            parent->count++;
        }
        f->key = NULL;
        f->discard = 0;
        return 1;
    }
    if (!grow(parent)) {
        b->nomem = 1;
        node_free(node);
        return 0;
    }
    parent->items[parent->count++] = node;
    return 1;
}

/* A scalar event: its text checked, a node added. 0 on a fatal problem. */
static int on_scalar(builder *b, const yaml_event_t *ev, int line, int col)
{
    const size_t len = ev->data.scalar.length;
    if (len > YAMLTREE_MAX_SCALAR) {
        report(b, line, col, "a value of %zu bytes is longer than the limit of %d", len,
               YAMLTREE_MAX_SCALAR);
        return 0;
    }
    /* A "\0" escape would cut the text short wherever it is used as a C string:
     * "name\0x" would pass for the key "name". */
    if (memchr(ev->data.scalar.value, '\0', len))
        problem(b, line, col, "a value holds a NUL character (\\0); text cannot contain one");
    check_decorations(b, ev->data.scalar.anchor, ev->data.scalar.tag,
                      ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit, line, col);
    if (!count_node(b, line, col))
        return 0;
    yamltree_node *n = scalar_new(b->node_file, line, col, (const char *)ev->data.scalar.value,
                                  len, ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
    if (!n) {
        b->nomem = 1;
        return 0;
    }
    return finish(b, n);
}

/* An alias: refused, with a null standing in so the surrounding structure stays intact. */
static int on_alias(builder *b, const yaml_event_t *ev, int line, int col)
{
    char m[72];
    problem(b, line, col, "aliases (*%s) are not supported; write the value out in full",
            masked((const char *)ev->data.alias.anchor, m));
    if (!count_node(b, line, col))
        return 0;
    yamltree_node *n = scalar_new(b->node_file, line, col, "", 0, 0);
    if (!n) {
        b->nomem = 1;
        return 0;
    }
    return finish(b, n);
}

/* The start of a mapping or sequence: a new frame on the stack. */
static int on_start(builder *b, const yaml_event_t *ev, int line, int col)
{
    const int is_map = ev->type == YAML_MAPPING_START_EVENT;
    if (is_map)
        check_decorations(b, ev->data.mapping_start.anchor, ev->data.mapping_start.tag,
                          ev->data.mapping_start.implicit, line, col);
    else
        check_decorations(b, ev->data.sequence_start.anchor, ev->data.sequence_start.tag,
                          ev->data.sequence_start.implicit, line, col);
    if (b->depth >= YAMLTREE_MAX_DEPTH) {
        report(b, line, col, "nesting deeper than %d levels", YAMLTREE_MAX_DEPTH);
        return 0;
    }
    if (!count_node(b, line, col))
        return 0;
    yamltree_node *n = node_new(is_map ? YAMLTREE_MAPPING : YAMLTREE_SEQUENCE, b->node_file, line, col);
    if (!n) {
        b->nomem = 1;
        return 0;
    }
    b->stack[b->depth].node = n;
    b->stack[b->depth].key = NULL;
    b->stack[b->depth].discard = 0;
    b->depth++;
    return 1;
}

/* Handle one event; 0 on a fatal problem. */
static int handle_event(builder *b, const yaml_event_t *ev, int *documents)
{
    int line, col;
    locate(b, ev->start_mark, &line, &col);
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1) {
            report(b, line, col, "a second YAML document starts here; a file holds only one");
            return 0;
        }
        return 1;
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev, line, col);
    case YAML_ALIAS_EVENT:
        return on_alias(b, ev, line, col);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, line, col);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        MSK_ASSERT(b->depth > 0);
        frame *f = &b->stack[--b->depth];
        MSK_ASSERT(f->key == NULL);
        return finish(b, f->node);
    }
    default:
        return 1;
    }
}

static msk_status parse(yamltree *t, const char *node_file, int fixed_line, const char *text,
                        size_t length, diag_list *d)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.t = t;
    b.d = d;
    b.node_file = node_file;
    b.fixed_line = fixed_line;
    b.text = text;
    b.length = length;

    /* libyaml would stop at a NUL as a control character anyway; saying "binary" is
     * clearer, and it keeps the text usable as a C string for provenance. */
    if (length >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                        (text[0] == '\xFE' && text[1] == '\xFF'))) {
        report(&b, 1, 1, "the file is encoded as UTF-16; save it as UTF-8");
        return MSK_EDATA;
    }
    const char *nul = memchr(text, '\0', length);
    if (nul) {
        int line, col;
        offset_location(&b, (size_t)(nul - text), &line, &col);
        report(&b, line, col, "contains a NUL byte; this is not a YAML text file (binary data?)");
        return MSK_EDATA;
    }

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return MSK_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, length);
    int documents = 0, fatal = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            report_syntax(&b, &p);
            fatal = 1;
            break;
        }
        const int end = ev.type == YAML_STREAM_END_EVENT;
        if (!handle_event(&b, &ev, &documents))
            fatal = 1;
        yaml_event_delete(&ev);
        if (fatal || end)
            break;
    }
    yaml_parser_delete(&p);

    if (fatal) {
        while (b.depth > 0) {
            frame *f = &b.stack[--b.depth];
            node_free(f->key);
            node_free(f->node);
        }
        node_free(t->root);
        t->root = NULL;
    }
    if (b.problems > YAMLTREE_MAX_REPORTED)
        diag_add(d, DIAG_NOTE, b.node_file, b.late_line, b.late_col, "",
                 "%d more anchors, aliases, tags or duplicate keys from here on are not shown",
                 b.problems - YAMLTREE_MAX_REPORTED);
    if (b.nomem)
        return MSK_ENOMEM;
    return (fatal || b.problems) ? MSK_EDATA : MSK_OK;
}

msk_status yamltree_parse_string(yamltree *t, const char *file, const char *text,
                                 size_t length, diag_list *d)
{
    MSK_ASSERT(t->root == NULL && t->file == NULL);
    t->file = strdup(file);
    if (!t->file)
        return MSK_ENOMEM;
    return parse(t, t->file, 0, text, length, d);
}

msk_status yamltree_parse_file(yamltree *t, const char *path, char **text, diag_list *d)
{
    if (text)
        *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "", "cannot open: %s", strerror(errno));
        return MSK_ENOINPUT;
    }
    outpath_note_input_fd(fileno(f), path); /* no output may replace it (outpath.h) */
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    msk_status st = MSK_OK;
    while (buf) {
        /* Checked on what was read, not on the buffer size: the buffer doubles, and
         * testing its capacity let files of up to twice the limit through. */
        if (len > YAMLTREE_MAX_FILE) {
            diag_add(d, DIAG_ERROR, path, 1, 1, "",
                     "larger than %d MiB; too large for a scenario file",
                     YAMLTREE_MAX_FILE / (1024 * 1024));
            st = MSK_EDATA;
            break;
        }
        if (len + 1 >= cap) {
            /* Room for the limit, one byte more to detect a larger file, and the NUL. */
            const size_t ncap = 2 * cap < YAMLTREE_MAX_FILE + 2 ? 2 * cap : YAMLTREE_MAX_FILE + 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                diag_add(d, DIAG_ERROR, path, 0, 0, "", "cannot read: %s", strerror(errno));
                st = MSK_ENOINPUT;
            }
            break;
        }
    }
    fclose(f);
    if (!buf)
        return MSK_ENOMEM;
    if (st != MSK_OK) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    st = yamltree_parse_string(t, path, buf, len, d);
    if (text && st != MSK_ENOMEM)
        *text = buf;
    else
        free(buf);
    return st;
}

/* ---- Editing at a dotted path (--set) ------------------------------------------ */

/* A plain decimal index: digits only, no sign, no leading zero except "0". */
static int parse_index(const char *s, size_t len, size_t *out)
{
    if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
        return 0;
    size_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = 10 * v + (size_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

#define SET_MAX_COMPONENTS 32

/* A --set path split at its dots, with SHOWN a copy of DOTTED for messages (same
 * length, control characters replaced): offsets into one are offsets into the other. */
typedef struct {
    const char *dotted, *shown;
    const char *comp[SET_MAX_COMPONENTS];
    size_t clen[SET_MAX_COMPONENTS], n;
    int arg_index;
    diag_list *d;
} set_path;

/* Split the path first, so a malformed one changes nothing. */
static msk_status split_path(set_path *sp)
{
    sp->n = 0;
    for (const char *s = sp->dotted;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (len == 0) {
            diag_add(sp->d, DIAG_ERROR, yamltree_cmdline_file, sp->arg_index, 1, "",
                     "--set '%.200s': the key path has an empty part", sp->shown);
            return MSK_EUSAGE;
        }
        if (sp->n == SET_MAX_COMPONENTS) {
            diag_add(sp->d, DIAG_ERROR, yamltree_cmdline_file, sp->arg_index, 1, "",
                     "--set: the key path has more than %d parts", SET_MAX_COMPONENTS);
            return MSK_EUSAGE;
        }
        sp->comp[sp->n] = s;
        sp->clen[sp->n] = len;
        sp->n++;
        if (!dot)
            return MSK_OK;
        s = dot + 1;
    }
}

/* The value of a --set argument as a tree of its own (a null scalar for ""), its nodes
 * counted in T. */
static msk_status parse_set_value(yamltree *t, const set_path *sp, const char *value,
                                  yamltree_node **out)
{
    yamltree vt;
    yamltree_init(&vt);
    msk_status st = parse(&vt, yamltree_cmdline_file, sp->arg_index, value, strlen(value), sp->d);
    if (st != MSK_OK) {
        yamltree_fini(&vt);
        return st;
    }
    *out = vt.root;
    t->n_nodes += vt.n_nodes + 1;
    vt.root = NULL;
    yamltree_fini(&vt);
    if (!*out && !(*out = scalar_new(yamltree_cmdline_file, sp->arg_index, 1, "", 0, 0)))
        return MSK_ENOMEM;
    return MSK_OK;
}

/* The slot of item INDEX of sequence CUR (appended when INDEX is one past the end). */
static msk_status sequence_slot(const set_path *sp, size_t i, yamltree_node *cur,
                                const char *prefix, yamltree_node ***slot)
{
    size_t index = 0;
    const int is_index = parse_index(sp->comp[i], sp->clen[i], &index);
    const char *part = sp->shown + (sp->comp[i] - sp->dotted); /* comp[i] as shown */
    if (!is_index || index > cur->count) {
        if (!is_index)
            diag_add(sp->d, DIAG_ERROR, yamltree_cmdline_file, sp->arg_index, 1, sp->shown,
                     "%s is a list; '%.*s' is not an index (0, 1, ...)", prefix,
                     (int)sp->clen[i], part);
        else
            diag_add(sp->d, DIAG_ERROR, yamltree_cmdline_file, sp->arg_index, 1, sp->shown,
                     "%s has %zu item%s; index %zu is past the end (use 0 to %zu)", prefix,
                     cur->count, cur->count == 1 ? "" : "s", index, cur->count);
        return MSK_EDATA;
    }
    if (index == cur->count) {
        if (!grow(cur))
            return MSK_ENOMEM;
        cur->items[cur->count++] = NULL; /* filled by the caller or in the next round */
    }
    *slot = &cur->items[index];
    return MSK_OK;
}

/* The slot of key comp[i] in mapping CUR (a new pair when it has none). */
static msk_status mapping_slot(yamltree *t, const set_path *sp, size_t i, yamltree_node *cur,
                               yamltree_node ***slot)
{
    for (size_t k = 0; k < cur->count; k++) {
        const yamltree_node *key = cur->pairs[k].key;
        if (key->length == sp->clen[i] && memcmp(key->text, sp->comp[i], sp->clen[i]) == 0) {
            *slot = &cur->pairs[k].value;
            return MSK_OK;
        }
    }
    yamltree_node *key = scalar_new(yamltree_cmdline_file, sp->arg_index, 1, sp->comp[i],
                                    sp->clen[i], 0);
    if (!key || !grow(cur)) {
        node_free(key);
        return MSK_ENOMEM;
    }
    yamltree_pair *p = &cur->pairs[cur->count++];
    p->key = key;
    p->value = NULL;
    t->n_nodes++;
    *slot = &p->value;
    return MSK_OK;
}

/* Follow component I from *SLOT (creating the container it needs) to the next slot. */
static msk_status descend(yamltree *t, const set_path *sp, size_t i, yamltree_node ***slot)
{
    size_t index = 0;
    const int is_index = parse_index(sp->comp[i], sp->clen[i], &index);
    const int where = (int)(sp->comp[i] - sp->dotted); /* length of the path so far */
    char prefix[160];
    if (where == 0)
        snprintf(prefix, sizeof prefix, "the top level");
    else
        snprintf(prefix, sizeof prefix, "'%.*s'", where - 1 > 150 ? 150 : where - 1, sp->shown);
    yamltree_node *cur = **slot;
    if (!cur || yamltree_is_null(cur)) {
        yamltree_node *c = node_new(is_index ? YAMLTREE_SEQUENCE : YAMLTREE_MAPPING,
                                    yamltree_cmdline_file, sp->arg_index, 1);
        if (!c)
            return MSK_ENOMEM;
        node_free(cur);
        **slot = cur = c;
        t->n_nodes++;
    }
    if (cur->kind == YAMLTREE_SCALAR) {
        diag_add(sp->d, DIAG_ERROR, yamltree_cmdline_file, sp->arg_index, 1, sp->shown,
                 "%s holds a single value, so it has no '%.*s'", prefix, (int)sp->clen[i],
                 sp->shown + where);
        return MSK_EDATA;
    }
    if (cur->kind == YAMLTREE_SEQUENCE)
        return sequence_slot(sp, i, cur, prefix, slot);
    return mapping_slot(t, sp, i, cur, slot);
}

static msk_status set_at(yamltree *t, const char *dotted, const char *shown, const char *value,
                         int arg_index, diag_list *d)
{
    set_path sp = {.dotted = dotted, .shown = shown, .arg_index = arg_index, .d = d};
    msk_status st = split_path(&sp);
    yamltree_node *val = NULL;
    if (st == MSK_OK)
        st = parse_set_value(t, &sp, value, &val);
    yamltree_node **slot = &t->root;
    for (size_t i = 0; st == MSK_OK && i < sp.n; i++)
        st = descend(t, &sp, i, &slot);
    if (st != MSK_OK) {
        node_free(val);
        return st;
    }
    node_free(*slot);
    *slot = val;
    return MSK_OK;
}

msk_status yamltree_set(yamltree *t, const char *dotted, const char *value, int arg_index,
                        diag_list *d)
{
    /* The path may come from a file (a sweep's parameter paths), and messages must not
     * carry its control characters to the terminal. */
    char *shown = strdup(dotted);
    if (!shown)
        return MSK_ENOMEM;
    for (char *c = shown; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            *c = '?';
    msk_status st = set_at(t, dotted, shown, value, arg_index, d);
    free(shown);
    return st;
}

/* ---- Writing scalars ----------------------------------------------------------- */

void yamltree_format_real(double x, char *buf, size_t size)
{
    /* Whole numbers in full ("100000000", not "1e+08"): they are read by people. */
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, size, "%.0f", x);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

void yamltree_write_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*c < 0x20 || *c == 0x7F)
                fprintf(out, "\\x%02X", (unsigned)*c);
            else
                fputc(*c, out);
        }
    }
    fputc('"', out);
}

/* Strict decimal number: [+-] digits [. digits] [e [+-] digits], at least one mantissa
 * digit, nothing else (no hex, no "1_000", no spaces, no ".inf"). Returns 1 and sets
 * *out, 0 when the text is not a number, -1 when it names infinity or NaN or
 * overflows a double. */
int yamltree_parse_real(const char *s, double *out)
{
    const char *p = s;
    size_t digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (digits > 0 && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (digits == 0 || *p) {
        /* Say "not finite" for the spellings of infinity and NaN people try. */
        char low[16];
        size_t i = 0;
        for (const char *q = s; *q && i + 1 < sizeof low; q++)
            if (*q != '+' && *q != '-' && *q != '.')
                low[i++] = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
        low[i] = '\0';
        if (strcmp(low, "inf") == 0 || strcmp(low, "infinity") == 0 || strcmp(low, "nan") == 0)
            return -1;
        return 0;
    }
    errno = 0;
    char *end;
    const double x = strtod(s, &end);
    MSK_ASSERT(*end == '\0');
    if (!isfinite(x))
        return -1;
    *out = x;
    return 1;
}
