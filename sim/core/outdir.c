/* outdir.c — all-or-nothing output directories (see outdir.h). */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "outpath.h"

/* The mark msksim leaves on the files it moves into an output directory (outdir.h). */
static const char MARK_NAME[] = "user.msksim", MARK_VALUE[] = "output";

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static void free_outdir(outdir *o)
{
    free(o->dir);
    free(o->tmp);
    o->dir = o->tmp = NULL;
    o->created = 0;
}

msk_status outdir_begin(outdir *o, const char *dir, diag_list *diags)
{
    o->dir = strdup(dir);
    o->tmp = NULL;
    o->created = 0;
    if (!o->dir)
        return MSK_ENOMEM;
    outpath_ignore_sigxfsz();
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            diag_add(diags, DIAG_ERROR, dir, 0, 0, "", "exists and is not a directory");
            free_outdir(o);
            return MSK_EIO;
        }
    } else if (mkdir(dir, 0777) == 0) {
        o->created = 1;
    } else {
        diag_add(diags, DIAG_ERROR, dir, 0, 0, "", "cannot create the directory: %s%s", strerror(errno),
                 errno == ENOENT ? " (its parent directory must exist)" : "");
        free_outdir(o);
        return MSK_EIO;
    }
    o->tmp = join(dir, ".msksim-XXXXXX");
    if (!o->tmp || !mkdtemp(o->tmp)) {
        if (o->tmp)
            diag_add(diags, DIAG_ERROR, dir, 0, 0, "", "cannot write in the directory: %s", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        outdir_abort(o);
        return MSK_EIO;
    }
    return MSK_OK;
}

/* Remove the files of our own temporary directory, then the directory. */
static void remove_tmp(const char *tmp)
{
    DIR *dh = opendir(tmp);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = join(tmp, e->d_name);
            if (p)
                unlink(p);
            free(p);
        }
        closedir(dh);
    }
    rmdir(tmp);
}

void outdir_abort(outdir *o)
{
    if (!o)
        return;
    if (o->tmp)
        remove_tmp(o->tmp);
    if (o->created && o->dir)
        rmdir(o->dir); /* only succeeds when empty: nothing of anyone else is lost */
    free_outdir(o);
}

/* Did msksim put this file here? A regular file (not a link) carrying the mark. */
static int marked(const char *path)
{
    struct stat sb;
    char value[sizeof MARK_VALUE];
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    ssize_t n = lgetxattr(path, MARK_NAME, value, sizeof value);
    return n == (ssize_t)(sizeof MARK_VALUE - 1) && memcmp(value, MARK_VALUE, (size_t)n) == 0;
}

/* The names of the files in our temporary directory (malloc'ed, NULL-terminated). */
static char **list_names(const char *tmp, diag_list *diags)
{
    DIR *dh = opendir(tmp);
    if (!dh) {
        diag_add(diags, DIAG_ERROR, tmp, 0, 0, "", "cannot read: %s", strerror(errno));
        return NULL;
    }
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e = NULL;
    while (names && (e = readdir(dh)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n + 1 == cap) {
            char **grown = realloc(names, 2 * cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
            cap *= 2;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        names[++n] = NULL;
    }
    int complete = e == NULL;
    closedir(dh);
    if (names)
        names[n] = NULL;
    if (!complete && names) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        names = NULL;
    }
    return names;
}

static void free_names(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

static int listed(char *const *names, const char *name)
{
    for (size_t i = 0; names && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Before anything moves: flush every new file to disk (a late write error, such as a
 * quota on NFS, shows here, not as a damaged file later) and mark it as msksim's. */
static msk_status seal(const outdir *o, char *const *names, diag_list *diags)
{
    for (size_t i = 0; names[i]; i++) {
        char *p = join(o->tmp, names[i]);
        if (!p)
            return MSK_ENOMEM;
        int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        int bad = fd < 0 || fsync(fd) != 0;
        int why = errno;
        /* File systems without user attributes keep no mark: the file is then foreign
         * to the next run, which refuses to replace it (safe, if less convenient). */
        if (fd >= 0)
            fsetxattr(fd, MARK_NAME, MARK_VALUE, sizeof MARK_VALUE - 1, 0);
        if (fd >= 0 && close(fd) != 0 && !bad) {
            bad = 1;
            why = errno;
        }
        free(p);
        if (bad) {
            diag_add(diags, DIAG_ERROR, o->dir, 0, 0, "", "cannot write %s: %s", names[i], strerror(why));
            return MSK_EIO;
        }
    }
    return MSK_OK;
}

/* Every name to be written must be free, or hold a file msksim put there. */
static msk_status check_free(const outdir *o, char *const *names, diag_list *diags)
{
    msk_status st = MSK_OK;
    for (size_t i = 0; names[i]; i++) {
        char *to = join(o->dir, names[i]);
        struct stat sb;
        if (!to)
            return MSK_ENOMEM;
        if (lstat(to, &sb) == 0 && !marked(to)) {
            diag_add(diags, DIAG_ERROR, to, 0, 0, "",
                     "is already there and was not written by msksim (msksim marks its outputs with "
                     "the extended attribute %s and replaces only those); nothing was written: move "
                     "it away or choose another directory",
                     MARK_NAME);
            st = MSK_EIO;
        }
        free(to);
    }
    return st;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

msk_status outdir_commit(outdir *o, const char *const *stale, diag_list *diags)
{
    char **names = list_names(o->tmp, diags);
    if (!names) {
        outdir_abort(o);
        return MSK_EIO;
    }
    msk_status st = seal(o, names, diags);
    if (st == MSK_OK)
        st = check_free(o, names, diags);
    if (st != MSK_OK) {
        free_names(names);
        outdir_abort(o);
        return st;
    }
    for (size_t i = 0; stale && stale[i]; i++) {
        if (listed(names, stale[i]))
            continue;
        char *old = join(o->dir, stale[i]);
        if (old && marked(old))
            unlink(old);
        free(old);
    }
    for (size_t i = 0; st == MSK_OK && names[i]; i++) {
        char *from = join(o->tmp, names[i]), *to = join(o->dir, names[i]);
        if (!from || !to)
            st = MSK_ENOMEM;
        else if (rename(from, to) != 0) {
            diag_add(diags, DIAG_ERROR, to, 0, 0, "", "cannot move into place: %s", strerror(errno));
            st = MSK_EIO;
        }
        free(from);
        free(to);
    }
    sync_dir(o->dir);
    free_names(names);
    remove_tmp(o->tmp);
    free_outdir(o);
    return st;
}
