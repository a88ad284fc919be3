#include "render/image_render.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "nn/encodings/dif_grid.hpp"
#include "nn/networks/rbf.hpp"
#include "support/check.hpp"
#include "support/gpu_test.hpp"

namespace nf::render {
namespace {

using test::GpuTest;

// Renders a small random field at a size that needs several batches and several bands, and compares
// every pixel with the double-precision references evaluated at the pixel coordinates. max_batch need
// not be a multiple of 4 (a full-batch fit of an odd-sized image sizes its field so): the batch buffers'
// rows are then padded, and the renderer must use their stride, not the batch.
void check(gpu::Context& ctx, PixelCoordinates coordinates, uint32_t max_batch) {
  const json config = {{"encoding", {{"type", "dif_grid"}, {"resolutions", {4, 7}}, {"channels", {2, 2}}}},
                       {"network", {{"type", "rbf"}, {"neurons", 6}}}};
  fields::Field field(ctx, config, "test", 2, 3, max_batch);
  ASSERT_EQ(field.max_batch(), max_batch);
  field.initialize(3);
  const auto all = field.parameters().download();
  std::vector<std::vector<double>> p;
  for (const auto& b : field.parameters().blocks())
    p.emplace_back(all.begin() + b.offset, all.begin() + b.offset + b.block.count);

  const int w = 45, h = 31;
  ImageRenderer renderer(ctx, field, 300 * 3 * sizeof(float));  // bands of 300 pixels
  gpu::Stream stream(ctx);
  const Image img = renderer.render(stream, field, w, h, coordinates);
  ASSERT_EQ(img.width, w);
  ASSERT_EQ(img.channels, 3);

  std::vector<double> x;
  for (int py = 0; py < h; ++py)
    for (int px = 0; px < w; ++px) {
      if (coordinates == PixelCoordinates::Centers) {
        x.push_back(float((2.0 * px + 1) / w - 1));
        x.push_back(float((2.0 * py + 1) / h - 1));
      } else {
        x.push_back(float(2.0 * px / (w - 1) - 1));
        x.push_back(float(2.0 * py / (h - 1) - 1));
      }
    }
  const auto f = nn::dif_grid_reference_forward({{4, 7}, {2, 2}, 1.0}, 2, p[0], x);
  const auto y = nn::rbf_reference_forward({6, 4, 3, p[1], p[2], p[3], p[4]}, f);
  NF_EXPECT_REL_ERROR(img.pixels, y, 1e-5);
}

TEST_F(GpuTest, RenderMatchesReferenceAcrossBatchesAndBands) { check(ctx(), PixelCoordinates::Centers, 256); }
TEST_F(GpuTest, RenderWithCornerCoordinatesMatchesReference) { check(ctx(), PixelCoordinates::Corners, 256); }
TEST_F(GpuTest, RenderInBatchesOfAnOddSizeMatchesReference) { check(ctx(), PixelCoordinates::Centers, 255); }

}  // namespace
}  // namespace nf::render
