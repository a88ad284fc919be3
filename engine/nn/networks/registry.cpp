// Built-in networks: one line per type.
#include <algorithm>

#include "nn/networks/mlp.hpp"
#include "nn/networks/network.hpp"
#include "nn/networks/rbf.hpp"

namespace nf::nn {
namespace {

std::unique_ptr<Module> make_rbf(ConfigReader& c, gpu::Context& ctx, uint32_t in, uint32_t out) {
  RbfConfig r;
  r.neurons = c.get<uint32_t>("neurons", r.neurons);
  r.centre_init = c.get<double>("centre_init", r.centre_init);
  r.log_precision_init = c.get<double>("log_precision_init", r.log_precision_init);
  if (r.neurons < 1 || r.neurons > 64) fail(c.where(), ": neurons must be in [1, 64]");
  if (in < 1 || in > 64) fail(c.where(), ": the RBF layer takes 1 to 64 input features, the encoding gives ", in);
  if (out < 1 || out > 64) fail(c.where(), ": the RBF layer gives 1 to 64 outputs, ", out, " requested");
  if (!(r.centre_init >= 0)) fail(c.where(), ": centre_init must be >= 0");
  return std::make_unique<Rbf>(ctx, in, out, r);
}

Activation parse_activation(ConfigReader& c, const std::string& key, const std::string& fallback,
                            std::initializer_list<const char*> allowed) {
  const auto name = c.get<std::string>(key, fallback);
  for (const char* a : allowed)
    if (name == a) {
      if (name == "relu") return Activation::Relu;
      if (name == "sine") return Activation::Sine;
      if (name == "sigmoid") return Activation::Sigmoid;
      return Activation::None;
    }
  std::string list;
  for (const char* a : allowed) list += cat(list.empty() ? "" : ", ", a);
  fail(c.where(), ": ", key, " '", name, "' is not one of ", list);
}

std::unique_ptr<Module> make_mlp(ConfigReader& c, gpu::Context& ctx, uint32_t in, uint32_t out) {
  MlpConfig m;
  m.width = c.get<uint32_t>("width", m.width);
  m.hidden_layers = c.get<uint32_t>("hidden_layers", m.hidden_layers);
  m.activation = parse_activation(c, "activation", "relu", {"relu", "sine"});
  m.output_activation = parse_activation(c, "output_activation", "none", {"none", "sigmoid"});
  m.first_omega = c.get<double>("first_omega", m.first_omega);
  m.hidden_omega = c.get<double>("hidden_omega", m.hidden_omega);
  m.path = c.get<std::string>("path", m.path);
  if (c.has("modulation")) {
    m.modulation = c.child("modulation").value();
    m.modulated = true;
  }
  const auto normalization = c.get<std::string>("normalization", "layer");
  if (normalization != "layer" && normalization != "ray")
    fail(c.where(), ": normalization must be \"layer\" or \"ray\", not \"", normalization, "\"");
  m.ray_norm = normalization == "ray";
  if (m.ray_norm && !m.modulated) fail(c.where(), ": normalization \"ray\" applies to modulated (CAM) networks");
  if (m.ray_norm && m.path == "fused") fail(c.where(), ": normalization \"ray\" runs per layer, not with path \"fused\"");
  if (m.width < 1 || m.width > 256) fail(c.where(), ": width must be in [1, 256]");
  if (m.hidden_layers < 1 || m.hidden_layers > 8) fail(c.where(), ": hidden_layers must be in [1, 8]");
  if (m.path != "auto" && m.path != "fused" && m.path != "layers")
    fail(c.where(), ": path must be \"auto\", \"fused\" or \"layers\"");
  if (!(m.first_omega > 0 && m.hidden_omega > 0)) fail(c.where(), ": omegas must be > 0");
  if (m.path == "fused" && std::max(in, m.width) > 128)
    fail(c.where(), ": the fused path keeps a layer in private memory and supports widths and inputs up to 128 (",
         std::max(in, m.width), " here); use \"layers\" or \"auto\"");
  if (in < 1 || in > 2048) fail(c.where(), ": the MLP takes 1 to 2048 inputs, the encoding gives ", in);
  if (out < 1 || out > 64) fail(c.where(), ": the MLP gives 1 to 64 outputs, ", out, " requested");
  return std::make_unique<Mlp>(ctx, in, out, m);
}

}  // namespace

const NetworkRegistry& networks() {
  static const NetworkRegistry r = NetworkRegistry("network").add("rbf", make_rbf).add("mlp", make_mlp);
  return r;
}

}  // namespace nf::nn
