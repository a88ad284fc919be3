#include "support/check.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace nf::test {
namespace {

template <class A>
double rel(std::span<const A> a, std::span<const double> b) {
  EXPECT_EQ(a.size(), b.size());
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = double(a[i]) - b[i];
    if (!std::isfinite(double(a[i]))) return std::numeric_limits<double>::infinity();
    diff += d * d;
    norm += b[i] * b[i];
  }
  return norm > 1e-60 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

}  // namespace

double relative_error(std::span<const float> a, std::span<const double> b) { return rel(a, b); }
double relative_error(std::span<const double> a, std::span<const double> b) { return rel(a, b); }

std::vector<float> random_floats(size_t n, Pcg32& rng, double lo, double hi) {
  std::vector<float> v(n);
  for (auto& x : v) x = float(rng.uniform(lo, hi));
  return v;
}

std::vector<float> poison(size_t n) { return std::vector<float>(n, std::numeric_limits<float>::quiet_NaN()); }

// The checkout the tests read: NF_SOURCE_DIR in the environment (a bundle run elsewhere, apps/bench/gpu_check.sh),
// else the one they were built from.
static std::string source_dir() {
  const char* dir = std::getenv("NF_SOURCE_DIR");
  return dir && *dir ? dir : NF_SOURCE_DIR;
}

std::string test_input(const std::string& relative) { return source_dir() + "/tests/assets/" + relative; }

std::string asset(const std::string& relative) { return source_dir() + "/assets/" + relative; }

}  // namespace nf::test
