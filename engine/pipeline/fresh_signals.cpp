#include "pipeline/fresh_signals.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "analysis/spectrum.hpp"
#include "analysis/spectrum3d.hpp"
#include "core/error.hpp"
#include "fields/field.hpp"
#include "fields/radiance_field.hpp"
#include "gpu/stream.hpp"
#include "pipeline/radiance_experiment.hpp"
#include "pipeline/radiance_fit.hpp"
#include "render/marching_cubes.hpp"

namespace nf::pipeline {
namespace {

// Evaluates a field (1 output) at points given as 3 floats each, in batches; waits.
std::vector<float> field_values(gpu::Context& ctx, gpu::Stream& stream, fields::Field& field, std::span<const float> xyz) {
  const uint32_t batch = field.max_batch();
  nn::BatchBuffer x(ctx, 3, batch, "fresh points"), y(ctx, 1, batch, "fresh values");
  std::vector<float> rows(3 * size_t(x.capacity)), out(xyz.size() / 3);
  for (size_t first = 0; first < out.size(); first += batch) {
    const auto n = uint32_t(std::min<size_t>(batch, out.size() - first));
    for (uint32_t i = 0; i < n; ++i)
      for (int a = 0; a < 3; ++a) rows[size_t(a) * x.capacity + i] = xyz[3 * (first + i) + size_t(a)];
    x.buffer.upload(std::span<const float>(rows));
    field.forward(stream.begin(), x.view(), y.view(), n);
    stream.submit();
    stream.wait();
    y.buffer.download(out.data() + first, uint64_t(n) * 4);
  }
  return out;
}

}  // namespace

uint32_t fresh_sdf_grid(uint32_t bins) { return std::clamp<uint32_t>(2 * bins, 64, 128); }

FreshResult fresh_select_radiance(gpu::Context& ctx, const json& experiment_config, const std::string& where,
                                  const data::Scene& scene, const FreshOptions& options,
                                  const FreshProgress& progress) {
  if (!experiment_config.is_object() || !experiment_config.contains("field")) fail(where, ": FreSh needs a \"field\"");
  if (scene.train.empty() || scene.train.front().rgba.empty()) fail(where, ": FreSh needs a training view's photo");
  const json base = resolve_radiance_field(experiment_config["field"], scene.box.aabb_scale);
  // The first training view, reduced to at most 512 pixels a side.
  data::PosedView view = scene.train.front();
  const int factor = (std::max(view.camera.k.width, view.camera.k.height) + 511) / 512;
  if (factor > 1) {
    view.rgba = data::downscale_rgba(view.rgba, view.camera.k.width, view.camera.k.height, factor);
    view.camera.k.width /= factor, view.camera.k.height /= factor;
    view.camera.k.fx /= factor, view.camera.k.fy /= factor, view.camera.k.cx /= factor, view.camera.k.cy /= factor;
  }
  const int w = view.camera.k.width, h = view.camera.k.height;
  const data::Background background = data::Background::parse(experiment_config.value("background", std::string("random")));
  const Image target = composite(view, background.random ? data::Background{} : background);
  // One point a ray, at the camera's distance from the scene centre (world origin); direction zero.
  const Vec3 centre = scene.box.to_scene({0, 0, 0});
  const double radius = length(view.camera.position() - centre);
  const uint32_t pixels = uint32_t(w) * uint32_t(h), batch = std::min<uint32_t>(pixels, 1u << 16);
  std::vector<float> points(3 * size_t(pixels));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const data::Ray r = data::camera_ray(view.camera, x + 0.5, y + 0.5);
      const Vec3 p = scene.box.to_field(r.origin + r.direction * radius);
      for (int a = 0; a < 3; ++a) points[3 * (size_t(y) * w + x) + size_t(a)] = float(p[a]);
    }
  auto stream = std::make_shared<gpu::Stream>(ctx);
  auto spectrum = std::make_shared<analysis::Spectrum>(ctx, w, h, 3, options.bins);
  const auto target_spectrum = spectrum->compute(*stream, target);
  return fresh_select_spectra(
      base, where, target_spectrum, options,
      [&](json field_config) -> FreshEvaluator {
        // The raw colour (no sigmoid), as FreSh compares raw outputs.
        if (field_config.value("type", "") == "mlp_heads") field_config["color_network"]["output_activation"] = "none";
        if (field_config.value("type", "") == "sh_head") field_config["color_activation"] = "none";
        std::shared_ptr<fields::RadianceField> field = fields::RadianceField::create(ctx, field_config, where + ": field", batch);
        const uint32_t b = field->max_batch();
        auto samples = std::make_shared<nn::BatchBuffer>(ctx, 8, b, "fresh samples");
        auto outs = std::make_shared<nn::BatchBuffer>(ctx, 4, b, "fresh outputs");
        return [=, &points](uint64_t seed) {
          field->initialize(seed);
          Image out(w, h, 3);
          std::vector<float> rows(8 * size_t(samples->capacity), 0.0f);
          for (uint32_t first = 0; first < pixels; first += b) {
            const uint32_t n = std::min(b, pixels - first);
            for (uint32_t i = 0; i < n; ++i)
              for (int a = 0; a < 3; ++a) rows[size_t(a) * samples->capacity + i] = points[3 * size_t(first + i) + size_t(a)];
            samples->buffer.upload(std::span<const float>(rows));
            field->forward(stream->begin(), samples->view(), outs->view(), n);
            stream->submit();
            stream->wait();
            const auto o = outs->buffer.download_all<float>();
            for (uint32_t i = 0; i < n; ++i)
              for (int c = 0; c < 3; ++c) out.pixels[3 * size_t(first + i) + size_t(c)] = o[size_t(c) * outs->capacity + i];
          }
          return spectrum->compute(*stream, out);
        };
      },
      progress);
}

