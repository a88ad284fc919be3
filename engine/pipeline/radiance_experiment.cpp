#include "pipeline/radiance_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "pipeline/fresh.hpp"

namespace nf::pipeline {
namespace {

constexpr uint32_t kRayAlign = 32;  // rays a step are a multiple of this (instant-ngp: 256, for 2^18 samples)
constexpr double kSampleFill = 7.0 / 8.0;  // marched samples aimed at, as a fraction of the capacity

template <class T>
std::string as_bytes(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

template <class T>
std::vector<T> from_bytes(const std::string& s, const std::string& what) {
  if (s.size() % sizeof(T)) fail(what, ": malformed attachment");
  std::vector<T> v(s.size() / sizeof(T));
  std::memcpy(v.data(), s.data(), s.size());
  return v;
}

uint32_t cascades_of(double aabb_scale) { return uint32_t(std::lround(std::log2(aabb_scale))) + 1; }

}  // namespace

json resolve_radiance_field(json field, double aabb_scale) {
  if (field.is_object() && field.contains("encoding") && field["encoding"].is_object() &&
      field["encoding"].value("finest_resolution", json()) == "scene")
    field["encoding"]["finest_resolution"] = 2048.0 * aabb_scale;
  return field;
}

bool is_radiance_snapshot(const Snapshot& snapshot) { return snapshot.description.value("task", "") == "radiance"; }

json camera_to_json(const data::Camera& c) {
  const auto& d = c.k.distortion;
  return {{"fx", c.k.fx}, {"fy", c.k.fy}, {"cx", c.k.cx}, {"cy", c.k.cy}, {"width", c.k.width},
          {"height", c.k.height}, {"k1", d.k1}, {"k2", d.k2}, {"k3", d.k3}, {"p1", d.p1}, {"p2", d.p2},
          {"c2w", c.c2w}};
}

data::Camera camera_from_json(const json& j) {
  data::Camera c;
  c.k.fx = j.at("fx").get<double>();
  c.k.fy = j.at("fy").get<double>();
  c.k.cx = j.at("cx").get<double>();
  c.k.cy = j.at("cy").get<double>();
  c.k.width = j.at("width").get<int>();
  c.k.height = j.at("height").get<int>();
  c.k.distortion = {j.value("k1", 0.0), j.value("k2", 0.0), j.value("k3", 0.0), j.value("p1", 0.0), j.value("p2", 0.0)};
  c.c2w = j.at("c2w").get<std::array<double, 12>>();
  if (c.k.width < 1 || c.k.height < 1 || !(c.k.fx > 0) || !(c.k.fy > 0)) fail("camera: invalid intrinsics");
  return c;
}

RadianceSceneInfo RadianceSceneInfo::of(const data::Scene& scene) {
  RadianceSceneInfo i;
  i.source = scene.source;
  i.box = scene.box;
  for (const auto& v : scene.train) i.train_names.push_back(v.name), i.train_cameras.push_back(v.camera);
  for (const auto& v : scene.test) i.test_names.push_back(v.name), i.test_cameras.push_back(v.camera);
  return i;
}

json RadianceSceneInfo::to_json() const {
  auto views = [](const std::vector<std::string>& names, const std::vector<data::Camera>& cams) {
    json a = json::array();
    for (size_t i = 0; i < names.size(); ++i) a.push_back({{"name", names[i]}, {"camera", camera_to_json(cams[i])}});
    return a;
  };
  return {{"source", source},
          {"box", {{"scale", box.scale}, {"offset", {box.offset.x, box.offset.y, box.offset.z}}, {"aabb_scale", box.aabb_scale}}},
          {"train", views(train_names, train_cameras)},
          {"test", views(test_names, test_cameras)}};
}

RadianceSceneInfo RadianceSceneInfo::from_json(const json& j) {
  RadianceSceneInfo i;
  i.source = j.at("source").get<std::string>();
  const json& b = j.at("box");
  i.box.scale = b.at("scale").get<double>();
  i.box.offset = {b.at("offset").at(0).get<double>(), b.at("offset").at(1).get<double>(), b.at("offset").at(2).get<double>()};
  i.box.aabb_scale = b.at("aabb_scale").get<double>();
  for (const auto& v : j.at("train")) i.train_names.push_back(v.at("name")), i.train_cameras.push_back(camera_from_json(v.at("camera")));
  for (const auto& v : j.at("test")) i.test_names.push_back(v.at("name")), i.test_cameras.push_back(camera_from_json(v.at("camera")));
  return i;
}

RadianceExperiment::RadianceExperiment(gpu::Context& ctx, const json& config, const std::string& config_name,
                                       const data::Scene* scene, const RadianceSceneInfo& info, uint32_t seed,
                                       std::optional<uint32_t> steps)
    : ctx_(ctx), info_(info), seed_(seed), stream_(ctx, 2) {
  const std::string where = "config " + config_name;
  ConfigReader c(config, where);
  const auto description = c.get<std::string>("description", "");
  total_steps_ = c.get<uint32_t>("steps", 20000);
  if (steps) total_steps_ = *steps;
  if (total_steps_ < 1) fail(where, ": steps must be >= 1");
  samples_ = c.get<uint32_t>("samples_per_step", 1u << 18);
  rays_ = c.get<uint32_t>("rays_per_step", 4096);
  if (samples_ < 1024 || samples_ > (1u << 24)) fail(where, ": samples_per_step must be in [1024, 2^24]");
  if (rays_ < 1 || rays_ > samples_) fail(where, ": rays_per_step must be in [1, samples_per_step]");
  background_ = data::Background::parse(c.get<std::string>("background", "random"));
  auto occ = c.child("occupancy");
  const auto occupancy = render::OccupancyConfig::from_config(occ);
  auto mc = c.child("march");
  const auto march = render::MarchConfig::from_config(mc);
  auto lc = c.child("loss");
  if (!lc.has("type")) fail(where, ": missing \"loss\" with a \"type\" (l2 or huber)");
  loss_ = render::RayLossConfig::from_config(lc);
  if (march.max_samples_per_ray > samples_) fail(where, ": march.max_samples_per_ray exceeds samples_per_step");

  field_ = fields::RadianceField::create(ctx, resolve_radiance_field(c.child("field").value(), info_.box.aabb_scale),
                                         where + ": field", samples_);
  // The field may hold fewer samples a call than asked (the device's buffer range): march no more.
  samples_ = field_->max_batch() / 4 * 4;
  if (march.max_samples_per_ray > samples_)
    fail(where, ": this device's buffers hold ", samples_, " samples a step, fewer than march.max_samples_per_ray");
  training_ = Training::without_loss(c, ctx, field_->parameters(), where);
  const json init = take_fresh_init(c, where);
  c.finish();
  max_rays_ = std::min<uint32_t>(samples_, 1u << 20);
  rays_ = std::min(rays_, max_rays_);

  config_ = {{"description", description},
             {"field", field_->config()},
             {"loss", loss_.config()},
             {"steps", total_steps_},
             {"samples_per_step", samples_},
             {"rays_per_step", c.value().value("rays_per_step", 4096)},
             {"occupancy", occupancy.config()},
             {"march", march.config()},
             {"background", background_.name()}};
  training_.describe(config_);
  if (!init.is_null()) config_["init"] = init;  // the FreSh pick, recorded

  const auto cascades = cascades_of(info_.box.aabb_scale);
  grid_ = std::make_unique<render::OccupancyGrid>(ctx, occupancy, cascades, float(info_.box.aabb_scale), march.min_step(),
                                                  field_->max_batch());
  marcher_ = std::make_unique<render::RayMarcher>(ctx, march, float(info_.box.aabb_scale), cascades, max_rays_, samples_);
  volume_ = std::make_unique<render::VolumeRenderer>(ctx, loss_, max_rays_);
  rays_buffer_ = nn::BatchBuffer(ctx, data::RayRows::kCount, max_rays_, "rays");
  outs_ = nn::BatchBuffer(ctx, 4, samples_, "radiance outputs");
  d_outs_ = nn::BatchBuffer(ctx, 4, samples_, "radiance output gradients");
  for (auto& b : counts_) b = gpu::Buffer(ctx, 4, "sample count read-back", gpu::MemoryUsage::Host);
  if (scene) {
    NF_ASSERT(!scene->train.empty() && !scene->train.front().rgba.empty(), "training needs the views' images");
    sampler_ = std::make_unique<data::RaySampler>(ctx, scene->train, scene->source);
  }
  data::PosedView render_view;
  render_view.camera = info_.train_cameras.empty() ? info_.test_cameras.at(0) : info_.train_cameras.front();
  view_sampler_ = std::make_unique<data::RaySampler>(ctx, std::vector<data::PosedView>{render_view}, "render");
  if (ctx.features().timestamps)
    for (int i = 0; i < 2; ++i) timers_.push_back(std::make_unique<gpu::TimestampPool>(ctx, 2));
  field_->initialize(seed);
}

RadianceExperiment::~RadianceExperiment() { stream_.wait(); }

std::unique_ptr<RadianceExperiment> RadianceExperiment::from_snapshot(gpu::Context& ctx, const Snapshot& snapshot,
                                                                      const std::string& path,
                                                                      const data::Scene* scene) {
  const json& d = snapshot.description;
  std::unique_ptr<RadianceExperiment> e;
  try {
    if (d.value("task", "") != "radiance")
      fail("snapshot ", path, ": not a radiance snapshot (task '", d.value("task", ""), "')");
    const RadianceSceneInfo info = RadianceSceneInfo::from_json(d.at("scene"));
    e = std::make_unique<RadianceExperiment>(ctx, d.at("config"), "in snapshot " + path, scene, info,
                                             d.at("seed").get<uint32_t>());
    e->step_ = e->training_.restore(snapshot, e->field_->parameters(), path);
    e->rays_ = std::clamp<uint32_t>(d.value("rays_per_step", e->rays_), 1, e->max_rays_);
  } catch (const json::exception& ex) {
    fail("snapshot ", path, ": malformed description (", ex.what(), ")");
  }
  const auto density = snapshot.attachments.find("occupancy.density");
  const auto bits = snapshot.attachments.find("occupancy.bits");
  if (bits == snapshot.attachments.end()) fail("snapshot ", path, ": no occupancy grid");
  const auto bit_words = from_bytes<uint32_t>(bits->second, "snapshot " + path);
  std::vector<float> values(e->grid_->cells(), 0.0f);
  if (density != snapshot.attachments.end()) values = from_bytes<float>(density->second, "snapshot " + path);
  if (bit_words.size() != e->grid_->cells() / 32 || values.size() != e->grid_->cells())
    fail("snapshot ", path, ": its occupancy grid does not match its config");
  e->grid_->upload(values, bit_words);
  return e;
}

data::Background RadianceExperiment::eval_background() const {
  return background_.random ? data::Background{} : background_;
}

void RadianceExperiment::adapt_rays() {
  // The counter of this stream slot's previous step: finished, since begin() waited for it.
  const uint32_t slot = stream_.slot();
  if (count_rays_[slot] == 0) return;
  uint32_t measured = 0;
  counts_[slot].download(&measured, 4);
  if (measured == 0) {
    rays_ = std::min(max_rays_, rays_ * 2);
    return;
  }
  const double per_ray = double(measured) / count_rays_[slot];
  const double wanted = kSampleFill * samples_ / per_ray;
  rays_ = uint32_t(std::clamp(std::ceil(wanted / kRayAlign) * kRayAlign, double(kRayAlign), double(max_rays_)));
}

void RadianceExperiment::train_step(gpu::Profiler* profiler) {
  NF_ASSERT(sampler_, "this experiment was built without training images: it can render but not train");
  gpu::CommandList& cmd = stream_.begin();
  if (profiler) cmd.set_profiler(profiler);
  adapt_rays();
  gpu::TimestampPool* timer = timers_.empty() ? nullptr : timers_[step_ % 2].get();
  if (timer) {
    cmd.reset_timestamps(*timer);
    cmd.write_timestamp(*timer, 0);
  }
  const uint32_t step = step_ + 1;
  if (grid_->due(step))
    grid_->update(cmd, seed_, step, [this](gpu::CommandList& c, const nn::BatchView& x, const nn::BatchView& s,
                                           uint32_t n) { field_->density(c, x, s, n); });
  const uint32_t rays = rays_;
  sampler_->sample(cmd, seed_, step, rays, background_, rays_buffer_.view());
  marcher_->march(cmd, rays_buffer_.view(), rays, *grid_, true, seed_, step);
  field_->forward(cmd, marcher_->samples(), outs_.view(), samples_, marcher_->segments(rays));
  cmd.fill(d_outs_.buffer, 0);
  volume_->train(cmd, rays, marcher_->ray_info(), marcher_->samples(), outs_.view(), rays_buffer_.view(),
                 d_outs_.view());
  cmd.fill(field_->parameters().gradients(), 0);
  field_->backward(cmd, marcher_->samples(), outs_.view(), d_outs_.view(), samples_);
  training_.optimizer->step(cmd, step, float(training_.schedule.factor(step, total_steps_) * lr_scale_));
  cmd.copy(marcher_->counter(), counts_[stream_.slot()], 4);
  count_rays_[stream_.slot()] = rays;
  last_slot_ = stream_.slot();
  if (timer) cmd.write_timestamp(*timer, 1);
  stream_.submit();
  last_rays_ = rays;
  step_ = step;
}

RadianceStepReport RadianceExperiment::report() {
  stream_.wait();
  RadianceStepReport r;
  r.step = step_;
  if (step_ == 0) return r;
  const auto readout = volume_->readout(last_rays_);
  r.loss = readout.loss;
  r.batch_psnr = readout.mse > 0 ? -10.0 * std::log10(readout.mse) : INFINITY;
  if (!timers_.empty()) r.gpu_ms = timers_[(step_ - 1) % 2]->elapsed_ms(0, 1);
  r.rays = last_rays_;
  uint32_t measured = 0;
  counts_[last_slot_].download(&measured, 4);
  r.samples_per_ray = last_rays_ ? double(measured) / last_rays_ : 0;
  return r;
}

StepCounts RadianceExperiment::step_counts() const {
  const auto& s = stream_.last_stats();
  return {s.dispatches, s.barriers, s.transfers, 1};
}

double RadianceExperiment::occupancy() {
  stream_.wait();
  return grid_->occupancy();
}

std::vector<float> RadianceExperiment::density(std::span<const float> x) {
  NF_ASSERT(x.size() % 3 == 0, "density(): 3 floats a point");
  stream_.wait();
  const size_t n = x.size() / 3;
  std::vector<float> out(n);
  // The marcher's sample rows and the outputs' first row serve as the batch (nothing else is in flight).
  nn::BatchView points = marcher_->samples();
  const uint32_t chunk = std::min(field_->max_batch(), points.stride);
  std::vector<float> rows(3 * size_t(points.stride));
  for (size_t first = 0; first < n; first += chunk) {
    const auto m = uint32_t(std::min<size_t>(chunk, n - first));
    for (uint32_t i = 0; i < m; ++i)
      for (int a = 0; a < 3; ++a) rows[size_t(a) * points.stride + i] = x[3 * (first + i) + size_t(a)];
    points.buffer->upload(std::span<const float>(rows));
    gpu::CommandList& cmd = stream_.begin();
    field_->density(cmd, {points.buffer, 3, points.stride}, {&outs_.buffer, 1, outs_.capacity}, m);
    stream_.submit();
    stream_.wait();
    outs_.buffer.download(out.data() + first, uint64_t(m) * 4);
  }
  return out;
}

RadianceRender RadianceExperiment::render(const data::Camera& camera, const data::Background& background,
                                          uint32_t max_samples_per_ray) {
  NF_ASSERT(!background.random, "renders take a fixed background");
  stream_.wait();
  view_sampler_->set_camera(camera);
  const int w = camera.k.width, h = camera.k.height;
  RadianceRender out;
  out.rgb = Image(w, h, 3);
  out.depth = Image(w, h, 1);
  out.opacity = Image(w, h, 1);
  out.samples = Image(w, h, 1);
  const auto pixels = uint32_t(uint64_t(w) * uint64_t(h));
  uint32_t chunk = max_rays_;
  for (uint32_t first = 0; first < pixels;) {
    const uint32_t n = std::min(chunk, pixels - first);
    gpu::CommandList& cmd = stream_.begin();
    view_sampler_->view_rays(cmd, 0, first, n, background, rays_buffer_.view());
    marcher_->march(cmd, rays_buffer_.view(), n, *grid_, false, seed_, 0, max_samples_per_ray);
    stream_.submit();
    stream_.wait();
    if (n > 1 && marcher_->dropped_rays(n) > 0) {  // more samples than fit: fewer rays at a time
      chunk = std::max<uint32_t>(1, n / 2);
      continue;
    }
    const uint32_t samples = marcher_->samples_written();
    gpu::CommandList& c2 = stream_.begin();
    if (samples) field_->forward(c2, marcher_->samples(), outs_.view(), (samples + 3) / 4 * 4, marcher_->segments(n));
    volume_->render(c2, n, marcher_->ray_info(), marcher_->samples(), outs_.view(), rays_buffer_.view());
    stream_.submit();
    stream_.wait();
    const auto results = volume_->results().buffer->download_all<float>();
    const uint32_t stride = volume_->results().stride;
    for (uint32_t i = 0; i < n; ++i) {
      const size_t p = first + i;
      for (int ch = 0; ch < 3; ++ch) out.rgb.pixels[p * 3 + size_t(ch)] = results[size_t(ch) * stride + i];
      out.depth.pixels[p] = results[render::ResultRows::kDepth * stride + i];
      out.opacity.pixels[p] = results[render::ResultRows::kOpacity * stride + i];
    }
    const auto info = marcher_->ray_info().download_all<uint32_t>();
    for (uint32_t i = 0; i < n; ++i) out.samples.pixels[first + i] = float(info[marcher_->ray_stride() + i] & 0x7fffffffu);
    out.rays += n;
    out.marched_samples += samples;
    first += n;
  }
  return out;
}

Snapshot RadianceExperiment::snapshot(bool with_optimizer) {
  stream_.wait();
  Snapshot s;
  s.description = {{"format", "nf snapshot"},
                   {"task", "radiance"},
                   {"config", config_},
                   {"scene", info_.to_json()},
                   {"step", step_},
                   {"seed", seed_},
                   {"rays_per_step", rays_}};
  s.parameters = field_->parameters().download();
  if (with_optimizer) {
    s.optimizer = training_.optimizer->state();
    s.attachments["occupancy.density"] = as_bytes(grid_->download_density());
  }
  s.attachments["occupancy.bits"] = as_bytes(grid_->download_bits());
  return s;
}

}  // namespace nf::pipeline
