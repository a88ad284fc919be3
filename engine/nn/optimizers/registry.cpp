// Built-in optimizers: one line per type.
#include "nn/optimizers/adam.hpp"

namespace nf::nn {
namespace {

std::unique_ptr<Optimizer> make_adam(ConfigReader& c, gpu::Context& ctx, ParameterStore& store) {
  AdamConfig a;
  a.lr = c.get<float>("lr", a.lr);
  a.beta1 = c.get<float>("beta1", a.beta1);
  a.beta2 = c.get<float>("beta2", a.beta2);
  a.eps = c.get<float>("eps", a.eps);
  a.group_lr = c.get<std::map<std::string, float>>("group_lr", {});
  a.sparse_groups = c.get<std::set<std::string>>("sparse_groups", {});
  if (!(a.lr > 0) || !(a.beta1 >= 0 && a.beta1 < 1) || !(a.beta2 >= 0 && a.beta2 < 1) || !(a.eps > 0))
    fail(c.where(), ": need lr > 0, 0 <= beta1, beta2 < 1 and eps > 0");
  for (const auto& [g, lr] : a.group_lr) {
    if (!(lr >= 0)) fail(c.where(), ": group_lr '", g, "' must be >= 0");
    std::string groups;
    bool found = false;
    for (const auto& b : store.blocks()) {
      found |= b.block.group == g;
      if (groups.find("'" + b.block.group + "'") == std::string::npos) groups += " '" + b.block.group + "'";
    }
    if (!found) fail(c.where(), ": group_lr names group '", g, "', but the parameters' groups are", groups);
  }
  for (const auto& g : a.sparse_groups) {
    bool found = false;
    for (const auto& b : store.blocks()) found |= b.block.group == g;
    if (!found) fail(c.where(), ": sparse_groups names group '", g, "', which no parameter block has");
  }
  return std::make_unique<Adam>(ctx, store, a);
}

}  // namespace

const OptimizerRegistry& optimizers() {
  static const OptimizerRegistry r = OptimizerRegistry("optimizer").add("adam", make_adam);
  return r;
}

}  // namespace nf::nn
