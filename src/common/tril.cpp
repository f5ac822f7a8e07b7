#include "common/tril.hpp"

namespace lmgaze {

std::vector<int64_t> tril_offsets(const std::vector<int>& n_words) {
  std::vector<int64_t> offsets(n_words.size() + 1, 0);
  for (size_t s = 0; s < n_words.size(); ++s) offsets[s + 1] = offsets[s] + tril_size(n_words[s]);
  return offsets;
}

}  // namespace lmgaze
