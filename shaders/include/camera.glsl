// Pinhole cameras with OpenCV radial-tangential distortion; mirrors engine/data/camera.cpp (camera_ray,
// undistort) in single precision. A camera is 7 vec4s in a storage buffer (data::GpuCameras):
//   [0] fx, fy, cx, cy   [1] k1, k2, k3, p1   [2] p2, width, height, pixel offset (uint bits)
//   [3..5] rows of the camera-to-scene matrix [R | t] (OpenGL: the camera looks along -Z, +Y up)
//   [6] unused
// Pixel (px, py) has its centre at (px + 0.5, py + 0.5); rows grow downwards.
#ifndef NF_CAMERA_GLSL
#define NF_CAMERA_GLSL

const uint NF_CAMERA_VEC4S = 7u;

vec2 nf_distort(vec4 k, float p2, vec2 p) {
  float r2 = dot(p, p);
  float radial = 1.0 + r2 * (k.x + r2 * (k.y + r2 * k.z));
  return vec2(p.x * radial + 2.0 * k.w * p.x * p.y + p2 * (r2 + 2.0 * p.x * p.x),
              p.y * radial + k.w * (r2 + 2.0 * p.y * p.y) + 2.0 * p2 * p.x * p.y);
}

// Newton's method on nf_distort (k = k1, k2, k3, p1).
vec2 nf_undistort(vec4 k, float p2, vec2 pd) {
  vec2 p = pd;
  for (int i = 0; i < 20; ++i) {
    vec2 e = nf_distort(k, p2, p) - pd;
    float r2 = dot(p, p);
    float radial = 1.0 + r2 * (k.x + r2 * (k.y + r2 * k.z));
    float dr = 2.0 * (k.x + r2 * (2.0 * k.y + 3.0 * k.z * r2));
    float a = radial + p.x * p.x * dr + 2.0 * k.w * p.y + 6.0 * p2 * p.x;
    float b = p.x * p.y * dr + 2.0 * k.w * p.x + 2.0 * p2 * p.y;
    float c = radial + p.y * p.y * dr + 6.0 * k.w * p.y + 2.0 * p2 * p.x;
    float det = a * c - b * b;
    if (abs(det) < 1e-30) break;
    vec2 s = vec2(c * e.x - b * e.y, a * e.y - b * e.x) / det;
    p -= s;
    if (dot(s, s) < 1e-14) break;
  }
  return p;
}

// Unit direction (in the scene) of the ray through image point uv (pixels) of a camera whose first vec4 is at
// cams[base]; the origin is nf_camera_origin().
#define NF_CAMERA_DIR(cams, base, uv, out_dir)                                                  \
  {                                                                                             \
    vec4 nf_i_ = cams[(base)];                                                                  \
    vec4 nf_k_ = cams[(base) + 1u];                                                             \
    float nf_p2_ = cams[(base) + 2u].x;                                                         \
    vec2 nf_p_ = ((uv) - nf_i_.zw) / nf_i_.xy;                                                  \
    if (nf_k_ != vec4(0.0) || nf_p2_ != 0.0) nf_p_ = nf_undistort(nf_k_, nf_p2_, nf_p_);        \
    vec3 nf_l_ = vec3(nf_p_.x, -nf_p_.y, -1.0);                                                 \
    out_dir = normalize(vec3(dot(cams[(base) + 3u].xyz, nf_l_), dot(cams[(base) + 4u].xyz, nf_l_), \
                             dot(cams[(base) + 5u].xyz, nf_l_)));                               \
  }

#define NF_CAMERA_ORIGIN(cams, base) vec3(cams[(base) + 3u].w, cams[(base) + 4u].w, cams[(base) + 5u].w)

// Entry and exit distances of a ray through the box [lo, hi] (t.x > t.y: a miss).
vec2 nf_ray_box(vec3 o, vec3 d, vec3 lo, vec3 hi) {
  vec3 inv = 1.0 / d;  // +-inf on axis-parallel rays
  vec3 ta = (lo - o) * inv, tb = (hi - o) * inv;
  vec3 tmin = min(ta, tb), tmax = max(ta, tb);
  // NaN (0 * inf: an origin on a slab plane of a parallel ray) counts as inside that slab.
  float t0 = max(max(isnan(tmin.x) ? -1e30 : tmin.x, isnan(tmin.y) ? -1e30 : tmin.y), isnan(tmin.z) ? -1e30 : tmin.z);
  float t1 = min(min(isnan(tmax.x) ? 1e30 : tmax.x, isnan(tmax.y) ? 1e30 : tmax.y), isnan(tmax.z) ? 1e30 : tmax.z);
  return vec2(t0, t1);
}

#endif
