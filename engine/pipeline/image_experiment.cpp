#include "pipeline/image_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "io/image_io.hpp"
#include "pipeline/fresh.hpp"

namespace nf::pipeline {
namespace {

PixelCoordinates parse_coordinates(const std::string& s, const std::string& where) {
  if (s == "centers") return PixelCoordinates::Centers;
  if (s == "corners") return PixelCoordinates::Corners;
  fail(where, ": pixel_coordinates must be \"centers\" or \"corners\", not \"", s, "\"");
}

const char* coordinates_name(PixelCoordinates c) { return c == PixelCoordinates::Corners ? "corners" : "centers"; }

}  // namespace

json resolve_field_config(json field, int width, int height) {
  if (field.is_object() && field.contains("encoding") && field["encoding"].is_object() &&
      field["encoding"].value("finest_resolution", json()) == "half_image")
    field["encoding"]["finest_resolution"] = std::max(width, height) / 2.0;
  return field;
}

Image prepare_target(const Image& image, const json& config) {
  if (!config.is_object() || config.value("color", std::string("stored")) != "rgb" || image.channels == 3) return image;
  Image rgb(image.width, image.height, 3);
  for (size_t p = 0; p < image.pixel_count(); ++p)
    for (int c = 0; c < 3; ++c)
      rgb.pixels[p * 3 + c] = image.pixels[p * image.channels + (image.channels >= 3 ? c : 0)];
  return rgb;
}

ImageExperiment::ImageExperiment(gpu::Context& ctx, const json& config, const std::string& config_name,
                                 const Image* target, const ImageTargetInfo& info, uint32_t seed,
                                 std::optional<uint32_t> steps)
    : ctx_(ctx), info_(info), seed_(seed), stream_(ctx, 2) {
  const std::string where = "config " + config_name;
  ConfigReader c(config, where);
  const auto description = c.get<std::string>("description", "");
  total_steps_ = c.get<uint32_t>("steps", 1000);
  if (steps) total_steps_ = *steps;
  const auto sampling = c.get<std::string>("sampling", "random");
  if (sampling == "all") sampling_ = data::ImageSampler::Mode::All;
  else if (sampling != "random") fail(where, ": sampling must be \"random\" or \"all\", not \"", sampling, "\"");
  const auto pixel_stride = c.get<uint32_t>("pixel_stride", 1);
  if (pixel_stride < 1 || pixel_stride > 64) fail(where, ": pixel_stride must be in [1, 64]");
  if (pixel_stride > 1 && sampling_ != data::ImageSampler::Mode::All)
    fail(where, ": pixel_stride (training on a subsampled grid) needs sampling \"all\"");
  const auto holdout = c.get<double>("holdout", 0.0);
  const auto holdout_seed = c.get<uint32_t>("holdout_seed", 0);
  if (!(holdout >= 0 && holdout < 1)) fail(where, ": holdout (the fraction of pixels held out) must be in [0, 1)");
  if (holdout > 0 && pixel_stride > 1)
    fail(where, ": holdout and pixel_stride are two ways to hold pixels out; use one");
  split_ = pixel_stride > 1 ? data::strided_split(info_.width, info_.height, pixel_stride)
                            : data::holdout_split(info_.width, info_.height, holdout, holdout_seed);
  const uint64_t pixels = split_.training_pixels(info_.width, info_.height);
  if (sampling_ == data::ImageSampler::Mode::All) {
    if (c.has("batch_size")) fail(where, ": sampling \"all\" takes every pixel each step; remove batch_size");
    if (pixels > (1u << 24)) fail("image ", info_.source, ": ", pixels, " pixels are too many for full-batch steps");
    batch_ = uint32_t(pixels);
  } else {
    batch_ = c.get<uint32_t>("batch_size", 1u << 18);
  }
  uint32_t chunk = c.get<uint32_t>("chunk_size", batch_);
  coordinates_ = parse_coordinates(c.get<std::string>("pixel_coordinates", "centers"), where);
  const auto color = c.get<std::string>("color", "stored");
  if (color != "stored" && color != "rgb") fail(where, ": color must be \"stored\" or \"rgb\", not \"", color, "\"");
  if (color == "rgb" && info_.channels != 3)
    fail(where, ": color \"rgb\" needs a 3-channel target (pipeline::prepare_target converts ", info_.source, ")");
  if (total_steps_ < 1) fail(where, ": steps must be >= 1");
  if (batch_ < 1 || batch_ > (1u << 24)) fail(where, ": batch_size must be in [1, 2^24]");
  if (chunk < nn::Loss::kChunkAlign) fail(where, ": chunk_size must be >= ", nn::Loss::kChunkAlign);
  if (info_.channels < 1 || info_.channels > 4) fail("image ", info_.source, ": ", info_.channels, " channels (1 to 4 supported)");

  const auto channels = uint32_t(info_.channels);
  const json field_config = resolve_field_config(c.child("field").value(), info_.width, info_.height);
  field_ = std::make_unique<fields::Field>(ctx, field_config, where + ": field", 2, channels, std::min(chunk, batch_));
  // Chunks: as many samples as the field holds; several chunks start at multiples of the loss's alignment.
  chunk_ = std::min(field_->max_batch(), batch_);
  if (chunk_ < batch_) chunk_ = chunk_ / nn::Loss::kChunkAlign * nn::Loss::kChunkAlign;
  training_ = Training::from_config(c, ctx, field_->parameters(), channels, batch_, where);
  const json init = take_fresh_init(c, where);
  c.finish();

  config_ = {{"description", description},
             {"field", field_->config()},
             {"steps", total_steps_},
             {"sampling", sampling},
             {"chunk_size", chunk_},
             {"pixel_coordinates", coordinates_name(coordinates_)},
             {"color", color}};
  training_.describe(config_);
  if (sampling_ == data::ImageSampler::Mode::Random) config_["batch_size"] = batch_;
  if (pixel_stride > 1) config_["pixel_stride"] = pixel_stride;
  if (holdout > 0) {
    config_["holdout"] = holdout;
    config_["holdout_seed"] = holdout_seed;
  }
  if (!init.is_null()) config_["init"] = init;  // the FreSh pick, recorded

  if (target)
    sampler_ = std::make_unique<data::ImageSampler>(ctx, *target, info_.source, coordinates_, sampling_, split_);
  renderer_ = std::make_unique<render::ImageRenderer>(ctx, *field_);
  x_ = nn::BatchBuffer(ctx, 2, chunk_, "batch coordinates");
  target_ = nn::BatchBuffer(ctx, channels, chunk_, "batch targets");
  y_ = nn::BatchBuffer(ctx, channels, chunk_, "batch predictions");
  d_y_ = nn::BatchBuffer(ctx, channels, chunk_, "batch output gradients");
  if (ctx.features().timestamps)
    for (int i = 0; i < 2; ++i) timers_.push_back(std::make_unique<gpu::TimestampPool>(ctx, 2));
  field_->initialize(seed);
}

std::unique_ptr<ImageExperiment> ImageExperiment::from_snapshot(gpu::Context& ctx, const Snapshot& snapshot,
                                                                const std::string& path, const Image* target) {
  const json& d = snapshot.description;
  try {
    if (d.value("task", "") != "image") fail("snapshot ", path, ": not an image snapshot (task '", d.value("task", ""), "')");
    ConfigReader t(d.at("target"), "snapshot " + path + ": target");
    ImageTargetInfo info{t.required<std::string>("source"), t.required<int>("width"), t.required<int>("height"),
                         t.required<int>("channels")};
    // Sizes checked before anything is sized by them (a corrupted or crafted file must not overflow).
    if (info.width < 1 || info.height < 1 || (long long)info.width * info.height > kMaxImagePixels ||
        info.channels < 1 || info.channels > 4)
      fail("snapshot ", path, ": target size ", info.width, "x", info.height, "x", info.channels, " is out of range");
    if (target && (target->width != info.width || target->height != info.height || target->channels != info.channels))
      fail("snapshot ", path, ": trained on a ", info.width, "x", info.height, "x", info.channels, " image, but the target is ",
           target->width, "x", target->height, "x", target->channels);
    auto e = std::make_unique<ImageExperiment>(ctx, d.at("config"), "in snapshot " + path, target, info,
                                               d.at("seed").get<uint32_t>());
    e->step_ = e->training_.restore(snapshot, e->field_->parameters(), path);
    return e;
  } catch (const json::exception& ex) {
    fail("snapshot ", path, ": malformed description (", ex.what(), ")");
  }
}

void ImageExperiment::train_step(gpu::Profiler* profiler) {
  NF_ASSERT(sampler_, "this experiment was built without a target image: it can render but not train");
  gpu::CommandList& cmd = stream_.begin();
  if (profiler) cmd.set_profiler(profiler);
  gpu::TimestampPool* timer = timers_.empty() ? nullptr : timers_[step_ % 2].get();
  if (timer) {
    cmd.reset_timestamps(*timer);
    cmd.write_timestamp(*timer, 0);
  }
  const uint32_t step = step_ + 1;
  training_.record_data_term(
      cmd, *field_, batch_, chunk_,
      [&](gpu::CommandList& c, uint32_t n, uint32_t first) {
        sampler_->sample(c, seed_, step, n, x_.view(), target_.view(), first);
      },
      x_.view(), target_.view(), y_.view(), d_y_.view());
  training_.optimizer->step(cmd, step, float(training_.schedule.factor(step, total_steps_) * lr_scale_));
  if (timer) cmd.write_timestamp(*timer, 1);
  stream_.submit();
  step_ = step;
}

StepReport ImageExperiment::report() {
  stream_.wait();
  StepReport r;
  r.step = step_;
  if (step_ == 0) return r;
  const auto readout = training_.loss->readout(batch_);
  r.loss = training_.loss->value(readout);
  r.batch_psnr = readout.mean_sq > 0 ? -10.0 * std::log10(readout.mean_sq) : INFINITY;
  if (!timers_.empty()) r.gpu_ms = timers_[(step_ - 1) % 2]->elapsed_ms(0, 1);
  return r;
}

StepCounts ImageExperiment::step_counts() const {
  const auto& s = stream_.last_stats();
  return {s.dispatches, s.barriers, s.transfers, 1};
}

Image ImageExperiment::render(int width, int height) {
  stream_.wait();
  return renderer_->render(stream_, *field_, width, height, coordinates_);
}

Snapshot ImageExperiment::snapshot(bool with_optimizer) {
  stream_.wait();
  Snapshot s;
  s.description = {{"format", "nf snapshot"},
                   {"task", "image"},
                   {"config", config_},
                   {"target",
                    {{"source", info_.source}, {"width", info_.width}, {"height", info_.height}, {"channels", info_.channels}}},
                   {"step", step_},
                   {"seed", seed_}};
  s.parameters = field_->parameters().download();
  if (with_optimizer) s.optimizer = training_.optimizer->state();
  return s;
}

}  // namespace nf::pipeline
