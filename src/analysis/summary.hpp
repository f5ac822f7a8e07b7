// Mean and standard error over the defined (non-NaN) values of a list.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

namespace lmgaze::analysis {

struct MeanSem {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sem = std::numeric_limits<double>::quiet_NaN();  // sd (n − 1) / √n; NaN for n < 2
  long n = 0;
};

inline MeanSem mean_sem(const std::vector<double>& values) {
  MeanSem m;
  double sum = 0;
  for (double v : values)
    if (!std::isnan(v)) {
      sum += v;
      ++m.n;
    }
  if (m.n == 0) return m;
  m.mean = sum / static_cast<double>(m.n);
  if (m.n < 2) return m;
  double ss = 0;
  for (double v : values)
    if (!std::isnan(v)) ss += (v - m.mean) * (v - m.mean);
  m.sem = std::sqrt(ss / static_cast<double>(m.n - 1)) / std::sqrt(static_cast<double>(m.n));
  return m;
}

}  // namespace lmgaze::analysis
