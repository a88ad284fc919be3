#pragma once
// A radiance field's surface as a mesh: marching cubes (render/marching_cubes.hpp) of threshold - density on a
// RES^3 grid over the scene box, in world units (the transforms file's).
#include "pipeline/radiance_experiment.hpp"
#include "render/marching_cubes.hpp"

namespace nf::pipeline {

// The density threshold instant-ngp's mesh export uses by default.
inline constexpr double kDefaultDensityThreshold = 2.5;

render::IsoMesh extract_radiance_mesh(RadianceExperiment& experiment, uint32_t resolution, double threshold);

}  // namespace nf::pipeline
