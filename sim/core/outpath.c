/* outpath.c — checks every output path against the policy of outpath.h. */
#include "outpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ".tmp." and six random characters: the temporary sibling of atomicfile and h5out. */
enum { TMP_SUFFIX_LEN = 11 };

/* The files this process has read. Process-wide on purpose: which files a process has
 * opened is a fact about the process (as its descriptor table is), and every loader,
 * however deep, must add to it without a context threaded through each of them. */
typedef struct {
    dev_t dev;
    ino_t ino;
    char *name; /* as first given, for messages */
} input_file;
static input_file inputs[OUTPATH_MAX_INPUTS];
static size_t n_inputs;

static void note(const struct stat *st, const char *path)
{
    if (!S_ISREG(st->st_mode))
        return;
    for (size_t i = 0; i < n_inputs; i++)
        if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino)
            return;
    if (n_inputs == OUTPATH_MAX_INPUTS)
        return;
    char *name = strdup(path ? path : "(an input)");
    if (!name)
        return;
    inputs[n_inputs++] = (input_file){st->st_dev, st->st_ino, name};
}

void outpath_note_input_fd(int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) == 0)
        note(&st, path);
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

void outpath_note_input(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        note(&st, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!has_yaml_suffix(e->d_name))
            continue;
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        if (!p)
            break;
        snprintf(p, len, "%s/%s", path, e->d_name);
        if (stat(p, &st) == 0)
            note(&st, p);
        free(p);
    }
    closedir(d);
}

static const input_file *find_input(const struct stat *st)
{
    for (size_t i = 0; i < n_inputs; i++)
        if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino)
            return &inputs[i];
    return NULL;
}

void outpath_ignore_sigxfsz(void)
{
#ifdef SIGXFSZ
    signal(SIGXFSZ, SIG_IGN);
#endif
}

int outpath_fd_above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    /* Keep the low number taken, by /dev/null, so the next file opened cannot get it. */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0 && null != fd) {
        dup2(null, fd);
        close(null);
    } else if (null < 0) {
        close(fd);
    }
    errno = saved;
    return high;
}

/* "D" for "D/NAME", "." for "NAME", "/" for "/NAME"; malloc'ed. */
static char *dir_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

static const char *base_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

long outpath_name_max(const char *path)
{
    char *dir = dir_part(path);
    errno = 0;
    long max = dir ? pathconf(dir, _PC_NAME_MAX) : -1;
    free(dir);
    return max > 0 ? max : NAME_MAX;
}

static const char *kind_of(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO (named pipe)";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISLNK(m))
        return "a symbolic link";
    return "not a regular file";
}

/* The checks shared by outputs and side files: the name, the directory, what exists
 * under the name now. suffix: bytes the writer appends for its temporary sibling. */
static msk_status check_common(const char *path, size_t suffix, diag_list *diags)
{
    if (!path || !*path) {
        diag_add(diags, DIAG_ERROR, "<command line>", 0, 0, "", "the output path is empty");
        return MSK_EUSAGE;
    }
    const char *base = base_part(path);
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "names a directory; give the name of the file to write");
        return MSK_EIO;
    }
    char *dir = dir_part(path);
    if (!dir)
        return MSK_ENOMEM;
    struct stat st;
    msk_status status = MSK_OK;
    if (stat(dir, &st) != 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write in directory '%s': %s%s", dir, strerror(errno),
                 errno == ENOENT ? " (msksim does not create it: create it first)" : "");
        status = MSK_EIO;
    } else if (!S_ISDIR(st.st_mode)) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "'%s' is not a directory", dir);
        status = MSK_EIO;
    }
    free(dir);
    if (status != MSK_OK)
        return status;
    long max = outpath_name_max(path);
    if (strlen(base) + suffix > (size_t)max) {
        if (suffix)
            diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                     "the file name is too long (%zu bytes): it is written as a temporary file "
                     "named like it plus %zu bytes, and names here hold at most %ld bytes; use a "
                     "name of at most %zu bytes",
                     strlen(base), suffix, max, (size_t)max - suffix);
        else
            diag_add(diags, DIAG_ERROR, path, 0, 0, "", "the file name is too long (%zu bytes; at most %ld here)",
                     strlen(base), max);
        return MSK_EIO;
    }
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return MSK_OK;
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write: %s", strerror(errno));
        return MSK_EIO;
    }
    if (S_ISDIR(st.st_mode)) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                 "is a directory; give the name of the file to write (for example '%s/NAME')", path);
        return MSK_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        if (suffix)
            diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                     "exists and is %s, not a regular file; msksim writes a new file and renames it "
                     "over the name, which would replace %s: choose another output name",
                     kind_of(st.st_mode), S_ISLNK(st.st_mode) ? "the link (not its target)" : "it");
        else
            diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                     "exists and is %s, not a regular file; msksim writes this file in place and "
                     "would write %s: move it away or choose another output name",
                     kind_of(st.st_mode), S_ISLNK(st.st_mode) ? "into the link's target" : "into it");
        return MSK_EIO;
    }
    const input_file *in = find_input(&st);
    if (in) {
        if (strcmp(in->name, path) == 0)
            diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                     "is an input of this command; writing the output there would replace it: choose "
                     "another output name");
        else
            diag_add(diags, DIAG_ERROR, path, 0, 0, "",
                     "is an input of this command (the same file as '%s'); writing the output there "
                     "would replace it: choose another output name",
                     in->name);
        return MSK_EIO;
    }
    return MSK_OK;
}

/* Create and remove a file named like the temporary sibling the writer will make: the
 * only test of "can a file be created here" that permissions, ACLs, read-only mounts,
 * quotas and root all answer truthfully. */
static msk_status probe_create(const char *path, diag_list *diags)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + TMP_SUFFIX_LEN + 1);
    if (!tmp)
        return MSK_ENOMEM;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_nsec;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        memcpy(tmp, path, n);
        memcpy(tmp + n, ".tmp.", 5);
        for (int i = 0; i < TMP_SUFFIX_LEN - 5; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            tmp[n + 5 + i] = alphabet[(x >> 33) % 62];
        }
        tmp[n + TMP_SUFFIX_LEN] = '\0';
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    msk_status status = MSK_OK;
    if (fd < 0) {
        char *dir = dir_part(path);
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot create files in directory '%s': %s",
                 dir ? dir : ".", strerror(errno));
        free(dir);
        status = MSK_EIO;
    } else {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    return status;
}

msk_status outpath_check(const char *path, diag_list *diags)
{
    outpath_ignore_sigxfsz();
    msk_status st = check_common(path, TMP_SUFFIX_LEN, diags);
    return st == MSK_OK ? probe_create(path, diags) : st;
}

msk_status outpath_check_side(const char *path, diag_list *diags)
{
    outpath_ignore_sigxfsz();
    return check_common(path, 0, diags);
}
