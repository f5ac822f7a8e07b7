// Reductions of partial results.
//
// Ranks hold partial sums of the same shape (moments over their own
// sentences); these add them element-wise. Arrays of any length are sent in
// chunks that fit MPI's int counts.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace lmgaze::mpi {

// Element-wise sum onto `root`, in place: afterwards `values` on the root
// holds the total; on other ranks it is unspecified. Every rank of `comm`
// calls it with the same length.
void reduce_sum(std::vector<double>& values, MPI_Comm comm, int root = 0);
void reduce_sum(std::vector<int64_t>& values, MPI_Comm comm, int root = 0);

// Element-wise sum / maximum on every rank, in place.
void allreduce_sum(std::vector<int64_t>& values, MPI_Comm comm);
void allreduce_max(std::vector<uint8_t>& values, MPI_Comm comm);

}  // namespace lmgaze::mpi
