/* journal.c — append-only, fsync'ed checkpoint of finished sweep tasks (journal.h). */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outpath.h"

#define MAGIC "msksim-sweep-journal 1"

struct journal {
    int fd;
    char *path;
    size_t n_values;
    char *line; /* scratch for one line */
    size_t line_size;
};

uint64_t journal_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint32_t line_sum(const char *s, size_t len)
{
    uint64_t h = journal_hash(JOURNAL_HASH_START, s, len);
    return (uint32_t)(h ^ (h >> 32));
}

msk_status journal_state_init(journal_state *s, size_t n_tasks, size_t n_values)
{
    memset(s, 0, sizeof *s);
    s->n_tasks = n_tasks;
    s->n_values = n_values;
    s->done = calloc(n_tasks ? n_tasks : 1, 1);
    s->values = calloc(n_tasks * n_values > 0 ? n_tasks * n_values : 1, sizeof *s->values);
    if (!s->done || !s->values) {
        journal_state_fini(s);
        return MSK_ENOMEM;
    }
    return MSK_OK;
}

void journal_state_fini(journal_state *s)
{
    if (!s)
        return;
    free(s->done);
    free(s->values);
    memset(s, 0, sizeof *s);
}

static int header_text(char *buf, size_t size, uint64_t key, size_t n_tasks, size_t n_values)
{
    return snprintf(buf, size, MAGIC " key=%016" PRIx64 " tasks=%zu values=%zu\n", key, n_tasks, n_values);
}

/* Parse one task line (without its newline). Returns 1 when well formed. */
static int parse_task(const char *s, size_t len, size_t n_tasks, size_t n_values, size_t *task,
                      double *values)
{
    const char *sum = NULL;
    for (size_t i = len; i-- > 0;)
        if (s[i] == ' ') {
            sum = s + i;
            break;
        }
    if (!sum || strncmp(sum, " sum=", 5) != 0 || (size_t)(s + len - sum) != 13)
        return 0;
    char hex[9];
    memcpy(hex, sum + 5, 8);
    hex[8] = '\0';
    char *end;
    unsigned long want = strtoul(hex, &end, 16);
    if (*end || want != line_sum(s, (size_t)(sum - s)))
        return 0;
    if (strncmp(s, "task ", 5) != 0)
        return 0;
    errno = 0;
    unsigned long long t = strtoull(s + 5, &end, 10);
    if (errno || end == s + 5 || t >= n_tasks)
        return 0;
    const char *p = end;
    for (size_t v = 0; v < n_values; v++) {
        if (*p != ' ')
            return 0;
        uint64_t bits = strtoull(p + 1, &end, 16);
        if (end != p + 17)
            return 0;
        memcpy(&values[v], &bits, sizeof bits);
        p = end;
    }
    if (p != sum)
        return 0;
    *task = (size_t)t;
    return 1;
}

/* Read journal text; *valid_end receives the length of the good prefix (0 when even
 * the header is missing or cut short). */
static msk_status parse_text(const char *path, const char *text, size_t size, uint64_t key,
                             journal_state *s, size_t *valid_end, diag_list *diags)
{
    *valid_end = 0;
    char want[160];
    int wl = header_text(want, sizeof want, key, s->n_tasks, s->n_values);
    const char *nl = memchr(text, '\n', size);
    /* Empty, or the header itself cut short by a crash: ours, and nothing in it. Any
     * other text without a line end is someone else's file, never to be cut. */
    if (!nl && size <= (size_t)wl && memcmp(text, want, size) == 0)
        return MSK_OK;
    size_t hl = nl ? (size_t)(nl - text) + 1 : size;
    if (!nl || hl != (size_t)wl || memcmp(text, want, hl) != 0) {
        if (strncmp(text, MAGIC " ", sizeof MAGIC) != 0)
            diag_add(diags, DIAG_ERROR, path, 1, 1, "",
                     "this is not a sweep journal (its first line should begin '%s'); move it away "
                     "or choose another output name",
                     MAGIC);
        else
            diag_add(diags, DIAG_ERROR, path, 1, 1, "",
                     "this journal belongs to another sweep, or to another version of this sweep "
                     "file, its base scenario or msksim (journal: %.*s; this sweep: %.*s); its results "
                     "cannot be mixed in: delete it to start over, or run the sweep it was made for",
                     (int)(nl ? hl - 1 : hl), text, wl - 1, want);
        return MSK_EDATA;
    }
    double *values = malloc((s->n_values ? s->n_values : 1) * sizeof *values);
    if (!values)
        return MSK_ENOMEM;
    size_t pos = hl, line_no = 1, bad_line = 0;
    *valid_end = pos;
    while (pos < size) {
        line_no++;
        const char *start = text + pos, *eol = memchr(start, '\n', size - pos);
        size_t len = eol ? (size_t)(eol - start) : size - pos;
        size_t task;
        int ok = eol && parse_task(start, len, s->n_tasks, s->n_values, &task, values);
        if (ok && bad_line) {
            diag_add(diags, DIAG_ERROR, path, (int)bad_line, 1, "",
                     "damaged journal line followed by good ones (a crash only cuts the last "
                     "line): the file was altered; delete it to start over");
            free(values);
            return MSK_EDATA;
        }
        if (!ok) {
            if (!bad_line)
                bad_line = line_no;
        } else {
            if (!s->done[task]) {
                s->done[task] = 1;
                s->n_done++;
                memcpy(&s->values[task * s->n_values], values, s->n_values * sizeof *values);
            } else if (memcmp(&s->values[task * s->n_values], values, s->n_values * sizeof *values) != 0) {
                diag_add(diags, DIAG_WARNING, path, (int)line_no, 1, "",
                         "task %zu is recorded twice with different values; keeping the first "
                         "(a result that depends on the run is a bug: please report it)",
                         task);
            }
            *valid_end = pos + len + 1;
        }
        pos += len + (eol ? 1 : 0);
    }
    free(values);
    return MSK_OK;
}

