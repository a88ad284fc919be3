#pragma once
// Numeric checks shared by tests: GPU results against double-precision references.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace nf::test {

// ||a - b||_2 / ||b||_2 (or the absolute norm of a - b when ||b|| is below 1e-30).
double relative_error(std::span<const float> a, std::span<const double> b);
double relative_error(std::span<const double> a, std::span<const double> b);

// Uniform random values in [lo, hi).
std::vector<float> random_floats(size_t n, Pcg32& rng, double lo, double hi);

// A float vector of n copies of NaN: kernels' outputs are poisoned before they run.
std::vector<float> poison(size_t n);

// Path of a test input in the repository: tests/assets/<relative> (sources and licenses in tests/assets/README.md).
// Tests read nothing outside the repository: a user's clone has nothing beside it.
std::string test_input(const std::string& relative);
// Path of a bundled asset: assets/<relative> (e.g. "images/kodim01.png", "meshes/spot.obj").
std::string asset(const std::string& relative);

}  // namespace nf::test

// Expects relative error below tol (gtest prints the value); more context can be streamed with <<.
#define NF_EXPECT_REL_ERROR(a, b, tol) \
  EXPECT_LT(::nf::test::relative_error((a), (b)), (tol)) << "relative error of " #a " against " #b " "
