// Shared definitions for every nf compute shader.
//
// Conventions:
// - The workgroup size is specialization constant 0; declare `layout(local_size_x_id = 0) in;`.
// - Dispatches of n items use up to 65535 groups per dimension (gpu::Groups::linear); nf_item_index()
//   recovers the flat item index, which the shader must compare with n.
// - Batched activations are feature-major: value (sample i, feature d) at [d * stride + i].
#ifndef NF_COMMON_GLSL
#define NF_COMMON_GLSL

uint nf_item_index() {
  return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}

#endif
