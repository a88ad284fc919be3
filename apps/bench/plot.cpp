#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

// stb_easy_font is header-only (static functions), not part of libstb.
#include <stb_easy_font.h>

namespace nf::bench {
namespace {

struct Canvas {
  Image img;
  void pixel(int x, int y, const float* c) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    for (int k = 0; k < 3; ++k) img.at(x, y, k) = c[k];
  }
  void line(double x0, double y0, double x1, double y1, const float* c, int thick = 1) {
    const int steps = int(std::max(std::abs(x1 - x0), std::abs(y1 - y0))) + 1;
    for (int i = 0; i <= steps; ++i) {
      const double t = double(i) / steps;
      const int x = int(std::lround(x0 + t * (x1 - x0))), y = int(std::lround(y0 + t * (y1 - y0)));
      for (int dy = -(thick / 2); dy <= thick / 2; ++dy)
        for (int dx = -(thick / 2); dx <= thick / 2; ++dx) pixel(x + dx, y + dy, c);
    }
  }
  // Text at (x, y) top-left, scale 2 (stb_easy_font quads, 1 unit = scale pixels).
  void text(const std::string& s, double x, double y, const float* c, int scale = 2) {
    static char buffer[99999];
    std::vector<char> str(s.begin(), s.end());
    str.push_back('\0');
    const int quads = stb_easy_font_print(0, 0, str.data(), nullptr, buffer, sizeof buffer);
    const float* v = reinterpret_cast<const float*>(buffer);  // 4 vertices x (x, y, z, color) per quad
    for (int q = 0; q < quads; ++q) {
      const float* p = v + q * 16;
      const float qx0 = p[0], qy0 = p[1], qx1 = p[8], qy1 = p[9];
      for (int yy = int(qy0 * scale); yy < int(qy1 * scale); ++yy)
        for (int xx = int(qx0 * scale); xx < int(qx1 * scale); ++xx) pixel(int(x) + xx, int(y) + yy, c);
    }
  }
  static int text_width(const std::string& s, int scale = 2) {
    std::vector<char> str(s.begin(), s.end());
    str.push_back('\0');
    return stb_easy_font_width(str.data()) * scale;
  }
};

std::string fmt(double v) {
  char b[32];
  if (std::abs(v) >= 1000 || (std::abs(v) < 0.01 && v != 0)) std::snprintf(b, sizeof b, "%.3g", v);
  else std::snprintf(b, sizeof b, "%.2f", v);
  std::string s = b;
  if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace

Image line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                 const std::vector<Series>& series, int width, int height) {
  Canvas cv{Image(width, height, 3)};
  std::fill(cv.img.pixels.begin(), cv.img.pixels.end(), 1.0f);
  static const float palette[][3] = {{0.12f, 0.47f, 0.71f}, {0.84f, 0.15f, 0.16f}, {0.17f, 0.63f, 0.17f},
                                     {1.0f, 0.5f, 0.05f},   {0.58f, 0.4f, 0.74f},  {0.55f, 0.34f, 0.29f}};
  const float black[3] = {0, 0, 0}, grey[3] = {0.85f, 0.85f, 0.85f};
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  if (x0 > x1) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  const double pad = 0.05 * (y1 - y0);
  y0 -= pad, y1 += pad;
  const int left = 80, right = 20, top = 50, bottom = 60;
  const double pw = width - left - right, ph = height - top - bottom;
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return top + (1.0 - (y - y0) / (y1 - y0)) * ph; };
  for (int i = 0; i <= 5; ++i) {
    const double yv = y0 + (y1 - y0) * i / 5, xv = x0 + (x1 - x0) * i / 5;
    cv.line(left, py(yv), width - right, py(yv), grey);
    cv.line(px(xv), top, px(xv), height - bottom, grey);
    cv.text(fmt(yv), left - 8 - Canvas::text_width(fmt(yv)), py(yv) - 6, black);
    cv.text(fmt(xv), px(xv) - Canvas::text_width(fmt(xv)) / 2.0, height - bottom + 8, black);
  }
  cv.line(left, top, left, height - bottom, black);
  cv.line(left, height - bottom, width - right, height - bottom, black);
  cv.text(title, (width - Canvas::text_width(title)) / 2.0, 15, black);
  cv.text(x_label, (width - Canvas::text_width(x_label)) / 2.0, height - 28, black);
  cv.text(y_label, 8, 15, black);
  for (size_t s = 0; s < series.size(); ++s) {
    const float* c = palette[s % 6];
    const auto& pts = series[s].points;
    for (size_t i = 1; i < pts.size(); ++i)
      cv.line(px(pts[i - 1].first), py(pts[i - 1].second), px(pts[i].first), py(pts[i].second), c, 2);
    for (const auto& [x, y] : pts) cv.line(px(x) - 2, py(y), px(x) + 2, py(y), c, 3);
    const double ly = top + 10 + 18.0 * s;
    cv.line(width - right - 190, ly + 5, width - right - 165, ly + 5, c, 3);
    cv.text(series[s].label, width - right - 158, ly, black);
  }
  return cv.img;
}

}  // namespace nf::bench
