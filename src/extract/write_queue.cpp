#include "extract/write_queue.hpp"

#include <stdexcept>
#include <utility>

namespace lmgaze {

WriteQueue::WriteQueue(size_t capacity, bool threaded) : capacity_(capacity) {
  if (capacity_ < 1) throw std::logic_error("WriteQueue: capacity must be at least 1");
  if (threaded) thread_ = std::thread([this] { work(); });
}

WriteQueue::~WriteQueue() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  changed_.notify_all();
  thread_.join();
}

void WriteQueue::rethrow_failure() {
  if (failure_) std::rethrow_exception(failure_);
}

void WriteQueue::push(std::function<void()> job) {
  if (!thread_.joinable()) {
    rethrow_failure();
    try {
      job();
    } catch (...) {
      failure_ = std::current_exception();
      throw;
    }
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return failure_ || jobs_.size() < capacity_; });
  rethrow_failure();
  jobs_.push_back(std::move(job));
  changed_.notify_all();
}

void WriteQueue::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return failure_ || (jobs_.empty() && !running_job_); });
  rethrow_failure();
}

void WriteQueue::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    running_job_ = true;
    lock.unlock();
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    running_job_ = false;
    if (failure) {
      failure_ = failure;
      jobs_.clear();
    }
    changed_.notify_all();
  }
}

}  // namespace lmgaze
