#include "pipeline/sdf_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "gpu/context.hpp"
#include "pipeline/fresh.hpp"

namespace nf::pipeline {
namespace {

uint64_t pool_seed(uint32_t seed, uint32_t generation) {
  return (uint64_t(seed) * 2654435761u + 1) ^ (uint64_t(generation) * 0x9E3779B97F4A7C15ull);
}

data::SdfSampleOptions pool_options(ConfigReader& c, uint32_t seed, const std::string& where) {
  data::SdfSampleOptions o;
  o.count = c.get<uint64_t>("size", 1u << 20);
  o.surface = c.get<double>("surface", 1.0);
  o.near_fine = c.get<double>("near_fine", 0.0);
  o.near_coarse = c.get<double>("near_coarse", 0.0);
  o.uniform = c.get<double>("uniform", 7.0);
  o.sigma_fine = c.get<double>("sigma_fine", 0.01);
  o.sigma_coarse = c.get<double>("sigma_coarse", 0.1);
  if (o.count < 1 || o.count > (1u << 24)) fail(where, ": pool.size must be in [1, 2^24]");
  o.seed = pool_seed(seed, 0);
  return o;
}

json pool_config(const data::SdfSampleOptions& o) {
  return {{"size", o.count},           {"surface", o.surface},       {"near_fine", o.near_fine},
          {"near_coarse", o.near_coarse}, {"uniform", o.uniform},   {"sigma_fine", o.sigma_fine},
          {"sigma_coarse", o.sigma_coarse}};
}

}  // namespace

SdfExperiment::SdfExperiment(gpu::Context& ctx, const json& config, const std::string& config_name,
                             const data::MeshSdf* mesh, const SdfTargetInfo& info, uint32_t seed,
                             std::optional<uint32_t> steps)
    : ctx_(ctx), info_(info), seed_(seed), stream_(ctx, 2) {
  const std::string where = "config " + config_name;
  ConfigReader c(config, where);
  const auto description = c.get<std::string>("description", "");
  total_steps_ = c.get<uint32_t>("steps", 2600);
  if (steps) total_steps_ = *steps;
  batch_ = c.get<uint32_t>("batch_size", 1u << 17);
  const uint32_t chunk = c.get<uint32_t>("chunk_size", batch_);
  if (total_steps_ < 1) fail(where, ": steps must be >= 1");
  if (batch_ < 1 || batch_ > (1u << 24)) fail(where, ": batch_size must be in [1, 2^24]");
  if (chunk < nn::Loss::kChunkAlign) fail(where, ": chunk_size must be >= ", nn::Loss::kChunkAlign);
  auto pool_cfg = c.child("pool");
  const auto pool = pool_options(pool_cfg, seed, where + ": pool");
  refresh_every_ = pool_cfg.get<uint32_t>("refresh_every", 0);
  pool_cfg.finish();

  field_ = std::make_unique<fields::Field>(ctx, c.child("field").value(), where + ": field", 3, 1, std::min(chunk, batch_));
  chunk_ = std::min(field_->max_batch(), batch_);
  if (chunk_ < batch_) chunk_ = chunk_ / nn::Loss::kChunkAlign * nn::Loss::kChunkAlign;
  training_ = Training::from_config(c, ctx, field_->parameters(), 1, batch_, where);
  if (c.has("eikonal")) {
    auto e = c.child("eikonal");
    eikonal_weight_ = e.get<double>("weight", 0.1);
    e.finish();
    if (!(eikonal_weight_ > 0)) fail(where, ": eikonal.weight must be > 0");
    if (const auto why = field_->eikonal_unsupported(); !why.empty()) fail(where, ": eikonal: ", why);
    const double share = pool.uniform / (pool.surface + pool.near_fine + pool.near_coarse + pool.uniform);
    eikonal_points_ = uint32_t(std::lround(batch_ * share));
    if (eikonal_points_ == 0) fail(where, ": eikonal: the pool has no uniform points (pool.uniform = 0)");
    eikonal_ = std::make_unique<nn::Eikonal>(ctx, 3);
  }
  const json init = take_fresh_init(c, where);
  c.finish();

  config_ = {{"description", description},
             {"field", field_->config()},
             {"steps", total_steps_},
             {"batch_size", batch_},
             {"chunk_size", chunk_},
             {"pool", pool_config(pool)}};
  training_.describe(config_);
  if (eikonal_) config_["eikonal"] = {{"weight", eikonal_weight_}};
  if (refresh_every_) config_["pool"]["refresh_every"] = refresh_every_;
  if (!init.is_null()) config_["init"] = init;  // the FreSh pick, recorded

  mesh_ = mesh;
  pool_options_ = pool;
  if (mesh) {
    sampler_ = std::make_unique<data::SdfSampler>(ctx, data::make_sdf_samples(*mesh, pool), info_.source);
    pools_used_ = 1;
    if (refresh_every_) {
      auto next = pool_options_;
      next.seed = pool_seed(seed_, 1);
      next_pool_ = std::async(std::launch::async, [m = mesh_, next] { return data::make_sdf_samples(*m, next); });
    }
  }
  x_ = nn::BatchBuffer(ctx, 3, chunk_, "batch points");
  target_ = nn::BatchBuffer(ctx, 1, chunk_, "batch distances");
  y_ = nn::BatchBuffer(ctx, 1, chunk_, "batch predictions");
  d_y_ = nn::BatchBuffer(ctx, 1, chunk_, "batch output gradients");
  grad_ = nn::BatchBuffer(ctx, 3, chunk_, "batch gradients");
  if (ctx.features().timestamps)
    for (int i = 0; i < 2; ++i) timers_.push_back(std::make_unique<gpu::TimestampPool>(ctx, 2));
  field_->initialize(seed);
}

bool is_sdf_snapshot(const Snapshot& snapshot) {
  return snapshot.description.is_object() && snapshot.description.value("task", "") == "sdf";
}

std::unique_ptr<SdfExperiment> SdfExperiment::from_snapshot(gpu::Context& ctx, const Snapshot& snapshot,
                                                            const std::string& path, const data::MeshSdf* mesh) {
  const json& d = snapshot.description;
  try {
    if (!is_sdf_snapshot(snapshot)) fail("snapshot ", path, ": not an SDF snapshot (task '", d.value("task", ""), "')");
    const json& m = d.at("mesh");
    SdfTargetInfo info{m.at("source").get<std::string>(),
                       data::mesh_transform_from_json(m.at("transform"), "snapshot " + path + ": mesh.transform")};
    auto e = std::make_unique<SdfExperiment>(ctx, d.at("config"), "in snapshot " + path, mesh, info,
                                             d.at("seed").get<uint32_t>());
    e->step_ = e->training_.restore(snapshot, e->field_->parameters(), path);
    return e;
  } catch (const json::exception& ex) {
    fail("snapshot ", path, ": malformed description (", ex.what(), ")");
  }
}

SdfExperiment::~SdfExperiment() {
  if (next_pool_.valid()) next_pool_.wait();
}

void SdfExperiment::train_step() {
  NF_ASSERT(sampler_, "this experiment was built without a mesh: it can evaluate but not train");
  if (refresh_every_ && step_ > 0 && step_ % refresh_every_ == 0 && next_pool_.valid()) {
    auto fresh = next_pool_.get();  // usually ready: drawn while the GPU ran the last refresh_every steps
    stream_.wait();                 // the pool buffers are read by submitted steps
    sampler_->replace(fresh);
    auto next = pool_options_;
    next.seed = pool_seed(seed_, ++pools_used_);
    next_pool_ = std::async(std::launch::async, [m = mesh_, next] { return data::make_sdf_samples(*m, next); });
  }
  gpu::CommandList& cmd = stream_.begin();
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
  if (eikonal_) {
    eikonal_->reset(cmd);
    const auto scale = float(eikonal_weight_ / eikonal_points_);
    for (uint32_t first = 0; first < eikonal_points_; first += chunk_) {
      const uint32_t n = std::min(chunk_, eikonal_points_ - first);
      // Sample indices past the batch's: points independent of the data term's.
      sampler_->sample_uniform(cmd, seed_, step, n, grad_.view(), target_.view(), batch_ + first);
      field_->eikonal_backward(cmd, grad_.view(), n, *eikonal_, scale);
    }
  }
  training_.optimizer->step(cmd, step, float(training_.schedule.factor(step, total_steps_) * lr_scale_));
  if (timer) cmd.write_timestamp(*timer, 1);
  stream_.submit();
  step_ = step;
}

StepReport SdfExperiment::report() {
  stream_.wait();
  StepReport r;
  r.step = step_;
  if (step_ == 0 || !sampler_) return r;
  const auto readout = training_.loss->readout(batch_);
  r.loss = training_.loss->value(readout);
  r.batch_psnr = readout.mean_sq > 0 ? -10.0 * std::log10(readout.mean_sq) : INFINITY;
  if (!timers_.empty()) r.gpu_ms = timers_[(step_ - 1) % 2]->elapsed_ms(0, 1);
  return r;
}

StepCounts SdfExperiment::step_counts() const {
  const auto& s = stream_.last_stats();
  return {s.dispatches, s.barriers, s.transfers, 1};
}

void SdfExperiment::upload_points(std::span<const float> xyz, std::vector<float>& column) {
  const auto n = uint32_t(xyz.size() / 3);
  for (uint32_t a = 0; a < 3; ++a) {
    for (uint32_t i = 0; i < n; ++i) column[i] = xyz[3 * i + a];
    x_.buffer.upload(column.data(), uint64_t(n) * sizeof(float), uint64_t(a) * chunk_ * sizeof(float));
  }
}

std::vector<float> SdfExperiment::evaluate(std::span<const float> xyz) {
  NF_ASSERT(xyz.size() % 3 == 0, "evaluate: ", xyz.size(), " floats are not xyz triples");
  stream_.wait();
  const size_t count = xyz.size() / 3;
  std::vector<float> out(count), column(chunk_);
  for (size_t first = 0; first < count; first += chunk_) {
    const uint32_t n = uint32_t(std::min<size_t>(chunk_, count - first));
    upload_points(xyz.subspan(3 * first, 3 * size_t(n)), column);
    gpu::CommandList& cmd = stream_.begin();
    field_->forward(cmd, x_.view(), y_.view(), n);
    stream_.submit();
    stream_.wait();
    y_.buffer.download(out.data() + first, uint64_t(n) * sizeof(float));
  }
  return out;
}

std::vector<float> SdfExperiment::gradient(std::span<const float> xyz) {
  NF_ASSERT(xyz.size() % 3 == 0, "gradient: ", xyz.size(), " floats are not xyz triples");
  stream_.wait();
  const size_t count = xyz.size() / 3;
  std::vector<float> out(xyz.size()), column(chunk_);
  for (size_t first = 0; first < count; first += chunk_) {
    const uint32_t n = uint32_t(std::min<size_t>(chunk_, count - first));
    upload_points(xyz.subspan(3 * first, 3 * size_t(n)), column);
    gpu::CommandList& cmd = stream_.begin();
    field_->input_gradient(cmd, x_.view(), y_.view(), grad_.view(), n);
    stream_.submit();
    stream_.wait();
    for (uint32_t a = 0; a < 3; ++a) {
      grad_.buffer.download(column.data(), uint64_t(n) * sizeof(float), uint64_t(a) * chunk_ * sizeof(float));
      for (uint32_t i = 0; i < n; ++i) out[3 * (first + i) + a] = column[i];
    }
  }
  return out;
}

std::optional<nn::EikonalReadout> SdfExperiment::eikonal_readout() {
  stream_.wait();
  if (!eikonal_ || step_ == 0 || !sampler_) return std::nullopt;
  return eikonal_->readout(eikonal_points_);
}

Image SdfExperiment::render(const render::OrbitCamera& camera, const render::TraceOptions& options) {
  stream_.wait();
  if (!tracer_) tracer_ = std::make_unique<render::SphereTracer>(ctx_, std::min<uint32_t>(chunk_, 1u << 16));
  const render::SdfFunctions sdf{
      [this](gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, uint32_t n) {
        field_->forward(cmd, x, y, n);
      },
      [this](gpu::CommandList& cmd, const nn::BatchView& x, const nn::BatchView& y, const nn::BatchView& grad,
             uint32_t n) { field_->input_gradient(cmd, x, y, grad, n); }};
  return tracer_->render(stream_, sdf, camera, options);
}

Snapshot SdfExperiment::snapshot(bool with_optimizer) {
  stream_.wait();
  Snapshot s;
  s.description = {{"format", "nf snapshot"},
                   {"task", "sdf"},
                   {"config", config_},
                   {"mesh", {{"source", info_.source}, {"transform", data::to_json(info_.transform)}}},
                   {"step", step_},
                   {"seed", seed_}};
  s.parameters = field_->parameters().download();
  if (with_optimizer) s.optimizer = training_.optimizer->state();
  return s;
}

}  // namespace nf::pipeline
