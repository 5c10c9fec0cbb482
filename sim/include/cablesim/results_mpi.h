/*
 * results_mpi.h: the results writer of several MPI processes writing one file together
 * (results.h has the rest of the writer). The only header of the results layer that includes
 * <mpi.h>.
 */
#ifndef CS_RESULTS_MPI_H
#define CS_RESULTS_MPI_H

#include <mpi.h>

#include "cablesim/results.h"

/**
 * As cs_results_create(), for the processes of comm together (collective: every rank calls it
 * with the same arguments) through MPI-IO; comm = MPI_COMM_NULL is cs_results_create(). The
 * caller has initialised MPI. After a failure once the file is open, *out is not NULL but the
 * writer that failed alone (cs_results_failed_alone): the caller ends the job.
 */
cs_status cs_results_create_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_error *err);
/**
 * As cs_results_resume(), collective over comm (MPI_COMM_NULL: one process). Rank 0 alone
 * clears the flag a killed run left (cs_results_recover) before any rank opens the file. seen:
 * the caller's record of the raw check of the file (cs_file_checked, inspect.h), or NULL.
 */
cs_status cs_results_resume_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_file_checked *seen, cs_error *err);
/**
 * Whether a write of w failed on this rank alone, inside a call parallel HDF5 makes collectively
 * (a collective write, an extent, a flush): the other ranks may be waiting inside HDF5 for this
 * one and cannot be told. The caller must end the job from this rank (MPI_Abort) without any
 * other collective call (closing the file included), saying why itself: the others have no
 * message. The file is left as a kill leaves it, and resumes from its last commit. false for NULL
 * and for one process.
 */
bool cs_results_failed_alone(const cs_results_t *w);

#endif /* CS_RESULTS_MPI_H */
