#include "mpi/reduce.hpp"

#include <algorithm>

namespace lmgaze::mpi {
namespace {

constexpr size_t kChunk = size_t{1} << 28;  // elements per MPI call, well under INT_MAX

template <class T>
void reduce_chunks(std::vector<T>& values, MPI_Datatype type, MPI_Op op, MPI_Comm comm, int root,
                   bool all) {
  int me = 0;
  MPI_Comm_rank(comm, &me);
  for (size_t begin = 0; begin < values.size(); begin += kChunk) {
    const int count = static_cast<int>(std::min(kChunk, values.size() - begin));
    T* data = values.data() + begin;
    if (all)
      MPI_Allreduce(MPI_IN_PLACE, data, count, type, op, comm);
    else if (me == root)
      MPI_Reduce(MPI_IN_PLACE, data, count, type, op, root, comm);
    else
      MPI_Reduce(data, nullptr, count, type, op, root, comm);
  }
}

}  // namespace

void reduce_sum(std::vector<double>& values, MPI_Comm comm, int root) {
  reduce_chunks(values, MPI_DOUBLE, MPI_SUM, comm, root, false);
}

void reduce_sum(std::vector<int64_t>& values, MPI_Comm comm, int root) {
  reduce_chunks(values, MPI_INT64_T, MPI_SUM, comm, root, false);
}

void allreduce_sum(std::vector<int64_t>& values, MPI_Comm comm) {
  reduce_chunks(values, MPI_INT64_T, MPI_SUM, comm, 0, true);
}

void allreduce_max(std::vector<uint8_t>& values, MPI_Comm comm) {
  reduce_chunks(values, MPI_UINT8_T, MPI_MAX, comm, 0, true);
}

}  // namespace lmgaze::mpi
