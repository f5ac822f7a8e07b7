#include "analysis/js.hpp"

#include <cmath>
#include <limits>

#include "common/tril.hpp"

namespace lmgaze::analysis {

double js_divergence(const double* p, const double* q, size_t n) {
  double sp = 0, sq = 0;
  for (size_t j = 0; j < n; ++j) {
    sp += p[j];
    sq += q[j];
  }
  if (!(sp > 0) || !(sq > 0)) return std::numeric_limits<double>::quiet_NaN();
  double kl_p = 0, kl_q = 0;  // KL(p||m), KL(q||m) with m = (p + q) / 2
  for (size_t j = 0; j < n; ++j) {
    const double a = p[j] / sp, b = q[j] / sq, m = 0.5 * (a + b);
    if (a > 0) kl_p += a * std::log(a / m);
    if (b > 0) kl_q += b * std::log(b / m);
  }
  // Rounding can leave a tiny negative value for identical rows.
  const double js = 0.5 * (kl_p + kl_q);
  return js < 0 ? 0.0 : js;
}

SentenceJs js_divergence_rows(const double* x_tril, const double* y_tril, int n_words) {
  SentenceJs out;
  double sum = 0;
  for (int i = 0; i < n_words; ++i) {
    const int64_t at = tril_index(i, 0);
    const double js = js_divergence(x_tril + at, y_tril + at, static_cast<size_t>(i) + 1);
    if (std::isnan(js)) {
      ++out.rows_skipped;
    } else {
      sum += js;
      ++out.rows_used;
    }
  }
  out.mean = out.rows_used > 0 ? sum / out.rows_used : std::numeric_limits<double>::quiet_NaN();
  return out;
}

}  // namespace lmgaze::analysis
