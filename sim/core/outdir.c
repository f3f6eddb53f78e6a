/* outdir.c — all-or-nothing output directories (see outdir.h). */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

msk_status outdir_commit(outdir *o, const char *const *stale, diag_list *diags)
{
    msk_status st = MSK_OK;
    for (size_t i = 0; stale && stale[i]; i++) {
        char *fresh = join(o->tmp, stale[i]), *old = join(o->dir, stale[i]);
        struct stat sb;
        if (fresh && old && stat(fresh, &sb) != 0 && lstat(old, &sb) == 0 && S_ISREG(sb.st_mode))
            unlink(old);
        free(fresh);
        free(old);
    }
    DIR *dh = opendir(o->tmp);
    if (!dh) {
        diag_add(diags, DIAG_ERROR, o->tmp, 0, 0, "", "cannot read: %s", strerror(errno));
        outdir_abort(o);
        return MSK_EIO;
    }
    struct dirent *e;
    while (st == MSK_OK && (e = readdir(dh)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *from = join(o->tmp, e->d_name), *to = join(o->dir, e->d_name);
        if (!from || !to)
            st = MSK_ENOMEM;
        else if (rename(from, to) != 0) {
            diag_add(diags, DIAG_ERROR, to, 0, 0, "", "cannot move into place: %s", strerror(errno));
            st = MSK_EIO;
        }
        free(from);
        free(to);
    }
    closedir(dh);
    remove_tmp(o->tmp);
    free_outdir(o);
    return st;
}
