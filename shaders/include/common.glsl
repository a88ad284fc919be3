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

// Four consecutive samples [i0, i0 + 4) of row `row` of a feature-major buffer (0 beyond n), and the
// matching store (samples beyond n untouched). Kernels that take four samples per invocation use these.
#define NF_LOAD4(buf, row, stride, i0, n)                                  \
  vec4((i0) < (n) ? buf[(row) * (stride) + (i0)] : 0.0,                    \
       (i0) + 1u < (n) ? buf[(row) * (stride) + (i0) + 1u] : 0.0,          \
       (i0) + 2u < (n) ? buf[(row) * (stride) + (i0) + 2u] : 0.0,          \
       (i0) + 3u < (n) ? buf[(row) * (stride) + (i0) + 3u] : 0.0)

#define NF_STORE4(buf, row, stride, i0, n, v)                                    \
  {                                                                              \
    for (uint nf_s_ = 0u; nf_s_ < 4u; ++nf_s_)                                   \
      if ((i0) + nf_s_ < (n)) buf[(row) * (stride) + (i0) + nf_s_] = (v)[nf_s_]; \
  }

// Rows of a feature-major buffer declared as vec4[] (its stride a multiple of 4, so a row's samples up to
// the next multiple of 4 are in bounds): one 16-byte load or store instead of four bounds-checked scalar
// ones (each a per-lane loop on CPU devices). nf_mask4 zeroes samples at or beyond n, which may hold
// anything (NaN included).
#define NF_ROW4(buf4, row, stride, i0) buf4[((row) * (stride) + (i0)) >> 2u]

// The same rows read through a uniform texel buffer (gpu::BindingKind::Texel: `uniform textureBuffer`,
// RGBA32F, texel r = vec4 r; the shader enables GL_EXT_samplerless_texture_functions). For read-only
// rows: on lavapipe a texel fetch is one branch-free gather, a storage-buffer load a loop over the
// subgroup's invocations (the MLP's weight gradients ran 2.3x faster; apps/bench/README.md).
#define NF_TEXEL4(tex, row, stride, i0) texelFetch(tex, int(((row) * (stride) + (i0)) >> 2u))

// Masked store of a row's samples [i0, i0 + 4) (those beyond n untouched) into a vec4[] buffer: one vec4
// store for a whole quad, scalar stores for the last, partial one.
#define NF_STORE_ROW4(buf4, row, stride, i0, n, v)                                   \
  {                                                                                  \
    uint nf_r_ = ((row) * (stride) + (i0)) >> 2u;                                    \
    if ((i0) + 4u <= (n)) {                                                          \
      buf4[nf_r_] = (v);                                                             \
    } else {                                                                         \
      for (uint nf_s_ = 0u; nf_s_ < 4u; ++nf_s_)                                     \
        if ((i0) + nf_s_ < (n)) buf4[nf_r_][nf_s_] = (v)[nf_s_];                     \
    }                                                                                \
  }

vec4 nf_mask4(vec4 v, uint i0, uint n) {
  return i0 + 4u <= n ? v : mix(vec4(0.0), v, lessThan(uvec4(i0) + uvec4(0u, 1u, 2u, 3u), uvec4(n)));
}

#endif
