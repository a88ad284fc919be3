#include "pipeline/training.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace nf::pipeline {

Training Training::from_config(ConfigReader& c, gpu::Context& ctx, nn::ParameterStore& parameters, uint32_t outputs,
                               uint32_t batch, const std::string& where) {
  auto loss_cfg = c.child("loss");
  if (!loss_cfg.has("type")) fail(where, ": missing \"loss\" with a \"type\"");
  auto loss = nn::losses().create(loss_cfg, ctx, outputs, batch);
  Training t = without_loss(c, ctx, parameters, where);
  t.loss = std::move(loss);
  return t;
}

Training Training::without_loss(ConfigReader& c, gpu::Context& ctx, nn::ParameterStore& parameters,
                                const std::string& where) {
  Training t;
  auto opt_cfg = c.child("optimizer");
  if (!opt_cfg.has("type")) fail(where, ": missing \"optimizer\" with a \"type\"");
  t.optimizer = nn::optimizers().create(opt_cfg, ctx, parameters);
  auto sched_cfg = c.child("schedule");
  t.schedule = nn::Schedule::from_config(sched_cfg);
  return t;
}

void Training::describe(json& config) const {
  if (loss) config["loss"] = loss->config();
  config["optimizer"] = optimizer->config();
  config["schedule"] = schedule.config();
}

void Training::record_data_term(gpu::CommandList& cmd, fields::Field& field, uint32_t batch, uint32_t chunk,
                                const DrawChunk& draw, const nn::BatchView& x, const nn::BatchView& target,
                                const nn::BatchView& y, const nn::BatchView& d_y) const {
  cmd.fill(field.parameters().gradients(), 0);
  for (uint32_t first = 0; first < batch; first += chunk) {
    const uint32_t n = std::min(chunk, batch - first);
    draw(cmd, n, first);
    field.forward(cmd, x, y, n);
    loss->evaluate(cmd, y, target, d_y, n, first, batch);
    field.backward(cmd, x, d_y, n);
  }
}

uint32_t Training::restore(const Snapshot& snapshot, nn::ParameterStore& parameters, const std::string& path) const {
  if (snapshot.parameters.size() != parameters.size())
    fail("snapshot ", path, ": holds ", snapshot.parameters.size(), " parameter values, but its config builds ",
         parameters.size());
  parameters.upload(snapshot.parameters);
  if (snapshot.optimizer) optimizer->set_state(*snapshot.optimizer);
  return snapshot.description.at("step").get<uint32_t>();
}

}  // namespace nf::pipeline
