#include "pipeline/training.hpp"

#include "core/error.hpp"

namespace nf::pipeline {

Training Training::from_config(ConfigReader& c, gpu::Context& ctx, nn::ParameterStore& parameters, uint32_t outputs,
                               uint32_t batch, const std::string& where) {
  Training t;
  auto loss_cfg = c.child("loss");
  if (!loss_cfg.has("type")) fail(where, ": missing \"loss\" with a \"type\"");
  t.loss = nn::losses().create(loss_cfg, ctx, outputs, batch);
  auto opt_cfg = c.child("optimizer");
  if (!opt_cfg.has("type")) fail(where, ": missing \"optimizer\" with a \"type\"");
  t.optimizer = nn::optimizers().create(opt_cfg, ctx, parameters);
  auto sched_cfg = c.child("schedule");
  t.schedule = nn::Schedule::from_config(sched_cfg);
  return t;
}

void Training::describe(json& config) const {
  config["loss"] = loss->config();
  config["optimizer"] = optimizer->config();
  config["schedule"] = schedule.config();
}

}  // namespace nf::pipeline
