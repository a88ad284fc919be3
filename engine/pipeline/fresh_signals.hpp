#pragma once
// FreSh (pipeline/fresh.hpp) for the other signal kinds, with the same candidates, initialisations and W1:
//   radiance fields (DESIGN.md 4.3): the untrained field's raw colour at one point per ray of the first
//     training view, at the camera's distance from the scene centre, with the view direction zeroed, against
//     that photo (on the evaluation background); views over 512 pixels a side are reduced by an integer factor;
//   SDFs (our extension): the untrained field on an N^3 grid over [-1, 1]^3 (N = 2 bins, at least 64, at most
//     128) against the exact signed distance, with the 3-D spectrum (analysis/spectrum3d.hpp).
#include <optional>

#include "data/mesh_sdf.hpp"
#include "data/posed_images.hpp"
#include "pipeline/fresh.hpp"

namespace nf::pipeline {

FreshResult fresh_select_radiance(gpu::Context& ctx, const json& experiment_config, const std::string& where,
                                  const data::Scene& scene, const FreshOptions& options,
                                  const FreshProgress& progress = {});

// target: the signed distance on the fresh_sdf_grid(bins)^3 grid over [-1, 1]^3 (render::GridSpec order).
FreshResult fresh_select_sdf(gpu::Context& ctx, const json& experiment_config, const std::string& where,
                             std::span<const float> target, const FreshOptions& options,
                             const FreshProgress& progress = {});

// The grid side the SDF selection uses for `bins` spectrum bins, and a mesh's signed distance on it.
uint32_t fresh_sdf_grid(uint32_t bins);
std::vector<float> fresh_sdf_target(const data::MeshSdf& truth, uint32_t bins);

}  // namespace nf::pipeline
