// Small string helpers shared by messages and listings.
#pragma once

#include <string>
#include <vector>

namespace lmgaze {

// "a, b, c" from {"a", "b", "c"} with sep ", "; empty for no items.
inline std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : sep) + item;
  return s;
}

}  // namespace lmgaze
