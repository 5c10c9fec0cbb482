/*
 * buildinfo.c: what this build is made of (cablesim --version, the results files' root
 * attributes): the git commit it was configured from, the build type, and the versions of the
 * libraries it runs with (asked of the libraries at run time, not of their headers).
 */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <igraph.h>
#include <mpi.h>

#include "cablesim/paths.h"

#ifndef CS_GIT_COMMIT
#define CS_GIT_COMMIT "unknown"
#endif
#ifndef CS_BUILD_TYPE
#define CS_BUILD_TYPE "unknown"
#endif

void cs_build_info_get(cs_build_info *b)
{
    memset(b, 0, sizeof *b);
    b->version = cs_version();
    b->commit = CS_GIT_COMMIT[0] != '\0' ? CS_GIT_COMMIT : "unknown";
    b->build_type = CS_BUILD_TYPE[0] != '\0' ? CS_BUILD_TYPE : "unknown";
    unsigned maj = 0, min = 0, rel = 0;
    if (H5get_libversion(&maj, &min, &rel) >= 0)
        snprintf(b->hdf5, sizeof b->hdf5, "%u.%u.%u", maj, min, rel);
    else
        snprintf(b->hdf5, sizeof b->hdf5, "unknown");
    const char *iv = NULL;
    igraph_version(&iv, NULL, NULL, NULL);
    snprintf(b->igraph, sizeof b->igraph, "%s", iv != NULL ? iv : "unknown");
    snprintf(b->gsl, sizeof b->gsl, "%s", gsl_version);
    /* MPI_Get_library_version may be called before MPI_Init (MPI 3.0, 8.1.1). Its text runs over
     * several lines ("Open MPI v4.1.4, package: ..."): the first clause is the version. */
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0, ver = 0, sub = 0;
    if (MPI_Get_library_version(lib, &len) == MPI_SUCCESS && len > 0) {
        lib[len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1] = '\0';
        lib[strcspn(lib, ",\r\n")] = '\0';
        (void)MPI_Get_version(&ver, &sub);
        snprintf(b->mpi, sizeof b->mpi, "%.120s (MPI %d.%d)", lib, ver, sub);
    } else {
        snprintf(b->mpi, sizeof b->mpi, "unknown");
    }
}
