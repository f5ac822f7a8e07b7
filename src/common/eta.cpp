#include "common/eta.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lmgaze {

double seconds_left(double done, double total, double elapsed_s) {
  if (!(done > 0) || !(elapsed_s > 0)) return std::nan("");
  return std::max(total - done, 0.0) * elapsed_s / done;
}

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "ETA --";
  const long long s = std::llround(seconds);
  char buf[48];
  if (s < 3600)
    std::snprintf(buf, sizeof buf, "ETA %lld:%02lld", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "ETA %lld:%02lld:%02lld", s / 3600, s % 3600 / 60, s % 60);
  return buf;
}

}  // namespace lmgaze
