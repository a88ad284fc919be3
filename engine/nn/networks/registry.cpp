// Built-in networks: one line per type.
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

}  // namespace

const NetworkRegistry& networks() {
  static const NetworkRegistry r = NetworkRegistry("network").add("rbf", make_rbf);
  return r;
}

}  // namespace nf::nn
