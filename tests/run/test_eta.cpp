// The ETA of extraction's progress line (common/eta.hpp): the time left at the
// rate so far, and how it is written.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/eta.hpp"

namespace lmgaze {
namespace {

TEST(Eta, FormatsMinutesAndHours) {
  EXPECT_EQ(format_eta(0), "ETA 0:00");
  EXPECT_EQ(format_eta(59), "ETA 0:59");
  EXPECT_EQ(format_eta(61), "ETA 1:01");
  EXPECT_EQ(format_eta(599.4), "ETA 9:59");  // nearest second
  EXPECT_EQ(format_eta(3599.6), "ETA 1:00:00");
  EXPECT_EQ(format_eta(3725), "ETA 1:02:05");
  EXPECT_EQ(format_eta(100 * 3600 + 7), "ETA 100:00:07");
}

TEST(Eta, UnknownTimeIsDashes) {
  EXPECT_EQ(format_eta(std::nan("")), "ETA --");
  EXPECT_EQ(format_eta(std::numeric_limits<double>::infinity()), "ETA --");
  EXPECT_EQ(format_eta(-1), "ETA --");
}

TEST(Eta, SecondsLeftAtTheRateSoFar) {
  // 250 of 1000 tokens in 10 s: 25 tokens/s, 750 left -> 30 s.
  EXPECT_DOUBLE_EQ(seconds_left(250, 1000, 10), 30);
  EXPECT_DOUBLE_EQ(seconds_left(1000, 1000, 42), 0);
  EXPECT_DOUBLE_EQ(seconds_left(1200, 1000, 42), 0);  // never negative
  // No rate yet: nothing done, or no time elapsed.
  EXPECT_TRUE(std::isnan(seconds_left(0, 1000, 10)));
  EXPECT_TRUE(std::isnan(seconds_left(10, 1000, 0)));
  EXPECT_EQ(format_eta(seconds_left(0, 1000, 10)), "ETA --");
  EXPECT_EQ(format_eta(seconds_left(100, 3800, 10)), "ETA 6:10");  // 370 s
}

}  // namespace
}  // namespace lmgaze
