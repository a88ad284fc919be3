#pragma once
// The marching-cubes case table: for each of the 256 inside/outside patterns of a cube's corners, the
// triangles of the zero level set as triples of cube edges.
//
// The table is derived here, not transcribed: on each cube face the surface crosses the face's sign-changing
// edges; a face with two inside corners on one diagonal (the ambiguous case) always separates its inside
// corners. That choice depends only on the face's four corners, so two cubes sharing a face cut it the
// same way and the surface has no cracks. Each face contributes one segment per run of inside corners along
// its boundary; the segments of the six faces chain into closed loops (every crossed edge lies on two
// faces), and each loop is triangulated, counter-clockwise seen from the outside (positive) side, without a
// diagonal between two crossed edges of one face (a fan where it has none): the neighbour across that face
// could draw the same diagonal, which would then belong to four triangles. Every edge of the surface thus
// belongs to exactly two triangles, on any grid (tests/render: random sign grids).
//
// Corner c sits at (c & 1, c >> 1 & 1, c >> 2 & 1); a corner is inside when its value is < 0.
#include <array>
#include <cstdint>
#include <vector>

namespace nf::render {

inline constexpr int kMcMaxTriangles = 12;  // per case (the derived table needs at most this many)

struct McCase {
  uint8_t triangles = 0;
  std::array<uint8_t, 3 * kMcMaxTriangles> edges{};  // edges[3 t + q]: corner q of triangle t
};

// Edge e joins corners mc_edge_corners()[e][0] < [1].
const std::array<std::array<uint8_t, 2>, 12>& mc_edge_corners();
// Case index: bit c set when corner c is inside.
const std::array<McCase, 256>& mc_case_table();
// The table for the GPU (shaders/render/mc_cubes.comp): per case 1 + 3 * kMcMaxTriangles words, the count
// first, then edge ids.
std::vector<uint32_t> mc_case_words();

}  // namespace nf::render
