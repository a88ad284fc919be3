#include "io/transforms.hpp"

#include <cmath>

#include "core/config.hpp"
#include "core/error.hpp"

namespace nf {
namespace {

// A number at key (absent: nullopt); `where` names the object in errors.
std::optional<double> number(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_number()) fail(where, ": '", key, "' must be a number, not ", j[key].dump());
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) fail(where, ": '", key, "' is not finite");
  return v;
}

std::optional<int> positive_int(const json& j, const char* key, const std::string& where) {
  const auto v = number(j, key, where);
  if (!v) return std::nullopt;
  if (*v < 1 || *v > 1 << 20 || *v != std::floor(*v))
    fail(where, ": '", key, "' must be a whole number of pixels in [1, 2^20], not ", j[key].dump());
  return int(*v);
}

TransformsIntrinsics read_intrinsics(const json& j, const std::string& where) {
  TransformsIntrinsics k;
  k.fl_x = number(j, "fl_x", where);
  k.fl_y = number(j, "fl_y", where);
  k.cx = number(j, "cx", where);
  k.cy = number(j, "cy", where);
  k.camera_angle_x = number(j, "camera_angle_x", where);
  k.camera_angle_y = number(j, "camera_angle_y", where);
  k.w = positive_int(j, "w", where);
  k.h = positive_int(j, "h", where);
  k.k1 = number(j, "k1", where);
  k.k2 = number(j, "k2", where);
  k.k3 = number(j, "k3", where);
  k.p1 = number(j, "p1", where);
  k.p2 = number(j, "p2", where);
  for (const auto& [name, v] : {std::pair{"fl_x", k.fl_x}, {"fl_y", k.fl_y}})
    if (v && *v <= 0) fail(where, ": '", name, "' must be positive, not ", *v);
  for (const auto& [name, v] : {std::pair{"camera_angle_x", k.camera_angle_x}, {"camera_angle_y", k.camera_angle_y}})
    if (v && !(*v > 0 && *v < M_PI)) fail(where, ": '", name, "' must be a field of view in (0, pi) radians, not ", *v);
  if (j.contains("camera_model")) {
    if (!j["camera_model"].is_string()) fail(where, ": 'camera_model' must be a string");
    const auto model = j["camera_model"].get<std::string>();
    for (const char* known : {"OPENCV", "SIMPLE_PINHOLE", "PINHOLE", "SIMPLE_RADIAL", "RADIAL"})
      if (model == known) return k;
    fail(where, ": camera_model \"", model,
         "\" is not supported (pinhole with OpenCV radial-tangential distortion: OPENCV, PINHOLE, SIMPLE_PINHOLE, "
         "SIMPLE_RADIAL, RADIAL)");
  }
  if (j.value("is_fisheye", false)) fail(where, ": fisheye cameras are not supported");
  return k;
}

std::array<double, 16> read_matrix(const json& j, const std::string& where) {
  if (!j.contains("transform_matrix")) fail(where, ": no 'transform_matrix'");
  const json& m = j["transform_matrix"];
  std::array<double, 16> out{};
  if (!m.is_array() || m.size() != 4) fail(where, ": 'transform_matrix' is not a 4x4 matrix");
  for (int r = 0; r < 4; ++r) {
    if (!m[r].is_array() || m[r].size() != 4) fail(where, ": 'transform_matrix' is not a 4x4 matrix (row ", r, ")");
    for (int c = 0; c < 4; ++c) {
      if (!m[r][c].is_number()) fail(where, ": 'transform_matrix' holds a non-number at row ", r, ", column ", c);
      out[size_t(4 * r + c)] = m[r][c].get<double>();
      if (!std::isfinite(out[size_t(4 * r + c)])) fail(where, ": 'transform_matrix' holds a non-finite value");
    }
  }
  // Rigid: orthonormal rotation with determinant +1, last row 0 0 0 1.
  auto at = [&](int r, int c) { return out[size_t(4 * r + c)]; };
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double d = 0;
      for (int r = 0; r < 3; ++r) d += at(r, a) * at(r, b);
      if (std::abs(d - (a == b ? 1.0 : 0.0)) > 1e-3)
        fail(where, ": 'transform_matrix' is not a rigid transform (its rotation columns ", a, " and ", b,
             " have dot product ", d, ")");
    }
  const double det = at(0, 0) * (at(1, 1) * at(2, 2) - at(1, 2) * at(2, 1)) -
                     at(0, 1) * (at(1, 0) * at(2, 2) - at(1, 2) * at(2, 0)) +
                     at(0, 2) * (at(1, 0) * at(2, 1) - at(1, 1) * at(2, 0));
  if (det < 0) fail(where, ": 'transform_matrix' is a reflection (determinant ", det, "), not a rigid transform");
  if (std::abs(at(3, 0)) > 1e-6 || std::abs(at(3, 1)) > 1e-6 || std::abs(at(3, 2)) > 1e-6 || std::abs(at(3, 3) - 1) > 1e-6)
    fail(where, ": 'transform_matrix' has last row ", at(3, 0), " ", at(3, 1), " ", at(3, 2), " ", at(3, 3),
         " (a rigid transform has 0 0 0 1)");
  return out;
}

}  // namespace