static msk_status read_fd(int fd, const char *path, char **text, size_t *size, diag_list *diags)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot read the journal: %s", strerror(errno));
        return MSK_EIO;
    }
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n + 1);
    if (!buf)
        return MSK_ENOMEM;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0)
                diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot read the journal: %s", strerror(errno));
            else
                break; /* shrank meanwhile: read what is there */
            free(buf);
            return MSK_EIO;
        }
        got += (size_t)r;
    }
    buf[got] = '\0';
    *text = buf;
    *size = got;
    return MSK_OK;
}

/* Open an existing journal (flags: O_RDONLY or O_RDWR, maybe O_CREAT) the only way
 * that cannot harm another's file: never through a symbolic link, never blocking on a
 * FIFO, only a regular file, and never on a standard descriptor. -1 (a diagnostic
 * added, except for a missing file opened without O_CREAT: errno ENOENT). */
static int open_journal_file(const char *path, int flags, diag_list *diags)
{
    int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) {
        int why = errno;
        if (why == ELOOP)
            diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                     "is a symbolic link; a journal is never written or read through a link (its "
                     "target would be overwritten): remove the link or choose another output name");
        else if (why != ENOENT || (flags & O_CREAT))
            diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot open the journal: %s", strerror(why));
        errno = why;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                 "is not a regular file, so it cannot be a sweep journal: move it away or choose "
                 "another output name");
        close(fd);
        errno = EINVAL;
        return -1;
    }
    /* With stderr closed, a journal on descriptor 2 would receive the progress lines. */
    return outpath_fd_above_stdio(fd);
}

msk_status journal_read(const char *path, uint64_t key, journal_state *s, diag_list *diags)
{
    int fd = open_journal_file(path, O_RDONLY, diags);
    if (fd < 0)
        return errno == ENOENT ? MSK_OK : MSK_EIO;
    char *text;
    size_t size, valid_end;
    msk_status st = read_fd(fd, path, &text, &size, diags);
    close(fd);
    if (st != MSK_OK)
        return st;
    st = parse_text(path, text, size, key, s, &valid_end, diags);
    free(text);
    return st;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

char *journal_name(const char *out_path, size_t index, size_t count)
{
    size_t len = strlen(out_path) + 64;
    char *s = malloc(len);
    if (!s)
        return NULL;
    if (count == 0)
        snprintf(s, len, "%s.journal", out_path);
    else
        snprintf(s, len, "%s.journal.shard-%zu-of-%zu", out_path, index, count);
    return s;
}

/* ".shard-I-of-M" exactly, as journal_name writes it. */
static int is_shard_suffix(const char *s)
{
    size_t i, m;
    int end = 0;
    return sscanf(s, ".shard-%zu-of-%zu%n", &i, &m, &end) == 2 && s[end] == '\0' && i < m &&
           s[7] >= '0' && s[7] <= '9';
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void journal_free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

msk_status journal_find(const char *out_path, char ***names, size_t *n, diag_list *diags)
{
    *names = NULL;
    *n = 0;
    char *dir = dir_of(out_path);
    const char *slash = strrchr(out_path, '/');
    const char *base = slash ? slash + 1 : out_path;
    size_t blen = strlen(base);
    if (!dir)
        return MSK_ENOMEM;
    DIR *d = opendir(dir);
    if (!d) {
        /* No directory: no journals; writing the result will say what is wrong. */
        free(dir);
        return MSK_OK;
    }
    char **list = NULL;
    size_t count = 0, cap = 0;
    msk_status st = MSK_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".journal", 8) != 0)
            continue;
        const char *rest = name + blen + 8;
        if (*rest && !is_shard_suffix(rest))
            continue; /* another's file of a journal-like name: not ours to read or remove */
        if (count == cap) {
            cap = cap ? 2 * cap : 4;
            char **grown = realloc(list, cap * sizeof *grown);
            if (!grown) {
                st = MSK_ENOMEM;
                break;
            }
            list = grown;
        }
        size_t len = strlen(dir) + strlen(name) + 2;
        list[count] = malloc(len);
        if (!list[count]) {
            st = MSK_ENOMEM;
            break;
        }
        if (slash)
            snprintf(list[count], len, "%s/%s", dir, name);
        else
            snprintf(list[count], len, "%s", name);
        count++;
    }
    closedir(d);
    free(dir);
    if (st != MSK_OK) {
        journal_free_names(list, count);
        return st;
    }
    if (count)
        qsort(list, count, sizeof *list, by_name);
    (void)diags;
    *names = list;
    *n = count;
    return MSK_OK;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

