#include "fresh_report.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "io/image_io.hpp"
#include "plot.hpp"

namespace nf::cli {

pipeline::FreshProgress fresh_progress_printer(const std::string& label) {
  const auto start = std::chrono::steady_clock::now();
  return [start, label](size_t i, size_t count, const pipeline::FreshCandidate& c) {
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double eta = t / double(i + 1) * double(count - i - 1);
    std::fprintf(stderr, "%s %zu/%zu: %g -> mean W1 %.4f (std %.4f)  %s, ETA %s\n", label.c_str(), i + 1,
                 count, c.value, c.mean_w1, c.std_w1, format_duration(t).c_str(), format_duration(eta).c_str());
  };
}

void print_fresh_table(const pipeline::FreshResult& r) {
  std::printf("%-20s %12s %12s\n", r.parameter.c_str(), "mean W1", "std W1");
  for (size_t i = 0; i < r.candidates.size(); ++i) {
    const auto& c = r.candidates[i];
    std::printf("%-20g %12.5f %12.5f%s\n", c.value, c.mean_w1, c.std_w1, i == r.selected ? "  <- selected" : "");
  }
  std::printf("FreSh picks %s = %g (%u inits, %u bins, %.1f s)\n", r.parameter.c_str(), r.selected_value(), r.inits,
              r.bins, r.seconds);
}

void write_fresh_outputs(const OutputDir& out, const pipeline::FreshResult& r) {
  write_json(out.path("fresh.json"), r.to_json());
  bench::Series mean{"mean W1", {}}, lo{"mean - std", {}}, hi{"mean + std", {}};
  for (const auto& c : r.candidates) {
    if (!std::isfinite(c.mean_w1)) continue;
    mean.points.emplace_back(c.value, c.mean_w1);
    lo.points.emplace_back(c.value, c.mean_w1 - c.std_w1);
    hi.points.emplace_back(c.value, c.mean_w1 + c.std_w1);
  }
  const Image w1 = bench::line_chart("FreSh: W1 of the untrained output's spectrum", r.parameter, "W1 (bins)",
                                     {mean, lo, hi});
  bench::Series target{"target", {}}, pick{r.parameter + " = " + [&] {
    char b[32];
    std::snprintf(b, sizeof b, "%g", r.selected_value());
    return std::string(b);
  }(), {}};
  for (size_t b = 0; b < r.target_spectrum.size(); ++b) {
    target.points.emplace_back(double(b + 1), r.target_spectrum[b]);
    pick.points.emplace_back(double(b + 1), r.candidates[r.selected].spectrum[b]);
  }
  const Image spectra = bench::line_chart("Normalised spectra", "diagonal bin", "share", {target, pick});
  Image both(w1.width + spectra.width, std::max(w1.height, spectra.height), 3);
  for (int y = 0; y < both.height; ++y)
    for (int x = 0; x < both.width; ++x)
      for (int c = 0; c < 3; ++c) {
        const Image& src = x < w1.width ? w1 : spectra;
        const int sx = x < w1.width ? x : x - w1.width;
        both.at(x, y, c) = y < src.height ? src.at(sx, y, c) : 1.0f;
      }
  write_image(out.path("fresh.png"), both);
}

}  // namespace nf::cli
