#include "io/snapshot.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace nf {
namespace {

static_assert(std::endian::native == std::endian::little, "snapshots are little-endian");
constexpr char kMagic[8] = {'N', 'F', 'S', 'N', 'A', 'P', '\r', '\n'};

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

void put_floats(std::string& out, const std::vector<float>& v) {
  put<uint64_t>(out, v.size());
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

class Reader {
 public:
  Reader(const std::string& path, const std::string& data) : path_(path), data_(data) {}
  template <class T>
  T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string bytes(uint64_t n, const char* what) {
    need(n, what);
    std::string s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::vector<float> floats(uint64_t n, const char* what) {
    if (n > (data_.size() - pos_) / sizeof(float)) truncated(what);
    std::vector<float> v(n);
    std::memcpy(v.data(), data_.data() + pos_, n * sizeof(float));
    pos_ += n * sizeof(float);
    return v;
  }
  size_t pos() const { return pos_; }

 private:
  void need(uint64_t n, const char* what) {
    if (n > data_.size() - pos_) truncated(what);
  }
  [[noreturn]] void truncated(const char* what) { fail("snapshot ", path_, ": truncated (while reading ", what, ")"); }
  const std::string& path_;
  const std::string& data_;
  size_t pos_ = 0;
};

}  // namespace

uint32_t crc32(const void* data, size_t bytes, uint32_t crc) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void write_snapshot(const std::string& path, const Snapshot& s) {
  std::string out(kMagic, sizeof(kMagic));
  put<uint32_t>(out, kSnapshotVersion);
  const std::string text = s.description.dump();
  put<uint64_t>(out, text.size());
  out += text;
  put_floats(out, s.parameters);
  put<uint8_t>(out, s.optimizer ? 1 : 0);
  if (s.optimizer) {
    NF_ASSERT(s.optimizer->first_moment.size() == s.parameters.size() &&
                  s.optimizer->second_moment.size() == s.parameters.size(),
              "optimizer moments must have one value per parameter");
    put<uint64_t>(out, s.optimizer->step);
    out.append(reinterpret_cast<const char*>(s.optimizer->first_moment.data()), s.parameters.size() * 4);
    out.append(reinterpret_cast<const char*>(s.optimizer->second_moment.data()), s.parameters.size() * 4);
  }
  put<uint64_t>(out, s.attachments.size());
  for (const auto& [name, bytes] : s.attachments) {
    put<uint64_t>(out, name.size());
    out += name;
    put<uint64_t>(out, bytes.size());
    out += bytes;
  }
  put<uint32_t>(out, crc32(out.data(), out.size()));
  write_file_atomically(path, out);
}

Snapshot read_snapshot(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("snapshot ", path, ": cannot open file (", std::strerror(errno), ")");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  if (data.size() < sizeof(kMagic) || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    fail("snapshot ", path, ": not an nf snapshot (bad magic bytes)");
  Reader r(path, data);
  r.bytes(sizeof(kMagic), "magic");
  const auto version = r.get<uint32_t>("format version");
  if (version < 1 || version > kSnapshotVersion)
    fail("snapshot ", path, ": format version ", version, ", but this nf reads versions 1 to ", kSnapshotVersion);
  if (data.size() < sizeof(kMagic) + 8) fail("snapshot ", path, ": truncated");
  const uint32_t stored_crc = [&] {
    uint32_t c;
    std::memcpy(&c, data.data() + data.size() - 4, 4);
    return c;
  }();
  if (crc32(data.data(), data.size() - 4) != stored_crc)
    fail("snapshot ", path, ": corrupted (checksum mismatch) or truncated");

  Snapshot s;
  const auto json_bytes = r.get<uint64_t>("description length");
  const std::string text = r.bytes(json_bytes, "description");
  try {
    s.description = json::parse(text);
  } catch (const json::exception& e) {
    fail("snapshot ", path, ": invalid description JSON (", e.what(), ")");
  }
  const auto n = r.get<uint64_t>("parameter count");
  s.parameters = r.floats(n, "parameters");
  if (r.get<uint8_t>("optimizer flag")) {
    nn::OptimizerState o;
    o.step = r.get<uint64_t>("optimizer step");
    o.first_moment = r.floats(n, "optimizer first moment");
    o.second_moment = r.floats(n, "optimizer second moment");
    s.optimizer = std::move(o);
  }
  if (version >= 2) {
    const auto count = r.get<uint64_t>("attachment count");
    for (uint64_t a = 0; a < count; ++a) {
      const auto name = r.bytes(r.get<uint64_t>("attachment name length"), "attachment name");
      s.attachments[name] = r.bytes(r.get<uint64_t>("attachment length"), "attachment");
    }
  }
  if (r.pos() + 4 != data.size()) fail("snapshot ", path, ": unexpected trailing data");
  return s;
}

}  // namespace nf