static void sync_dir_of(const char *path)
{
    char *dir = dir_of(path);
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

journal *journal_open(const char *path, uint64_t key, size_t n_tasks, size_t n_values, diag_list *diags)
{
    journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->fd = -1;
    j->n_values = n_values;
    j->path = strdup(path);
    j->line_size = 64 + 17 * n_values;
    j->line = malloc(j->line_size);
    if (!j->path || !j->line) {
        journal_close(j);
        return NULL;
    }
    if (outpath_check_side(path, diags) != MSK_OK) {
        journal_close(j);
        return NULL;
    }
    j->fd = open_journal_file(path, O_RDWR | O_CREAT, diags);
    if (j->fd < 0) {
        journal_close(j);
        return NULL;
    }
    /* One writer per journal: a second sweep on the same output would interleave. File
     * systems without flock (some parallel ones) are used unlocked. */
    if (flock(j->fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                 "another msksim sweep is writing this journal; wait for it to end, or give "
                 "this one another output file");
        journal_close(j);
        return NULL;
    }
    char *text;
    size_t size, valid_end;
    if (read_fd(j->fd, path, &text, &size, diags) != MSK_OK) {
        journal_close(j);
        return NULL;
    }
    journal_state scratch;
    msk_status st = journal_state_init(&scratch, n_tasks, n_values);
    if (st == MSK_OK)
        st = parse_text(path, text, size, key, &scratch, &valid_end, diags);
    journal_state_fini(&scratch);
    free(text);
    if (st != MSK_OK) {
        journal_close(j);
        return NULL;
    }
    int fresh = valid_end == 0;
    if (valid_end < size && ftruncate(j->fd, (off_t)valid_end) != 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot cut the unfinished last line: %s", strerror(errno));
        journal_close(j);
        return NULL;
    }
    if (lseek(j->fd, 0, SEEK_END) < 0) {
        journal_close(j);
        return NULL;
    }
    if (fresh) {
        char head[160];
        int hl = header_text(head, sizeof head, key, n_tasks, n_values);
        if (write_all(j->fd, head, (size_t)hl) != 0 || fsync(j->fd) != 0) {
            diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write the journal: %s", strerror(errno));
            journal_close(j);
            return NULL;
        }
        sync_dir_of(path); /* the new name itself must survive a crash */
    }
    return j;
}

msk_status journal_append(journal *j, size_t task, const double *values, diag_list *diags)
{
    size_t o = (size_t)snprintf(j->line, j->line_size, "task %zu", task);
    for (size_t v = 0; v < j->n_values; v++) {
        uint64_t bits;
        memcpy(&bits, &values[v], sizeof bits);
        o += (size_t)snprintf(j->line + o, j->line_size - o, " %016" PRIx64, bits);
    }
    o += (size_t)snprintf(j->line + o, j->line_size - o, " sum=%08" PRIx32 "\n", line_sum(j->line, o));
    if (write_all(j->fd, j->line, o) != 0 || fsync(j->fd) != 0) {
        diag_add(diags, DIAG_ERROR, j->path, 0, 0, "", "cannot append to the journal: %s", strerror(errno));
        return MSK_EIO;
    }
    return MSK_OK;
}

void journal_close(journal *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    free(j->path);
    free(j->line);
    free(j);
}

/* Is the file at path a journal of the sweep with this key (or one whose header a
 * crash cut short, or empty)? Read without following links or blocking. */
static int is_own_journal(const char *path, uint64_t key)
{
    diag_list quiet;
    diag_list_init(&quiet);
    int fd = open_journal_file(path, O_RDONLY, &quiet);
    diag_list_fini(&quiet);
    if (fd < 0)
        return 0;
    char want[64], have[64];
    int wl = snprintf(want, sizeof want, MAGIC " key=%016" PRIx64 " ", key);
    ssize_t n;
    do
        n = pread(fd, have, (size_t)wl, 0);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n >= 0 && memcmp(have, want, (size_t)n) == 0;
}

void journal_remove_all(const char *out_path, uint64_t key)
{
    char **names;
    size_t n;
    diag_list d;
    diag_list_init(&d);
    if (journal_find(out_path, &names, &n, &d) == MSK_OK) {
        for (size_t i = 0; i < n; i++) {
            if (!is_own_journal(names[i], key))
                fprintf(stderr, "msksim sweep: note: %s was left in place: it is not a journal of this sweep\n",
                        names[i]);
            else if (unlink(names[i]) != 0 && errno != ENOENT)
                fprintf(stderr, "msksim sweep: warning: cannot remove %s: %s\n", names[i], strerror(errno));
        }
        journal_free_names(names, n);
    }
    diag_list_fini(&d);
}
