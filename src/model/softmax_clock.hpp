// Time the attention softmax takes inside the forward pass, for `lmgaze
// extract --timings`. Off by default: then it costs a branch per layer.
//
// The forward pass runs on one thread, so the clock is that thread's. On an
// asynchronous device (CUDA) a call returns when its work is queued, not
// done: the caller sets `wait` to the device's synchronise, and the clock
// waits before and after the softmax so that the time is the softmax's own.
#pragma once

#include <chrono>
#include <functional>

namespace lmgaze {

struct SoftmaxClock {
  bool on = false;
  double seconds = 0;
  std::function<void()> wait;  // empty: a synchronous device (the CPU)

  // Runs f(), adding its duration to `seconds` when on.
  template <class F>
  auto time(F&& f) {
    if (!on) return f();
    if (wait) wait();
    const auto start = std::chrono::steady_clock::now();
    auto result = f();
    if (wait) wait();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
};

inline SoftmaxClock& softmax_clock() {
  thread_local SoftmaxClock clock;
  return clock;
}

}  // namespace lmgaze
