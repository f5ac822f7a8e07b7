// Small conveniences over an MPI communicator.
#pragma once

#include <mpi.h>

namespace lmgaze::mpi {

inline int rank(MPI_Comm comm = MPI_COMM_WORLD) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

inline int size(MPI_Comm comm = MPI_COMM_WORLD) {
  int n = 1;
  MPI_Comm_size(comm, &n);
  return n;
}

}  // namespace lmgaze::mpi
