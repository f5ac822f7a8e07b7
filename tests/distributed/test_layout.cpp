// The rank layout of distributed extraction (mpi/layout.hpp): which layouts
// are refused and why, and that stage balancing is optimal, contiguous and
// deterministic (checked against brute force over every split).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/error.hpp"
#include "mpi/layout.hpp"

namespace lmgaze::mpi {
namespace {

std::string refusal(int world, int stages, int layers) {
  try {
    make_layout(world, 0, stages, layers);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Layout, RanksFormGroupsOfConsecutiveStages) {
  PipelineLayout p = make_layout(6, 4, 3, 12);
  EXPECT_EQ(p.groups, 2);
  EXPECT_EQ(p.group, 1);
  EXPECT_EQ(p.stage, 1);
  EXPECT_EQ(p.prev_rank(), 3);
  EXPECT_EQ(p.next_rank(), 5);
  EXPECT_EQ(make_layout(6, 3, 3, 12).prev_rank(), -1);
  EXPECT_EQ(make_layout(6, 5, 3, 12).next_rank(), -1);
  EXPECT_EQ(p.rank_of(1, 2), 5);
}

TEST(Layout, ImpossibleLayoutsAreRefusedWithTheReason) {
  EXPECT_NE(refusal(3, 2, 12).find("does not divide the 3 MPI ranks"), std::string::npos);
  EXPECT_NE(refusal(4, 4, 3).find("more than the model's 3 layers"), std::string::npos);
  EXPECT_NE(refusal(4, 0, 3).find("at least 1"), std::string::npos);
  EXPECT_EQ(refusal(4, 4, 4), "");
}

TEST(Layout, MoreRanksThanGpusOnANodeIsRefused) {
  EXPECT_NO_THROW(check_gpus_per_node("cuda", 4, 4));
  try {
    check_gpus_per_node("cuda", 8, 4);
    FAIL() << "not refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("8 ranks on this node need one GPU each, but it has 4"),
              std::string::npos)
        << e.what();
  }
}

TEST(Layout, RanksSharingAGpuCountAgainstItsShare) {
  // 4 ranks at 2 per GPU fit 2 GPUs; 5 need 3; a share below 1 is no layout.
  EXPECT_NO_THROW(check_gpus_per_node("cuda", 4, 2, 2));
  EXPECT_NO_THROW(check_gpus_per_node("cuda", 4, 1, 4));
  try {
    check_gpus_per_node("cuda", 5, 2, 2);
    FAIL() << "not refused";
  } catch (const InputError& e) {
    EXPECT_NE(
        std::string(e.what()).find("5 ranks on this node at 2 per GPU need 3 GPUs, but it has 2"),
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW(check_gpus_per_node("cuda", 1, 1, 0), InputError);
}

TEST(Layout, DescribeRankNamesGroupStageAndLayers) {
  PipelineLayout p = make_layout(4, 0, 2, 6);
  EXPECT_EQ(describe_rank(p, 3, Range{3, 6}), "rank 3 (group 1, stage 1 of 2, layers 3-5)");
  EXPECT_EQ(describe_rank(p, 0, Range{0, 1}), "rank 0 (group 0, stage 0 of 2, layer 0)");
}

int64_t heaviest(const std::vector<Range>& r, const std::vector<int64_t>& w, int64_t first,
                 int64_t last) {
  int64_t worst = 0;
  for (size_t k = 0; k < r.size(); ++k) {
    int64_t b = (k == 0 ? first : 0) + (k + 1 == r.size() ? last : 0);
    for (size_t l = r[k].begin; l < r[k].end; ++l) b += w[l];
    worst = std::max(worst, b);
  }
  return worst;
}

// Every way to cut L layers into S non-empty consecutive ranges.
void all_splits(int L, int S, std::vector<Range>& cur, std::vector<std::vector<Range>>& out) {
  const size_t begin = cur.empty() ? 0 : cur.back().end;
  if (static_cast<int>(cur.size()) == S - 1) {
    if (begin < static_cast<size_t>(L)) {
      cur.push_back({begin, static_cast<size_t>(L)});
      out.push_back(cur);
      cur.pop_back();
    }
    return;
  }
  for (size_t end = begin + 1; end < static_cast<size_t>(L); ++end) {
    cur.push_back({begin, end});
    all_splits(L, S, cur, out);
    cur.pop_back();
  }
}

TEST(Layout, StageBalanceIsOptimalContiguousAndNonEmpty) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const int L = 1 + static_cast<int>(rng() % 9);
    const int S = 1 + static_cast<int>(rng() % L);
    std::vector<int64_t> w(L);
    for (auto& x : w) x = 1 + rng() % 100;
    const int64_t first = rng() % 300, last = rng() % 300;
    const std::vector<Range> r = balance_stages(w, first, last, S);
    ASSERT_EQ(static_cast<int>(r.size()), S);
    EXPECT_EQ(r.front().begin, 0u);
    EXPECT_EQ(r.back().end, static_cast<size_t>(L));
    for (int k = 0; k < S; ++k) {
      EXPECT_FALSE(r[k].empty());
      if (k > 0) EXPECT_EQ(r[k].begin, r[k - 1].end);
    }
    std::vector<Range> cur;
    std::vector<std::vector<Range>> splits;
    all_splits(L, S, cur, splits);
    int64_t best = INT64_MAX;
    for (const auto& s : splits) best = std::min(best, heaviest(s, w, first, last));
    EXPECT_EQ(heaviest(r, w, first, last), best) << "L " << L << " S " << S;
  }
}

// A LLaMA-7B-shaped model in 4 stages: the embedding and lm_head (each about
// one layer's bytes) push layers away from the first and last stage.
TEST(Layout, EmbeddingAndHeadCountAgainstTheirStages) {
  const std::vector<int64_t> layers(32, 202);  // MB per fp16 layer, roughly
  const std::vector<Range> r = balance_stages(layers, 262, 262, 4);
  EXPECT_EQ(r[0].size(), 7u);
  EXPECT_EQ(r[1].size() + r[2].size(), 18u);
  EXPECT_EQ(r[3].size(), 7u);
  EXPECT_EQ(balance_stages(layers, 262, 262, 4)[1].end, r[1].end);  // deterministic
}

}  // namespace
}  // namespace lmgaze::mpi
