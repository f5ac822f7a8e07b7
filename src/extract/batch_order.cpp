#include "extract/batch_order.hpp"

#include <algorithm>
#include <numeric>

#include "common/error.hpp"

namespace lmgaze {

BatchOrder parse_batch_order(const std::string& name) {
  if (name == "length") return BatchOrder::length;
  if (name == "file") return BatchOrder::file;
  throw InputError("--order " + name + ": expected length or file");
}

std::vector<Batch> make_batches(const std::vector<int64_t>& n_tokens, mpi::Range group,
                                int batch_size, BatchOrder order) {
  std::vector<size_t> sentences(group.size());
  std::iota(sentences.begin(), sentences.end(), group.begin);
  if (order == BatchOrder::length)
    std::stable_sort(sentences.begin(), sentences.end(),
                     [&](size_t a, size_t b) { return n_tokens[a] < n_tokens[b]; });
  std::vector<Batch> batches;
  for (size_t i = 0; i < sentences.size(); i += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(sentences.size(), i + static_cast<size_t>(batch_size));
    Batch b(sentences.begin() + static_cast<std::ptrdiff_t>(i),
            sentences.begin() + static_cast<std::ptrdiff_t>(end));
    std::sort(b.begin(), b.end());
    batches.push_back(std::move(b));
  }
  return batches;
}

std::vector<mpi::Range> consecutive_runs(const Batch& batch) {
  std::vector<mpi::Range> runs;
  for (size_t s : batch) {
    if (!runs.empty() && runs.back().end == s)
      ++runs.back().end;
    else
      runs.push_back({s, s + 1});
  }
  return runs;
}

int64_t padded_tokens(const std::vector<int64_t>& n_tokens, const Batch& batch) {
  int64_t longest = 0, sum = 0;
  for (size_t s : batch) {
    longest = std::max(longest, n_tokens[s]);
    sum += n_tokens[s];
  }
  return static_cast<int64_t>(batch.size()) * longest - sum;
}

}  // namespace lmgaze
