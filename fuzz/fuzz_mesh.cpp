// OBJ and PLY meshes (data::read_mesh_file: the OBJ pre-scan, tinyobjloader, nf's PLY reader). The first byte
// picks the format; at most 20,000 triangles so that huge claims are refused, not allocated.
#include "data/mesh.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  return nf::fuzz::parse_file(data + 1, size - 1, data[0] & 1 ? ".ply" : ".obj",
                              [](const std::string& p) { nf::data::read_mesh_file(p, 20000); });
}
