#pragma once
// File readers behind read_mesh_file() (internal to nf_data). Each returns the file's vertices and
// triangles as stored (polygons triangulated) and throws nf::Error naming `path` on malformed input or
// when the file holds more than max_triangles triangles or vertices. Index ranges and coordinate values
// are checked later, by prepare_mesh(), except where a reader needs them itself.
#include <string>

#include "data/mesh.hpp"

namespace nf::data {

Mesh read_obj(const std::string& path, const std::string& text, uint64_t max_triangles);
Mesh read_ply(const std::string& path, const std::string& bytes, uint64_t max_triangles);

}  // namespace nf::data
