// Float atomic add on storage buffers: the native instruction (VK_EXT_shader_atomic_float), or with
// NF_PORTABLE_ATOMICS defined (the "@cas" shader variants) a compare-and-swap loop on the bit pattern that
// runs on any Vulkan device.
//
// Use: NF_ATOMIC_ADD(buffer_array, index, value) where buffer_array is a `float` array for the native
// path and a `uint` array for the portable one; declare it with NF_ATOMIC_FLOAT_TYPE.
#ifndef NF_ATOMICS_GLSL
#define NF_ATOMICS_GLSL

#ifndef NF_PORTABLE_ATOMICS
#extension GL_EXT_shader_atomic_float : require
#define NF_ATOMIC_FLOAT_TYPE float
#define NF_ATOMIC_ADD(arr, idx, val) atomicAdd(arr[idx], (val))
#define NF_ATOMIC_LOAD(arr, idx) (arr[idx])
#else
#define NF_ATOMIC_FLOAT_TYPE uint
#define NF_ATOMIC_ADD(arr, idx, val)                                           \
  {                                                                            \
    uint nf_old_ = arr[idx];                                                   \
    for (;;) {                                                                 \
      uint nf_new_ = floatBitsToUint(uintBitsToFloat(nf_old_) + (val));        \
      uint nf_seen_ = atomicCompSwap(arr[idx], nf_old_, nf_new_);              \
      if (nf_seen_ == nf_old_) break;                                          \
      nf_old_ = nf_seen_;                                                      \
    }                                                                          \
  }
#define NF_ATOMIC_LOAD(arr, idx) uintBitsToFloat(arr[idx])
#endif

#endif
