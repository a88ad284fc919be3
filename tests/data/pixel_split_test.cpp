#include "data/pixel_split.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace nf::data {
namespace {

// train and test are ascending, disjoint, and together every pixel of a w x h image exactly once.
void expect_partition(const PixelSplit& s, int w, int h) {
  std::vector<uint32_t> all = s.train;
  all.insert(all.end(), s.test.begin(), s.test.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), size_t(w) * h);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i) << "pixel " << i << " missing or twice";
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
  EXPECT_TRUE(std::is_sorted(s.test.begin(), s.test.end()));
}

TEST(PixelSplit, HoldoutHoldsOutTheStatedFractionReproducibly) {
  const auto s = holdout_split(37, 23, 0.1, 5);
  ASSERT_TRUE(s.split());
  EXPECT_EQ(s.test.size(), size_t(0.1 * 37 * 23));  // floor, as gmum/FreSh's int(0.1 * n)
  expect_partition(s, 37, 23);
  EXPECT_EQ(holdout_split(37, 23, 0.1, 5).test, s.test) << "same seed, same split";
  EXPECT_NE(holdout_split(37, 23, 0.1, 6).test, s.test) << "another seed, another split";
  // Spread over the image, not a block: both halves of the rows hold some of the 85 pixels.
  const auto upper = std::count_if(s.test.begin(), s.test.end(), [](uint32_t p) { return p / 37 < 12; });
  EXPECT_GT(upper, 20);
  EXPECT_LT(upper, 65);
  EXPECT_FALSE(holdout_split(37, 23, 0.0, 5).split());
  EXPECT_FALSE(holdout_split(3, 3, 0.1, 5).split()) << "0.9 pixels: nothing held out";
}

TEST(PixelSplit, StridedSplitTrainsOnTheMultiplesOfTheStride) {
  const auto s = strided_split(10, 7, 3);
  expect_partition(s, 10, 7);
  ASSERT_EQ(s.train.size(), 4u * 3u);  // x in {0,3,6,9}, y in {0,3,6}
  for (uint32_t p : s.train) EXPECT_TRUE(p % 10 % 3 == 0 && p / 10 % 3 == 0) << p;
  EXPECT_EQ(s.train[1], 3u);
  EXPECT_EQ(s.train[4], 30u);
  EXPECT_FALSE(strided_split(10, 7, 1).split());
}

}  // namespace
}  // namespace nf::data
