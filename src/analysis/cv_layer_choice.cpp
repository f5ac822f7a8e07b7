#include "analysis/cv_layer_choice.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace lmgaze::analysis {

CvLayerChoice choose_layers_in_folds(const std::vector<Moments::FoldScore>& scores, int n_layers,
                                     int n_folds, int n_readers) {
  const auto L = static_cast<size_t>(n_layers), K = static_cast<size_t>(n_folds),
             R = static_cast<size_t>(n_readers);
  if (scores.size() != L * K * R)
    throw std::invalid_argument("choose_layers_in_folds: scores are not [layer][fold][reader]");
  auto at = [&](size_t l, size_t k, size_t r) -> const Moments::FoldScore& {
    return scores[(l * K + k) * R + r];
  };
  CvLayerChoice choice;
  std::vector<double> sse(R, 0.0), sst(R, 0.0);
  for (size_t k = 0; k < K; ++k) {
    int best = -1;
    double best_mean = -std::numeric_limits<double>::infinity();
    for (size_t l = 0; l < L; ++l) {
      double sum = 0;
      int n = 0;
      for (size_t r = 0; r < R; ++r)
        if (!std::isnan(at(l, k, r).train_r2)) {
          sum += at(l, k, r).train_r2;
          ++n;
        }
      if (n > 0 && sum / n > best_mean) {
        best_mean = sum / n;
        best = static_cast<int>(l);
      }
    }
    choice.layer_of_fold.push_back(best);
    if (best < 0) continue;
    for (size_t r = 0; r < R; ++r) {
      sse[r] += at(static_cast<size_t>(best), k, r).sse;
      sst[r] += at(static_cast<size_t>(best), k, r).sst;
    }
  }
  for (size_t r = 0; r < R; ++r)
    choice.r2_cv.push_back(sst[r] > 0 ? 1.0 - sse[r] / sst[r]
                                      : std::numeric_limits<double>::quiet_NaN());
  choice.mean_r2_cv = mean_sem(choice.r2_cv);
  return choice;
}

}  // namespace lmgaze::analysis
