// Built-in radiance fields: one line per type.
#include "fields/radiance_field.hpp"

#include "core/registry.hpp"
#include "fields/radiance_mlp_heads.hpp"
#include "fields/radiance_sh_head.hpp"

namespace nf::fields {
namespace {

using RadianceRegistry = Registry<RadianceField, gpu::Context&, uint32_t>;

const RadianceRegistry& radiance_fields() {
  static const RadianceRegistry r = [] {
    RadianceRegistry reg("radiance field");
    reg.add("mlp_heads", [](ConfigReader& c, gpu::Context& ctx, uint32_t max_batch) -> std::unique_ptr<RadianceField> {
      return std::make_unique<MlpHeadsField>(ctx, c, max_batch);
    });
    reg.add("sh_head", [](ConfigReader& c, gpu::Context& ctx, uint32_t max_batch) -> std::unique_ptr<RadianceField> {
      return std::make_unique<ShHeadField>(ctx, c, max_batch);
    });
    return reg;
  }();
  return r;
}

}  // namespace

std::unique_ptr<RadianceField> RadianceField::create(gpu::Context& ctx, const json& config, const std::string& where,
                                                     uint32_t max_batch) {
  ConfigReader c(config, where);
  if (!c.has("type")) fail(where, ": missing \"type\" (known: mlp_heads, sh_head)");
  return radiance_fields().create(c, ctx, max_batch);
}

}  // namespace nf::fields
