// The human subcommands are serial (files of a few MB): under mpirun, rank 0
// does the work and the other ranks wait. An error on rank 0 propagates to
// main, which aborts the whole job, so no rank waits forever.
#pragma once

#include <mpi.h>

namespace lmgaze::human {

template <class F>
int run_on_rank0(F&& work) {
  int initialized = 0, rank = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) work();
  if (initialized) MPI_Barrier(MPI_COMM_WORLD);
  return 0;
}

}  // namespace lmgaze::human
