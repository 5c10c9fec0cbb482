/*
 * async.c: a second thread that writes a one-process writer's batches (results.h,
 * cs_results_async), so that the engine routes batch k + 1 while batch k is compressed and
 * committed (docs/hdf5-schema.md, "Writing on a second thread").
 *
 * The hand-over is one slot under a mutex: the caller waits until the thread is idle, puts the
 * batch in the slot and returns; the thread writes it with cs_rw_write_batches (the very calls
 * a synchronous write makes, the commit included) and empties the slot. While the slot is full
 * only the thread touches w and HDF5; while it is empty only the caller may (and does not,
 * until it destroys the thread): the mutex orders every HDF5 call of the two threads, so HDF5's
 * global state is never used by two at once. The caller's time in submit and wait is the run's
 * writing time (w->write_seconds, the caller's alone); the thread's time writing is
 * w->thread_seconds (the thread's alone, read by the caller once the thread is idle).
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "results/writer.h"

struct cs_results_async {
    cs_results_t *w;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;         /* signalled when the slot fills or empties, or on quit */
    const cs_trial_batch *job; /* the batch handed and not yet written; NULL: idle */
    bool quit;                 /* the thread ends once idle */
    cs_status rc;              /* the first failed write's status, CS_OK until one fails */
    cs_error err;              /* the thread's error: the failed write's message */
};

static void *writer_main(void *arg)
{
    cs_results_async *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->job == NULL && !a->quit)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->job == NULL) break; /* quit, and nothing left to write */
        const cs_trial_batch *b = a->job;
        pthread_mutex_unlock(&a->mu);
        /* Only this thread uses w and HDF5 until the slot is emptied below. */
        const double t0 = cs_rw_now_s();
        cs_error err = CS_ERROR_INIT;
        const cs_status rc = cs_rw_write_batches(a->w, &b, 1, &err);
        a->w->thread_seconds += cs_rw_now_s() - t0;
        pthread_mutex_lock(&a->mu);
        if (rc != CS_OK && a->rc == CS_OK) {
            a->rc = rc;
            a->err = err;
        }
        a->job = NULL;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Waits (a->mu held) until the thread is idle. */
static void wait_idle(cs_results_async *a)
{
    while (a->job != NULL)
        pthread_cond_wait(&a->cv, &a->mu);
}

/* The failed write's status and message into err (a->mu held), or CS_OK. */
static cs_status outcome(const cs_results_async *a, cs_error *err)
{
    if (a->rc == CS_OK) return CS_OK;
    return cs_errorf(err, a->rc, "%s", a->err.msg);
}

cs_status cs_results_async_init(cs_results_async **out, cs_results_t *w, cs_error *err)
{
    *out = NULL;
    if (w->comm != MPI_COMM_NULL)
        return cs_errorf(err, CS_EINVAL,
                         "%s: a writer thread needs a one-process writer (MPI writes are "
                         "collective)",
                         w->path);
    cs_results_async *a = calloc(1, sizeof *a);
    if (a == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    a->w = w;
    a->err = (cs_error)CS_ERROR_INIT;
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        free(a);
        return cs_errorf(err, CS_EIO, "%s: cannot make the writer thread's mutex", w->path);
    }
    if (pthread_cond_init(&a->cv, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        free(a);
        return cs_errorf(err, CS_EIO, "%s: cannot make the writer thread's condition", w->path);
    }
    /* The thread inherits a mask with the asynchronous signals blocked, so that SIGINT, SIGTERM
     * and the like reach the caller's threads; the synchronous ones (a file size limit met by
     * its own write: SIGXFSZ, and the faults) stay its own. */
    sigset_t all, old;
    sigfillset(&all);
    static const int own[] = {SIGXFSZ, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        sigdelset(&all, own[i]);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    const int rc = pthread_create(&a->thread, NULL, writer_main, a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&a->cv);
        pthread_mutex_destroy(&a->mu);
        free(a);
        return cs_errorf(err, CS_EIO, "%s: cannot start the writer thread", w->path);
    }
    *out = a;
    return CS_OK;
}

cs_status cs_results_async_submit(cs_results_async *a, const cs_trial_batch *b, cs_error *err)
{
    const double t0 = cs_rw_now_s();
    pthread_mutex_lock(&a->mu);
    wait_idle(a);
    const cs_status rc = outcome(a, err);
    if (rc == CS_OK) {
        assert(a->job == NULL && !a->quit);
        a->job = b;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    /* The caller's seconds here (the wait and the hand-over) are its writing time; the thread
     * never touches w->write_seconds. */
    a->w->write_seconds += cs_rw_now_s() - t0;
    return rc;
}

cs_status cs_results_async_wait(cs_results_async *a, cs_error *err)
{
    const double t0 = cs_rw_now_s();
    pthread_mutex_lock(&a->mu);
    wait_idle(a);
    const cs_status rc = outcome(a, err);
    pthread_mutex_unlock(&a->mu);
    a->w->write_seconds += cs_rw_now_s() - t0;
    return rc;
}

void cs_results_async_destroy(cs_results_async *a)
{
    if (a == NULL) return;
    pthread_mutex_lock(&a->mu);
    wait_idle(a);
    a->quit = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    free(a);
}
