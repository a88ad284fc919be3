#pragma once
// Minimal line charts rendered to an image (for benchmark PNGs): axes, ticks, labels (stb_easy_font),
// one polyline per series.
#include <string>
#include <utility>
#include <vector>

#include "core/image.hpp"

namespace nf::bench {

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> points;
};

// A width x height RGB chart of the series (x and y ranges fitted to the data).
Image line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                 const std::vector<Series>& series, int width = 800, int height = 500);

}  // namespace nf::bench
