#include "model/parallel_chunks.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lmgaze {

void for_each_chunk(size_t n, size_t chunk, int n_threads,
                    const std::function<void(size_t begin, size_t end, int worker)>& work) {
  if (n == 0) return;
  chunk = std::max<size_t>(chunk, 1);
  const size_t n_chunks = (n + chunk - 1) / chunk;
  const int workers = static_cast<int>(std::min<size_t>(std::max(n_threads, 1), n_chunks));
  if (workers == 1) {
    for (size_t b = 0; b < n; b += chunk) work(b, std::min(n, b + chunk), 0);
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&](int worker) {
    for (size_t i; !failed && (i = next++) < n_chunks;) {
      try {
        work(i * chunk, std::min(n, (i + 1) * chunk), worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back(run, w);
  run(0);
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

int default_read_threads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hw, 1u, 8u));
}

}  // namespace lmgaze
