// Stanford PLY: ASCII and binary (little or big endian). Reads vertex x, y, z and face index lists
// ("vertex_indices" or "vertex_index"); every other element and property is parsed and skipped.
// Polygons are fan-triangulated; faces with fewer than 3 corners become zero-area triangles (dropped and
// counted later by prepare_mesh()).
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string_view>

#include "core/error.hpp"
#include "data/mesh_readers.hpp"

namespace nf::data {
namespace {

enum class Type { I8, U8, I16, U16, I32, U32, F32, F64 };

struct Property {
  std::string name;
  Type type = Type::F32;
  bool list = false;
  Type count_type = Type::U8;  // lists only
};

struct Element {
  std::string name;
  uint64_t count = 0;
  std::vector<Property> properties;
};

enum class Format { Ascii, Little, Big };

Type parse_type(const std::string& path, const std::string& s) {
  if (s == "char" || s == "int8") return Type::I8;
  if (s == "uchar" || s == "uint8") return Type::U8;
  if (s == "short" || s == "int16") return Type::I16;
  if (s == "ushort" || s == "uint16") return Type::U16;
  if (s == "int" || s == "int32") return Type::I32;
  if (s == "uint" || s == "uint32") return Type::U32;
  if (s == "float" || s == "float32") return Type::F32;
  if (s == "double" || s == "float64") return Type::F64;
  fail("mesh ", path, ": unknown PLY property type '", s, "'");
}

size_t type_size(Type t) {
  switch (t) {
    case Type::I8:
    case Type::U8:
      return 1;
    case Type::I16:
    case Type::U16:
      return 2;
    case Type::I32:
    case Type::U32:
    case Type::F32:
      return 4;
    case Type::F64:
      return 8;
  }
  return 0;
}

// Reads scalar values, as doubles, from the body of the file (after "end_header").
class Body {
 public:
  Body(const std::string& path, std::string_view bytes, Format format)
      : path_(path), bytes_(bytes), format_(format) {}

  double read(Type t) {
    if (format_ == Format::Ascii) return read_ascii();
    const size_t n = type_size(t);
    if (pos_ + n > bytes_.size()) fail("mesh ", path_, ": truncated PLY data");
    unsigned char raw[8];
    std::memcpy(raw, bytes_.data() + pos_, n);
    pos_ += n;
    const bool swap = (format_ == Format::Big) != (std::endian::native == std::endian::big);
    if (swap)
      for (size_t i = 0; i < n / 2; ++i) std::swap(raw[i], raw[n - 1 - i]);
    switch (t) {
      case Type::I8:
        return double(std::bit_cast<int8_t>(raw[0]));
      case Type::U8:
        return double(raw[0]);
      case Type::I16: {
        int16_t v;
        std::memcpy(&v, raw, 2);
        return v;
      }
      case Type::U16: {
        uint16_t v;
        std::memcpy(&v, raw, 2);
        return v;
      }
      case Type::I32: {
        int32_t v;
        std::memcpy(&v, raw, 4);
        return v;
      }
      case Type::U32: {
        uint32_t v;
        std::memcpy(&v, raw, 4);
        return v;
      }
      case Type::F32: {
        float v;
        std::memcpy(&v, raw, 4);
        return v;
      }
      case Type::F64: {
        double v;
        std::memcpy(&v, raw, 8);
        return v;
      }
    }
    return 0.0;
  }

  // Bytes left (binary) or characters left (ASCII): bounds the counts a header may claim.
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  double read_ascii() {
    while (pos_ < bytes_.size() && std::isspace((unsigned char)bytes_[pos_])) ++pos_;
    if (pos_ >= bytes_.size()) fail("mesh ", path_, ": truncated PLY data");
    size_t end = pos_;
    while (end < bytes_.size() && !std::isspace((unsigned char)bytes_[end])) ++end;
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(bytes_.data() + pos_, bytes_.data() + end, value);
    if (ec != std::errc() || ptr != bytes_.data() + end)
      fail("mesh ", path_, ": malformed PLY value '", bytes_.substr(pos_, std::min<size_t>(end - pos_, 32)),
           "'");
    pos_ = end;
    return value;
  }