TransformsIntrinsics TransformsIntrinsics::overridden_by(const TransformsIntrinsics& f) const {
  TransformsIntrinsics k = *this;
  auto take = [](auto& mine, const auto& theirs) {
    if (theirs) mine = theirs;
  };
  take(k.fl_x, f.fl_x), take(k.fl_y, f.fl_y), take(k.cx, f.cx), take(k.cy, f.cy);
  take(k.camera_angle_x, f.camera_angle_x), take(k.camera_angle_y, f.camera_angle_y);
  take(k.w, f.w), take(k.h, f.h);
  take(k.k1, f.k1), take(k.k2, f.k2), take(k.k3, f.k3), take(k.p1, f.p1), take(k.p2, f.p2);
  return k;
}

LensDistortion TransformsIntrinsics::distortion() const {
  return {k1.value_or(0), k2.value_or(0), k3.value_or(0), p1.value_or(0), p2.value_or(0)};
}

TransformsFile read_transforms(const std::string& path) {
  const json j = read_json_file(path);
  const std::string where = "transforms " + path;
  if (!j.is_object()) fail(where, ": not a JSON object");
  TransformsFile t;
  t.path = path;
  if (const auto a = number(j, "aabb_scale", where)) {
    if (*a < 1 || *a > 128 || std::exp2(std::round(std::log2(*a))) != *a)
      fail(where, ": 'aabb_scale' must be a power of two from 1 to 128, not ", *a);
    t.aabb_scale = *a;
  }
  if (const auto s = number(j, "scale", where)) {
    if (*s <= 0) fail(where, ": 'scale' must be positive, not ", *s);
    t.scale = *s;
  }
  if (j.contains("offset")) {
    const json& o = j["offset"];
    if (o.is_number()) t.offset = {o.get<double>(), o.get<double>(), o.get<double>()};
    else if (o.is_array() && o.size() == 3 && o[0].is_number() && o[1].is_number() && o[2].is_number())
      t.offset = {o[0].get<double>(), o[1].get<double>(), o[2].get<double>()};
    else fail(where, ": 'offset' must be a number or 3 numbers, not ", o.dump());
  }
  const TransformsIntrinsics global = read_intrinsics(j, where);
  if (!j.contains("frames") || !j["frames"].is_array()) fail(where, ": no 'frames' list");
  if (j["frames"].empty()) fail(where, ": 'frames' is empty");
  size_t index = 0;
  for (const json& f : j["frames"]) {
    const std::string frame_where = cat(where, ": frame ", index++);
    if (!f.is_object()) fail(frame_where, ": not a JSON object");
    if (!f.contains("file_path") || !f["file_path"].is_string()) fail(frame_where, ": no 'file_path'");
    TransformsFrame frame;
    frame.file_path = f["file_path"].get<std::string>();
    frame.where = cat(frame_where, " (", frame.file_path, ")");
    frame.matrix = read_matrix(f, frame.where);
    frame.intrinsics = global.overridden_by(read_intrinsics(f, frame.where));
    t.frames.push_back(std::move(frame));
  }
  return t;
}

}  // namespace nf
