// Saccade matrices from fixation sequences, computed by hand (METHODS.md 4).
#include <gtest/gtest.h>

#include "common/tril.hpp"
#include "human/saccades.hpp"

namespace lmgaze::human {
namespace {

// S[i][j] of an n x n row-major matrix.
double at(const std::vector<double>& m, int n, int i, int j) {
  return m[static_cast<size_t>(i) * n + j];
}

std::vector<Fixation> fixations(std::initializer_list<std::tuple<int64_t, int, double>> list) {
  std::vector<Fixation> out;
  for (const auto& [order, word, ms] : list) out.push_back({order, word, ms, 0});
  return out;
}

TEST(SaccadeMatrices, RefixationRegressionSkip) {
  // 0 -> 1, refixate 1, skip 2 (1 -> 3), regress 3 -> 2, forward 2 -> 3.
  auto t = saccade_matrices(
      fixations({{1, 0, 200}, {2, 1, 250}, {3, 1, 100}, {4, 3, 300}, {5, 2, 150}, {6, 3, 120}}), 4);
  std::vector<double> want(16, 0.0), want_ms(16, 0.0);
  want[0 * 4 + 1] = 1, want_ms[0 * 4 + 1] = 250;  // landing fixation's duration
  want[1 * 4 + 1] = 1, want_ms[1 * 4 + 1] = 100;
  want[1 * 4 + 3] = 1, want_ms[1 * 4 + 3] = 300;
  want[3 * 4 + 2] = 1, want_ms[3 * 4 + 2] = 150;
  want[2 * 4 + 3] = 1, want_ms[2 * 4 + 3] = 120;
  EXPECT_EQ(t.count, want);
  EXPECT_EQ(t.duration, want_ms);
  EXPECT_EQ(t.fixations, 6);
  EXPECT_EQ(t.off_word_fixations, 0);
  EXPECT_EQ(t.uncounted, 0);

  // Packed: lower tril of S, and tril of S^T for the forward saccades.
  std::vector<double> lower(10), upper(10);
  pack_lower(t.count.data(), 4, lower.data());
  pack_upper(t.count.data(), 4, upper.data());
  //                         (0,0) (1,0) (1,1) (2,0) (2,1) (2,2) (3,0) (3,1) (3,2) (3,3)
  EXPECT_EQ(lower, (std::vector<double>{0, 0, 1, 0, 0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(upper, (std::vector<double>{0, 1, 1, 0, 0, 0, 0, 1, 1, 0}));
}

TEST(SaccadeMatrices, OrderIsTheFixationNumberNotTheRowOrder) {
  auto t = saccade_matrices(fixations({{3, 0, 10}, {1, 2, 30}, {2, 1, 20}}), 3);
  EXPECT_EQ(at(t.count, 3, 2, 1), 1);
  EXPECT_EQ(at(t.count, 3, 1, 0), 1);
  EXPECT_EQ(at(t.duration, 3, 1, 0), 10);
  double total = 0;
  for (double v : t.count) total += v;
  EXPECT_EQ(total, 2);
}

TEST(SaccadeMatrices, OffWordFixationBreaksTheChain) {
  // 0 -> off -> 1 is not a saccade 0 -> 1; 1 -> off -> 1 is not a refixation.
  auto t = saccade_matrices(
      fixations({{1, 0, 200}, {2, -1, 90}, {3, 1, 210}, {4, -1, 80}, {5, 1, 190}, {6, 2, 230}}), 3);
  std::vector<double> want(9, 0.0), want_ms(9, 0.0);
  want[1 * 3 + 2] = 1, want_ms[1 * 3 + 2] = 230;
  EXPECT_EQ(t.count, want);
  EXPECT_EQ(t.duration, want_ms);
  EXPECT_EQ(t.off_word_fixations, 2);
  EXPECT_EQ(t.uncounted, 4);  // into and out of each off-word fixation
}

TEST(SaccadeMatrices, GapInNumberingBreaksTheChain) {
  auto t = saccade_matrices(fixations({{1, 0, 200}, {2, 1, 200}, {4, 2, 200}}), 3);
  EXPECT_EQ(at(t.count, 3, 0, 1), 1);
  EXPECT_EQ(at(t.count, 3, 1, 2), 0);
  EXPECT_EQ(t.uncounted, 1);
}

TEST(SaccadeMatrices, TrialThatEndsOnTheFirstWord) {
  // Read 0, 1, 2, then back to the first word where the trial ends.
  auto t = saccade_matrices(fixations({{1, 0, 180}, {2, 1, 220}, {3, 2, 240}, {4, 0, 260}}), 3);
  EXPECT_EQ(at(t.count, 3, 0, 1), 1);
  EXPECT_EQ(at(t.count, 3, 1, 2), 1);
  EXPECT_EQ(at(t.count, 3, 2, 0), 1);
  EXPECT_EQ(at(t.duration, 3, 2, 0), 260);
  std::vector<double> lower(6);
  pack_lower(t.count.data(), 3, lower.data());
  EXPECT_EQ(lower, (std::vector<double>{0, 0, 0, 1, 0, 0}));  // only (2,0)

  // A trial with one fixation, on the first word: no saccade at all (zeros, not NaN).
  auto one = saccade_matrices(fixations({{1, 0, 300}}), 3);
  EXPECT_EQ(one.count, std::vector<double>(9, 0.0));
  EXPECT_EQ(one.fixations, 1);
}

}  // namespace
}  // namespace lmgaze::human
