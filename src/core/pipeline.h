/* SPDX-License-Identifier: Apache-2.0 */
/* An ordered pipeline: one thread submits jobs in order, worker threads run them in any
 * order, and the submitter takes them back finished in the order it submitted them (to
 * write their output). At most `depth` jobs are in flight, which bounds memory. */
#ifndef PCL_CLI_PIPELINE_H
#define PCL_CLI_PIPELINE_H

#include "common.h"

/* Run one job on a worker; worker is that worker's argument (its own scratch state). */
typedef void pcl_pipe_fn(void *worker, void *job);

struct pcl_pipe;

/* Start nworkers threads (1..256), worker i running fn with workers[i]; depth >= nworkers
 * jobs in flight at most. PCL_ENOMEM, or PCL_EIO when a thread cannot start (err set). */
enum pcl_rc pcl_pipe_new(unsigned nworkers, unsigned depth, pcl_pipe_fn *fn, void **workers,
                         struct pcl_pipe **out, struct pcl_err *err) PCL_WUR;
/* True when depth jobs are in flight: take the oldest back before submitting another. */
bool pcl_pipe_full(const struct pcl_pipe *p);
/* Jobs submitted and not yet taken back. */
unsigned pcl_pipe_pending(const struct pcl_pipe *p);
/* Queue a job (the pipeline must not be full). */
void pcl_pipe_submit(struct pcl_pipe *p, void *job);
/* Wait for the oldest job not taken back yet to finish and return it; NULL when none is in
 * flight. */
void *pcl_pipe_take(struct pcl_pipe *p);
/* Finish the jobs in flight (they are not taken back), stop and join the workers, free p.
 * NULL is a no-op. */
void pcl_pipe_free(struct pcl_pipe *p);

#endif
