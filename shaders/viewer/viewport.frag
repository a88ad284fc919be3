#version 450
// The viewer's image viewport: shows planes of RGBA8 texels (width x height each, packed one after the other
// in one storage buffer) with zoom and pan, nearest-neighbour. Fragments left of split_x show left_plane,
// the others right_plane (the same plane when not split); a 2-pixel line marks a split inside the viewport.
layout(set = 0, binding = 0) readonly buffer Planes { uint texels[]; };

layout(push_constant) uniform Push {
  vec2 origin;   // viewport's top-left corner, framebuffer pixels
  vec2 size;     // viewport's size, framebuffer pixels
  vec2 offset;   // image position (pixels) shown at the viewport's top-left corner
  float scale;   // image pixels per framebuffer pixel (1 / zoom)
  uint width;
  uint height;
  uint left_plane;
  uint right_plane;
  float split_x;  // framebuffer x of the split
  vec4 background;
} pc;

layout(location = 0) out vec4 color;

void main() {
  const vec2 p = gl_FragCoord.xy - pc.origin;
  const vec2 img = pc.offset + p * pc.scale;
  if (pc.left_plane != pc.right_plane && abs(gl_FragCoord.x - pc.split_x) < 1.0) {
    color = vec4(1.0);
    return;
  }
  if (img.x < 0.0 || img.y < 0.0 || img.x >= float(pc.width) || img.y >= float(pc.height)) {
    color = pc.background;
    return;
  }
  const uint plane = gl_FragCoord.x < pc.split_x ? pc.left_plane : pc.right_plane;
  const uvec2 q = min(uvec2(img), uvec2(pc.width - 1, pc.height - 1));
  color = vec4(unpackUnorm4x8(texels[(plane * pc.height + q.y) * pc.width + q.x]).rgb, 1.0);
}
