#include "render/mc_table.hpp"

#include "core/error.hpp"

namespace nf::render {
namespace {

std::array<std::array<uint8_t, 2>, 12> make_edges() {
  std::array<std::array<uint8_t, 2>, 12> edges{};
  int e = 0;
  for (int axis = 0; axis < 3; ++axis)
    for (int c = 0; c < 8; ++c)
      if (!(c >> axis & 1)) edges[e++] = {uint8_t(c), uint8_t(c | 1 << axis)};
  return edges;
}

int edge_of(int a, int b) {
  const auto& edges = mc_edge_corners();
  for (int e = 0; e < 12; ++e)
    if ((edges[e][0] == a && edges[e][1] == b) || (edges[e][0] == b && edges[e][1] == a)) return e;
  NF_ASSERT(false, "corners ", a, " and ", b, " share no cube edge");
  return -1;
}

// The four corners of face (axis, side), counter-clockwise seen from outside the cube.
std::array<int, 4> face_cycle(int axis, int side) {
  const int u = (axis + 1) % 3, v = (axis + 2) % 3;  // e_u x e_v = e_axis
  const int uv[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  std::array<int, 4> cycle{};
  for (int q = 0; q < 4; ++q) cycle[q] = side << axis | uv[q][0] << u | uv[q][1] << v;
  if (side == 0) std::swap(cycle[1], cycle[3]);  // outward normal -e_axis: reverse the order
  return cycle;
}

// Whether cube edges a and b lie on a common face of the cube.
bool share_face(int a, int b) {
  const auto& e = mc_edge_corners();
  for (int axis = 0; axis < 3; ++axis) {
    const int side = e[a][0] >> axis & 1;
    if ((e[a][1] >> axis & 1) == side && (e[b][0] >> axis & 1) == side && (e[b][1] >> axis & 1) == side) return true;
  }
  return false;
}

// Triangulates the polygon loop[i..j] (chord i-j given) without a diagonal between two crossed edges on a
// common cube face: the neighbour across that face may draw the same diagonal, and the edge would then
// belong to four triangles. Appends triangles (in loop order, reversed: see make_case); false if none.
bool triangulate(const std::vector<int>& loop, size_t i, size_t j, std::vector<std::array<int, 3>>& out) {
  if (j - i < 2) return true;
  const auto chord_ok = [&](size_t a, size_t b) {
    return b - a == 1 || (a == 0 && b == loop.size() - 1) || !share_face(loop[a], loop[b]);
  };
  for (size_t k = i + 1; k < j; ++k) {
    if (!chord_ok(i, k) || !chord_ok(k, j)) continue;
    const size_t mark = out.size();
    out.push_back({loop[i], loop[j], loop[k]});
    if (triangulate(loop, i, k, out) && triangulate(loop, k, j, out)) return true;
    out.resize(mark);
  }
  return false;
}

McCase make_case(int inside_mask) {
  auto inside = [&](int c) { return (inside_mask >> c & 1) != 0; };
  // next[e]: the crossed edge that the surface's boundary reaches from crossed edge e, walking each face's
  // segment from the edge where the face's cycle leaves a run of inside corners to the edge where it enters it.
  std::array<int, 12> next;
  next.fill(-1);
  for (int axis = 0; axis < 3; ++axis)
    for (int side = 0; side < 2; ++side) {
      const auto p = face_cycle(axis, side);
      for (int q = 0; q < 4; ++q) {
        const int prev = p[(q + 3) % 4], cur = p[q];
        if (inside(prev) || !inside(cur)) continue;  // q starts a run of inside corners
        int last = q;
        while (inside(p[(last + 1) % 4])) last = (last + 1) % 4;
        const int entry = edge_of(prev, cur), exit = edge_of(p[last], p[(last + 1) % 4]);
        NF_ASSERT(next[exit] < 0, "marching-cubes table: edge ", exit, " leaves twice in case ", inside_mask);
        next[exit] = entry;
      }
    }
  McCase out;
  std::array<bool, 12> used{};
  for (int start = 0; start < 12; ++start) {
    if (next[start] < 0 || used[start]) continue;
    std::vector<int> loop;
    for (int e = start; !used[e]; e = next[e]) {
      NF_ASSERT(next[e] >= 0, "marching-cubes table: open loop in case ", inside_mask);
      used[e] = true;
      loop.push_back(e);
    }
    NF_ASSERT(loop.size() >= 3 && loop.front() == start, "marching-cubes table: bad loop in case ", inside_mask);
    // The loop in segment order winds clockwise seen from the positive side (tests/render check every case),
    // so triangles take it in reverse. A fan where it has no diagonal on a face, else any such triangulation.
    std::vector<std::array<int, 3>> tris;
    bool fan = true;
    for (size_t q = 2; q + 1 < loop.size(); ++q) fan = fan && !share_face(loop[0], loop[q]);
    if (fan) {
      for (size_t q = 1; q + 1 < loop.size(); ++q) tris.push_back({loop[0], loop[q + 1], loop[q]});
    } else {
      NF_ASSERT(triangulate(loop, 0, loop.size() - 1, tris),
                "marching-cubes table: no triangulation without face diagonals in case ", inside_mask);
    }
    for (const auto& tri : tris) {
      NF_ASSERT(out.triangles < kMcMaxTriangles, "marching-cubes table: too many triangles in case ", inside_mask);
      for (int k = 0; k < 3; ++k) out.edges[3 * out.triangles + k] = uint8_t(tri[k]);
      ++out.triangles;
    }
  }
  return out;
}

}  // namespace

const std::array<std::array<uint8_t, 2>, 12>& mc_edge_corners() {
  static const auto edges = make_edges();
  return edges;
}

const std::array<McCase, 256>& mc_case_table() {
  static const auto table = [] {
    std::array<McCase, 256> t;
    for (int m = 0; m < 256; ++m) t[m] = make_case(m);
    return t;
  }();
  return table;
}

std::vector<uint32_t> mc_case_words() {
  std::vector<uint32_t> words;
  words.reserve(256 * (1 + 3 * kMcMaxTriangles));
  for (const McCase& c : mc_case_table()) {
    words.push_back(c.triangles);
    for (uint8_t e : c.edges) words.push_back(e);
  }
  return words;
}

}  // namespace nf::render