std::vector<float> fresh_sdf_target(const data::MeshSdf& truth, uint32_t bins) {
  const uint32_t n = fresh_sdf_grid(bins);
  std::vector<float> out;
  out.reserve(size_t(n) * n * n);
  render::sample_grid(render::GridSpec{n}, [&](std::span<const float> xyz) {
    std::vector<float> d(xyz.size() / 3);
    truth.signed_distances(xyz, d);
    out.insert(out.end(), d.begin(), d.end());
    return d;
  });
  return out;
}

FreshResult fresh_select_sdf(gpu::Context& ctx, const json& experiment_config, const std::string& where,
                             std::span<const float> target, const FreshOptions& options, const FreshProgress& progress) {
  if (!experiment_config.is_object() || !experiment_config.contains("field")) fail(where, ": FreSh needs a \"field\"");
  const uint32_t n = fresh_sdf_grid(options.bins);
  if (options.bins > n / 2) fail(where, ": FreSh on SDFs takes at most ", n / 2, " bins (a ", n, "^3 grid)");
  NF_ASSERT(target.size() == size_t(n) * n * n, "fresh_select_sdf: the target must be the ", n, "^3 grid");
  auto stream = std::make_shared<gpu::Stream>(ctx);
  return fresh_select_spectra(
      experiment_config["field"], where, analysis::spectrum3d(target, n, options.bins), options,
      [&](json field_config) -> FreshEvaluator {
        if (field_config["network"].value("type", "") == "mlp") field_config["network"]["output_activation"] = "none";
        auto field = std::make_shared<fields::Field>(ctx, field_config, where + ": field", 3, 1, 1u << 16);
        return [=, &ctx, &options](uint64_t seed) {
          field->initialize(seed);
          return analysis::spectrum3d(
              render::sample_grid(render::GridSpec{n},
                                  [&](std::span<const float> xyz) { return field_values(ctx, *stream, *field, xyz); }),
              n, options.bins);
        };
      },
      progress);
}

}  // namespace nf::pipeline
