// Orbit camera rays; mirrors render/sphere_trace.cpp's OrbitCamera::ray() (CPU reference).
// The camera sits at distance * (cos(el) sin(az), sin(el), cos(el) cos(az)) looking at the origin, +Y up;
// pixel (px, py) (y down) through its centre, vertical field of view fov (tan_half = tan(fov / 2)).
#ifndef NF_ORBIT_CAMERA_GLSL
#define NF_ORBIT_CAMERA_GLSL

vec3 nf_camera_dir(vec3 forward, vec3 right, vec3 up, float tan_half, uint width, uint height, uint px, uint py) {
  float aspect = float(width) / float(height);
  float sx = (2.0 * (float(px) + 0.5) / float(width) - 1.0) * tan_half * aspect;
  float sy = (1.0 - 2.0 * (float(py) + 0.5) / float(height)) * tan_half;
  return normalize(forward + sx * right + sy * up);
}

#endif
