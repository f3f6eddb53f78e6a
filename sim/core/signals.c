/* signals.c — the stop and drain flags, their one handler, and the reset of inherited
 * signal dispositions (see signals.h). */
#include "signals.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The only state of the module: what a signal handler may touch must be static. */
static volatile sig_atomic_t stop_flag, drain_flag;
static volatile pid_t owner; /* the process that installed the handler */

static const int caught[] = {SIGINT, SIGTERM, SIGUSR1};
enum { N_CAUGHT = sizeof caught / sizeof caught[0] };
static struct sigaction saved[N_CAUGHT];
static int replaced[N_CAUGHT];

static void on_signal(int sig)
{
    int saved_errno = errno;
    if (getpid() != owner) {
        /* A forked child still running msksim's code: die as without the handler. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
        raise(sig);
        errno = saved_errno;
        return;
    }
    if (sig != SIGUSR1)
        stop_flag = 1;
    drain_flag = 1;
    errno = saved_errno;
}

void msk_signals_reset_inherited(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    static const int unblock[] = {SIGINT, SIGTERM, SIGUSR1, SIGCHLD, SIGPIPE, SIGXFSZ};
    for (size_t i = 0; i < sizeof unblock / sizeof unblock[0]; i++)
        sigaddset(&set, unblock[i]);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

void msk_signals_catch(unsigned which)
{
    stop_flag = 0;
    drain_flag = 0;
    owner = getpid();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocking read or wait returns EINTR, so the loop around it can
     * look at the flag. */
    sa.sa_handler = on_signal;
    for (size_t i = 0; i < N_CAUGHT; i++) {
        int wanted = caught[i] == SIGUSR1 ? (which & MSK_SIGNALS_DRAIN) != 0 : (which & MSK_SIGNALS_STOP) != 0;
        if (wanted && !replaced[i])
            replaced[i] = sigaction(caught[i], &sa, &saved[i]) == 0;
    }
}

void msk_signals_restore(void)
{
    for (size_t i = 0; i < N_CAUGHT; i++)
        if (replaced[i]) {
            sigaction(caught[i], &saved[i], NULL);
            replaced[i] = 0;
        }
}

volatile sig_atomic_t *msk_signals_stop_flag(void)
{
    return &stop_flag;
}

volatile sig_atomic_t *msk_signals_drain_flag(void)
{
    return &drain_flag;
}

int msk_signals_stopped(void)
{
    return stop_flag != 0;
}

msk_status msk_signals_status(msk_status st)
{
    return stop_flag ? MSK_EINTERRUPTED : st;
}
