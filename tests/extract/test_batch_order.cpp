// Micro-batches in length order (src/extract/batch_order.hpp): every sentence
// of the group exactly once, batches in file order inside, less padding than
// consecutive sentences on lengths where that is worked out by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.hpp"
#include "extract/batch_order.hpp"

namespace lmgaze {
namespace {

TEST(BatchOrder, LengthOrderGroupsSentencesOfOneLength) {
  //                               sentence 10 11 12 13 14 15
  const std::vector<int64_t> n_tokens = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 20, 6, 21, 5, 22};
  const mpi::Range group{10, 16};
  // Sorted (stable) by length: 10 (5), 14 (5), 12 (6), 11 (20), 13 (21), 15 (22).
  const auto length = make_batches(n_tokens, group, 3, BatchOrder::length);
  ASSERT_EQ(length.size(), 2u);
  EXPECT_EQ(length[0], (Batch{10, 12, 14}));
  EXPECT_EQ(length[1], (Batch{11, 13, 15}));
  // Padding: 3 x 6 - 16 = 2 and 3 x 22 - 63 = 3.
  EXPECT_EQ(padded_tokens(n_tokens, length[0]), 2);
  EXPECT_EQ(padded_tokens(n_tokens, length[1]), 3);

  const auto file = make_batches(n_tokens, group, 3, BatchOrder::file);
  ASSERT_EQ(file.size(), 2u);
  EXPECT_EQ(file[0], (Batch{10, 11, 12}));
  EXPECT_EQ(file[1], (Batch{13, 14, 15}));
  // 3 x 20 - 31 = 29 and 3 x 22 - 48 = 18.
  EXPECT_EQ(padded_tokens(n_tokens, file[0]), 29);
  EXPECT_EQ(padded_tokens(n_tokens, file[1]), 18);
}

TEST(BatchOrder, EverySentenceOnceAndALastShortBatch) {
  std::vector<int64_t> n_tokens;
  for (int s = 0; s < 23; ++s) n_tokens.push_back((s * 7) % 11 + 1);
  for (BatchOrder order : {BatchOrder::length, BatchOrder::file}) {
    const auto batches = make_batches(n_tokens, {2, 23}, 4, order);
    ASSERT_EQ(batches.size(), 6u);  // 21 sentences: five of 4, one of 1
    std::vector<size_t> seen;
    for (const Batch& b : batches) {
      EXPECT_LE(b.size(), 4u);
      EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
      seen.insert(seen.end(), b.begin(), b.end());
    }
    std::sort(seen.begin(), seen.end());
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 2);
  }
}

TEST(BatchOrder, RunsOfConsecutiveSentences) {
  const auto runs = consecutive_runs({3, 4, 5, 8, 10, 11});
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].begin, 3u);
  EXPECT_EQ(runs[0].end, 6u);
  EXPECT_EQ(runs[1].begin, 8u);
  EXPECT_EQ(runs[1].end, 9u);
  EXPECT_EQ(runs[2].begin, 10u);
  EXPECT_EQ(runs[2].end, 12u);
}

TEST(BatchOrder, UnknownOrderIsRefusedByName) {
  EXPECT_EQ(parse_batch_order("length"), BatchOrder::length);
  EXPECT_EQ(parse_batch_order("file"), BatchOrder::file);
  try {
    parse_batch_order("random");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--order random"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmgaze
