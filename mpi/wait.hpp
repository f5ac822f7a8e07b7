// Waiting on MPI requests without spinning a core, and with a deadline.
//
// Open MPI's MPI_Wait and MPI_Barrier busy-poll: a rank that waits burns the
// core that a computing rank needs whenever ranks share cores (the 2-core CI
// machine, an oversubscribed node, a finished group waiting for the others).
// These poll MPI_Testall and sleep between polls, 50 us growing to 2 ms, which
// adds at most ~2 ms to a message: nothing against a forward pass.
//
// A deadline turns a peer that died or hangs into an error that names it,
// instead of a job that waits forever.
#pragma once

#include <mpi.h>

#include <vector>

namespace lmgaze::mpi {

// Waits until every request has completed (true) or timeout_s seconds have
// passed without that (false; the requests are then still pending).
// timeout_s <= 0: no deadline.
bool wait_all(MPI_Request* requests, int n, double timeout_s);
inline bool wait_all(std::vector<MPI_Request>& requests, double timeout_s) {
  return wait_all(requests.data(), static_cast<int>(requests.size()), timeout_s);
}

// MPI_Barrier that sleeps while it waits (no deadline: groups may legitimately
// finish far apart).
void quiet_barrier(MPI_Comm comm);

// Every rank says whether it failed; all learn the lowest failing rank, or -1
// when none failed. Lets ranks that checked the same inputs agree to stop
// together, without MPI_Abort, and lets exactly one of them report why.
int first_failed_rank(bool failed, MPI_Comm comm);

}  // namespace lmgaze::mpi
