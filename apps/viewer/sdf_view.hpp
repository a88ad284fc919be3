#pragma once
// The SDF mode's view logic that needs no GPU: the orbit camera's mouse gestures and the cut-plane slice
// (its sample points and its colour map).
#include <cstdint>
#include <span>
#include <vector>

#include "render/sphere_trace.hpp"

namespace nf::viewer {

// Camera gestures, in framebuffer pixels. orbit: the scene turns with the drag (0.4 degrees a pixel;
// elevation kept within +-85 degrees). pan: the target moves so that the point under the mouse follows it
// (at the target's depth), kept inside [-1, 1]^3. zoom: distance x 0.85 per wheel step towards the target,
// within [0.3, 12].
void orbit(render::OrbitCamera& camera, float dx, float dy);
void pan(render::OrbitCamera& camera, float dx, float dy, float viewport_height);
void zoom(render::OrbitCamera& camera, float wheel);

// The slice z = c of [-1, 1]^3 on an n x n grid of pixel centres, row-major from the top row (y = +1, y up
// on screen) and x = -1 at the left: 3 floats a point, for SdfExperiment::evaluate.
std::vector<float> slice_points(uint32_t n, double c);

// RGBA8 texels (as the viewport shader reads them) for n x n signed distances: a diverging map, blue inside
// (sdf < 0) through white at 0 to red outside, saturating at |sdf| = range, darker iso-lines every range / 5,
// and the zero contour in black (every pixel with a 4-neighbour of the other sign).
void colour_slice(std::span<const float> sdf, uint32_t n, double range, uint32_t* texels);

}  // namespace nf::viewer
