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

// "a,b , c" -> {"a", "b", "c"}: a comma-separated option value, blanks around
// the pieces trimmed, empty pieces dropped.
inline std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    if (comma == std::string::npos) comma = text.size();
    std::string piece = text.substr(at, comma - at);
    const size_t b = piece.find_first_not_of(" \t"), e = piece.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(piece.substr(b, e - b + 1));
    at = comma + 1;
  }
  return out;
}

}  // namespace lmgaze
