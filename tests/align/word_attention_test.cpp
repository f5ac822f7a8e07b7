// merge_attention_to_words against a hand-computed example and invariants.
#include "align/word_attention.hpp"

#include <gtest/gtest.h>

#include <random>

#include "common/tril.hpp"

namespace lmgaze {
namespace {

constexpr double kTol = 1e-6;  // float output of double sums

// 5 tokens -> 3 words, 2 heads: t0 = BOS (dropped), t1 = word 0, t2 t3 = word 1,
// t4 = word 2. Rows are causal and sum to 1.
//
// Head 0                            Head 1 (uniform over the causal past)
//        t0   t1   t2   t3   t4
//   t0 [ 1                    ]      row t: 1/(t+1) in each of its t+1 columns
//   t1 [ .6   .4              ]
//   t2 [ .5   .2   .3         ]
//   t3 [ .4   .1   .2   .3    ]
//   t4 [ .2   .2   .1   .1   .4]
//
// Head 0: drop row/column t0 (no renormalising), sum columns per word, then
// average rows per word:
//   W00 = t1[t1]                          = .4
//   W10 = mean(t2[t1], t3[t1])            = (.2 + .1) / 2            = .15
//   W11 = mean(t2[t2]+t2[t3], t3[t2]+t3[t3]) = (.3 + .5) / 2         = .4
//   W20 = t4[t1] = .2;  W21 = t4[t2]+t4[t3] = .2;  W22 = t4[t4] = .4
// Head 1:
//   W00 = 1/2; W10 = (1/3 + 1/4)/2 = 7/24; W11 = (1/3 + 2/4)/2 = 5/12
//   W20 = 1/5; W21 = 2/5; W22 = 1/5
TEST(WordAttention, HandComputedExample) {
  const int H = 2, T = 5;
  std::vector<float> a(H * T * T, 0.0f);
  const float head0[5][5] = {{1, 0, 0, 0, 0},
                             {.6f, .4f, 0, 0, 0},
                             {.5f, .2f, .3f, 0, 0},
                             {.4f, .1f, .2f, .3f, 0},
                             {.2f, .2f, .1f, .1f, .4f}};
  for (int t = 0; t < T; ++t) {
    for (int u = 0; u < T; ++u) {
      a[t * T + u] = head0[t][u];
      a[T * T + t * T + u] = u <= t ? 1.0f / (t + 1) : 0.0f;
    }
  }
  const std::vector<float> w = merge_attention_to_words(a.data(), H, T, {-1, 0, 1, 1, 2}, 3);
  const std::vector<double> expected = {.4,     .15,     .4,      .2,     .2,     .4,  // head 0
                                        1 / 2., 7 / 24., 5 / 12., 1 / 5., 2 / 5., 1 / 5.};
  ASSERT_EQ(w.size(), expected.size());
  for (size_t k = 0; k < w.size(); ++k) EXPECT_NEAR(w[k], expected[k], kTol) << k;
}

// Random causal attention: [H, T, T], rows sum to 1.
std::vector<float> random_attention(int H, int T, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(0.01f, 1.0f);
  std::vector<float> a(static_cast<size_t>(H) * T * T, 0.0f);
  for (int h = 0; h < H; ++h) {
    for (int t = 0; t < T; ++t) {
      float* row = &a[(static_cast<size_t>(h) * T + t) * T];
      double sum = 0;
      for (int u = 0; u <= t; ++u) sum += row[u] = uniform(rng);
      for (int u = 0; u <= t; ++u) row[u] = static_cast<float>(row[u] / sum);
    }
  }
  return a;
}

TEST(WordAttention, OneTokenPerWordIsTheLowerTriangle) {
  std::mt19937 rng(1);
  const int H = 3, T = 6;
  const auto a = random_attention(H, T, rng);
  const auto w = merge_attention_to_words(a.data(), H, T, {0, 1, 2, 3, 4, 5}, T);
  for (int h = 0; h < H; ++h) {
    for (int i = 0; i < T; ++i) {
      for (int j = 0; j <= i; ++j) {
        EXPECT_FLOAT_EQ(w[h * tril_size(T) + tril_index(i, j)], a[(h * T + i) * T + j]);
      }
    }
  }
}

TEST(WordAttention, RowsKeepTheirMassWithoutRenormalising) {
  std::mt19937 rng(2);
  const int H = 4, T = 12, n = 5;
  const std::vector<int> token_word = {-1, -1, -1, 0, 0, 1, 2, 2, 2, 3, 4, 4};
  const auto a = random_attention(H, T, rng);
  const auto w = merge_attention_to_words(a.data(), H, T, token_word, n);
  for (int h = 0; h < H; ++h) {
    for (int i = 0; i < n; ++i) {
      // Expected row mass: mean over word i's tokens of their attention to kept tokens.
      double mass = 0;
      int count = 0;
      for (int t = 0; t < T; ++t) {
        if (token_word[t] != i) continue;
        ++count;
        for (int u = 0; u < T; ++u) mass += token_word[u] >= 0 ? a[(h * T + t) * T + u] : 0.0;
      }
      double row = 0;
      for (int j = 0; j <= i; ++j) row += w[h * tril_size(n) + tril_index(i, j)];
      EXPECT_NEAR(row, mass / count, kTol);
      EXPECT_LT(row, 1.0);  // the dropped prefix took some of the mass
    }
  }
}

TEST(WordAttention, NothingDroppedRowsSumToOne) {
  std::mt19937 rng(3);
  const int H = 2, T = 9, n = 4;
  const auto a = random_attention(H, T, rng);
  const auto w = merge_attention_to_words(a.data(), H, T, {0, 0, 1, 1, 1, 2, 3, 3, 3}, n);
  for (int h = 0; h < H; ++h) {
    for (int i = 0; i < n; ++i) {
      double row = 0;
      for (int j = 0; j <= i; ++j) row += w[h * tril_size(n) + tril_index(i, j)];
      EXPECT_NEAR(row, 1.0, kTol);
    }
  }
}

TEST(WordAttention, IntoWritesOnlyItsSlotsWithTheStride) {
  std::mt19937 rng(4);
  const int H = 3, T = 7, n = 3;
  const std::vector<int> token_word = {-1, 0, 0, 1, 2, 2, 2};
  const auto a = random_attention(H, T, rng);
  const auto expected = merge_attention_to_words(a.data(), H, T, token_word, n);

  // Three sentences side by side, [H, n_pairs]: this one is the middle one.
  const int64_t offset = 10, n_pairs = offset + tril_size(n) + 4;
  std::vector<float> out(H * n_pairs, -7.0f);
  merge_attention_to_words_into(a.data(), H, T, token_word, n, out.data() + offset, n_pairs);
  for (int h = 0; h < H; ++h) {
    for (int64_t k = 0; k < n_pairs; ++k) {
      const float v = out[h * n_pairs + k];
      if (k >= offset && k < offset + tril_size(n)) {
        EXPECT_EQ(v, expected[h * tril_size(n) + k - offset]);
      } else {
        EXPECT_EQ(v, -7.0f) << "wrote outside its slots at head " << h << " pair " << k;
      }
    }
  }
}

TEST(WordAttention, InvalidMappingIsRejected) {
  const std::vector<float> a(2 * 2, 0.5f);
  EXPECT_THROW(merge_attention_to_words(a.data(), 1, 2, {0}, 1), std::invalid_argument);
  EXPECT_THROW(merge_attention_to_words(a.data(), 1, 2, {0, 0}, 2), std::invalid_argument);
  EXPECT_THROW(merge_attention_to_words(a.data(), 1, 2, {0, 5}, 2), std::invalid_argument);
}

}  // namespace
}  // namespace lmgaze
