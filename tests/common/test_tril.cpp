#include <gtest/gtest.h>

#include "common/tril.hpp"

namespace lmgaze {
namespace {

TEST(Tril, RowByRowOrder) {
  // (0,0) (1,0) (1,1) (2,0) (2,1) (2,2) (3,0) ...
  EXPECT_EQ(tril_index(0, 0), 0);
  EXPECT_EQ(tril_index(1, 0), 1);
  EXPECT_EQ(tril_index(1, 1), 2);
  EXPECT_EQ(tril_index(2, 0), 3);
  EXPECT_EQ(tril_index(2, 2), 5);
  EXPECT_EQ(tril_index(3, 0), 6);
  int64_t k = 0;
  for (int i = 0; i < 20; ++i)
    for (int j = 0; j <= i; ++j) EXPECT_EQ(tril_index(i, j), k++);
  EXPECT_EQ(tril_size(20), k);
}

TEST(Tril, Offsets) {
  EXPECT_EQ(tril_offsets({1, 2, 3}), (std::vector<int64_t>{0, 1, 4, 10}));
  EXPECT_EQ(tril_offsets({}), (std::vector<int64_t>{0}));
}

}  // namespace
}  // namespace lmgaze
