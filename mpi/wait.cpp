#include "mpi/wait.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace lmgaze::mpi {

bool wait_all(MPI_Request* requests, int n, double timeout_s) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::chrono::microseconds pause(50);
  while (true) {
    int done = 0;
    MPI_Testall(n, requests, &done, MPI_STATUSES_IGNORE);
    if (done) return true;
    if (timeout_s > 0 && std::chrono::duration<double>(Clock::now() - start).count() > timeout_s)
      return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}

void quiet_barrier(MPI_Comm comm) {
  MPI_Request request;
  MPI_Ibarrier(comm, &request);
  wait_all(&request, 1, 0);
}

int first_failed_rank(bool failed, MPI_Comm comm) {
  int size = 1, rank = 0;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &rank);
  int first = failed ? rank : size;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
  return first == size ? -1 : first;
}

}  // namespace lmgaze::mpi
