# Finds every dependency; a missing one stops configuration with the Debian
# package that provides it (.ci/install-deps.sh installs them all).
include(FindPkgConfig)

macro(cs_require found what pkg)
  if(NOT ${found})
    message(FATAL_ERROR "cablesim: ${what} not found. Install it with: "
                        "sudo apt-get install ${pkg}  (or run .ci/install-deps.sh)")
  endif()
endmacro()

find_package(igraph 0.10 CONFIG QUIET)
cs_require(igraph_FOUND "igraph >= 0.10" libigraph-dev)

find_package(GSL QUIET)
cs_require(GSL_FOUND "GSL" libgsl-dev)

# The results writer's second thread (sim/src/results/async.c).
set(THREADS_PREFER_PTHREAD_FLAG TRUE)
find_package(Threads QUIET)
cs_require(Threads_FOUND "POSIX threads" libc6-dev)

find_package(MPI QUIET COMPONENTS C)
cs_require(MPI_C_FOUND "MPI (OpenMPI)" "libopenmpi-dev openmpi-bin")

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 QUIET COMPONENTS C)
cs_require(HDF5_FOUND "HDF5" libhdf5-openmpi-dev)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "cablesim: HDF5 was found but is not the parallel (MPI) build. "
                      "Install it with: sudo apt-get install libhdf5-openmpi-dev")
endif()

pkg_check_modules(JANSSON QUIET IMPORTED_TARGET jansson)
cs_require(JANSSON_FOUND "jansson" libjansson-dev)

pkg_check_modules(YAML QUIET IMPORTED_TARGET yaml-0.1)
cs_require(YAML_FOUND "libyaml" libyaml-dev)

if(CS_BUILD_TESTS)
  find_package(cmocka QUIET CONFIG)
  if(NOT cmocka_FOUND)
    pkg_check_modules(CMOCKA QUIET cmocka)
    set(cmocka_FOUND ${CMOCKA_FOUND})
  endif()
  cs_require(cmocka_FOUND "cmocka" libcmocka-dev)
  find_path(CS_CMOCKA_INCLUDE cmocka.h REQUIRED)
  find_library(CS_CMOCKA_LIB cmocka REQUIRED)
endif()