  const std::string& path_;
  std::string_view bytes_;
  Format format_;
  size_t pos_ = 0;
};

struct Header {
  Format format = Format::Ascii;
  std::vector<Element> elements;
  size_t body = 0;  // offset of the first byte after "end_header\n"
};

Header parse_header(const std::string& path, const std::string& bytes) {
  Header h;
  size_t pos = 0;
  bool magic = false, format = false;
  while (true) {
    const size_t end = bytes.find('\n', pos);
    if (end == std::string::npos) fail("mesh ", path, ": PLY header has no end_header line");
    std::string line = bytes.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream s(line);
    std::string word;
    s >> word;
    if (!magic) {
      if (word != "ply") fail("mesh ", path, ": not a PLY file (no 'ply' magic line)");
      magic = true;
    } else if (word == "format") {
      std::string f;
      s >> f;
      if (f == "ascii")
        h.format = Format::Ascii;
      else if (f == "binary_little_endian")
        h.format = Format::Little;
      else if (f == "binary_big_endian")
        h.format = Format::Big;
      else
        fail("mesh ", path, ": unknown PLY format '", f, "'");
      format = true;
    } else if (word == "element") {
      Element e;
      if (!(s >> e.name >> e.count)) fail("mesh ", path, ": malformed PLY element line '", line, "'");
      h.elements.push_back(e);
    } else if (word == "property") {
      if (h.elements.empty()) fail("mesh ", path, ": PLY property before any element");
      Property p;
      std::string type;
      s >> type;
      if (type == "list") {
        std::string count_type, item_type;
        s >> count_type >> item_type;
        p.list = true;
        p.count_type = parse_type(path, count_type);
        p.type = parse_type(path, item_type);
      } else {
        p.type = parse_type(path, type);
      }
      if (!(s >> p.name)) fail("mesh ", path, ": malformed PLY property line '", line, "'");
      h.elements.back().properties.push_back(p);
    } else if (word == "end_header") {
      break;
    } else if (word != "comment" && word != "obj_info" && !word.empty()) {
      fail("mesh ", path, ": unknown PLY header line '", line, "'");
    }
  }
  if (!format) fail("mesh ", path, ": PLY header has no format line");
  h.body = pos;
  return h;
}

}  // namespace

Mesh read_ply(const std::string& path, const std::string& bytes, uint64_t max_triangles) {
  const Header h = parse_header(path, bytes);
  Body body(path, std::string_view(bytes).substr(h.body), h.format);
  Mesh mesh;
  bool have_vertices = false;
  for (const Element& e : h.elements)
    if ((e.name == "vertex" || e.name == "face") && e.count > max_triangles)
      fail("mesh ", path, ": ", e.count, " ", e.name, "s, more than the limit of ", max_triangles,
           " (see MeshLoadOptions)");
  for (const Element& e : h.elements) {
    const bool is_vertex = e.name == "vertex", is_face = e.name == "face";
    // Every item takes at least one byte (binary) or two characters (ASCII): a count beyond that is a lie.
    if (e.count > body.remaining())
      fail("mesh ", path, ": truncated PLY data (", e.count, " ", e.name, "s claimed)");
    int xyz[3] = {-1, -1, -1};
    int indices = -1;
    for (size_t k = 0; k < e.properties.size(); ++k) {
      const Property& p = e.properties[k];
      if (is_vertex && !p.list && (p.name == "x" || p.name == "y" || p.name == "z"))
        xyz[p.name[0] - 'x'] = int(k);
      if (is_face && p.list && (p.name == "vertex_indices" || p.name == "vertex_index")) indices = int(k);
    }
    if (is_vertex) {
      if (xyz[0] < 0 || xyz[1] < 0 || xyz[2] < 0) fail("mesh ", path, ": PLY vertex element lacks x, y or z");
      mesh.vertices.reserve(e.count);
      have_vertices = true;
    }
    if (is_face && indices < 0) fail("mesh ", path, ": PLY face element has no vertex_indices list");
    std::vector<double> values;
    for (uint64_t item = 0; item < e.count; ++item) {
      Vec3 v;
      for (size_t k = 0; k < e.properties.size(); ++k) {
        const Property& p = e.properties[k];
        if (!p.list) {
          const double value = body.read(p.type);
          for (int c = 0; c < 3; ++c)
            if (int(k) == xyz[c]) v[c] = value;
          continue;
        }
        const double n = body.read(p.count_type);
        if (n < 0 || n != std::floor(n) || n > body.remaining())
          fail("mesh ", path, ": malformed PLY list length ", n, " in ", e.name, " ", item);
        values.resize(size_t(n));
        for (auto& x : values) x = body.read(p.type);
        if (int(k) != indices) continue;
        std::vector<uint32_t> corner(values.size());
        for (size_t c = 0; c < values.size(); ++c) {
          if (values[c] < 0 || values[c] != std::floor(values[c]) || values[c] >= 4294967295.0)
            fail("mesh ", path, ": face ", item, " has an invalid vertex index ", values[c]);
          corner[c] = uint32_t(values[c]);
        }
        if (corner.empty()) continue;
        if (corner.size() < 3) corner.resize(3, corner.back());  // zero-area: dropped later, with a count
        for (size_t c = 2; c < corner.size(); ++c)
          mesh.triangles.push_back({corner[0], corner[c - 1], corner[c]});
        if (mesh.triangles.size() > max_triangles)
          fail("mesh ", path, ": more than ", max_triangles, " triangles (the limit; see MeshLoadOptions)");
      }
      if (is_vertex) mesh.vertices.push_back(v);
    }
  }
  if (!have_vertices) fail("mesh ", path, ": PLY file has no vertex element");
  return mesh;
}

}  // namespace nf::data
