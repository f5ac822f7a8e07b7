// Cutting a byte (or element) range into chunks and working on them from a few
// threads at once: how a tensor is read with several reads in flight.
//
// Torch-free. The threads live for one call (a tensor or one staging buffer's
// worth); starting them costs microseconds next to the milliseconds a chunk of
// megabytes takes, and no pool outlives a load.
#pragma once

#include <cstddef>
#include <functional>

namespace lmgaze {

// A read this size keeps a thread busy for milliseconds: enough to hide the
// cost of handing out chunks, small enough to share a tensor among 8 threads.
constexpr size_t kReadChunkBytes = size_t(8) << 20;

// Calls work(begin, end, worker) for every chunk [begin, end) of [0, n), chunks
// of `chunk` (the last one shorter), on min(n_threads, number of chunks) threads,
// the calling thread one of them; worker in [0, n_threads) names the thread, so
// that each may keep a buffer of its own. Returns when every chunk is done; the
// first exception thrown by `work` is rethrown then (the other threads stop
// taking chunks). n_threads <= 1 runs everything on the calling thread.
void for_each_chunk(size_t n, size_t chunk, int n_threads,
                    const std::function<void(size_t begin, size_t end, int worker)>& work);

// The default number of reading threads: the hardware's, at most 8 (more do not
// read the page cache faster).
int default_read_threads();

}  // namespace lmgaze
