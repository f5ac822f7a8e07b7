// The writer thread of an extraction: file writes of micro-batch i run while
// the model computes micro-batch i + 1.
//
// Jobs run one at a time, in the order they were pushed, on one thread (or,
// when built unthreaded, at once on the caller's thread: a parallel HDF5 file
// writes through MPI, which lmgaze initialises for its main thread only). At
// most `capacity` jobs wait; push() blocks while the queue is full, which
// bounds the host memory that waiting batches hold. The first job that throws
// stops the queue: later jobs are dropped, and the exception is rethrown to
// the caller by the next push() or by finish(), as it was thrown (an
// InputError stays one). Torch-free, so it is tested on its own.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace lmgaze {

class WriteQueue {
 public:
  WriteQueue(size_t capacity, bool threaded);
  // Drops the jobs that have not started and waits for the running one.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Rethrows a failure of an earlier job; otherwise queues `job`.
  void push(std::function<void()> job);
  // Waits until every job has run; rethrows the first failure.
  void finish();

 private:
  void work();
  void rethrow_failure();  // caller holds mutex_

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // not started when unthreaded
};

}  // namespace lmgaze
