#pragma once
// The radiance mode's camera, in scene coordinates (data/camera.hpp): it looks from its eye at a pivot, at
// yaw and pitch about the up direction the dataset's cameras share (pipeline::SceneFrame), with a vertical
// field of view. Orbiting turns the eye about the pivot; flying moves eye and pivot together and looking
// turns the view about the eye. Gestures take framebuffer pixels.
#include "data/camera.hpp"
#include "pipeline/radiance_views.hpp"

namespace nf::viewer {

struct SceneCamera {
  Vec3 pivot;
  double yaw = 0, pitch = 0;                   // radians; pitch within +-kMaxPitch
  double distance = 1;                         // eye to pivot, scene units
  double fov_deg = 50;                         // vertical
  Vec3 up{0, 0, 1}, e1{1, 0, 0}, e2{0, 1, 0};  // the frame: up and two axes normal to it

  static constexpr double kMaxPitch = 1.5;  // about 86 degrees
  static constexpr double kRadiansPerPixel = 0.005;

  // Looking at the frame's centre from its radius and elevation (yaw 0).
  static SceneCamera around(const pipeline::SceneFrame& frame);
  // The camera of a dataset view (its eye and direction; the pivot where its axis passes the frame's centre
  // closest, at least 0.1 away): snapping to it.
  static SceneCamera from(const data::Camera& camera, const pipeline::SceneFrame& frame);

  Vec3 forward() const;  // unit, eye -> pivot
  Vec3 eye() const { return pivot - forward() * distance; }

  void orbit(double dx, double dy);
  void pan(double dx, double dy, double view_height_px);
  void zoom(double wheel_steps);                      // positive: closer
  void look(double dx, double dy);                    // turns the view about the eye
  void fly(double right, double up, double forward);  // scene units along the view's axes

  // The pinhole camera for a width x height image.
  data::Camera camera(int width, int height) const;
};

}  // namespace nf::viewer
