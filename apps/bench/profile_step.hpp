#pragma once
// One extra, profiled training step of an experiment (any with train_step(gpu::Profiler*) and report()): GPU
// milliseconds per recorded command, as JSON; empty where the device has no timestamp queries.
#include "core/config.hpp"
#include "gpu/context.hpp"
#include "gpu/profiler.hpp"

namespace nf::cli {

template <class Experiment>
json profile_step(gpu::Context& ctx, Experiment& e) {
  json kernels = json::object();
  if (!ctx.features().timestamps) return kernels;
  gpu::Profiler profiler(ctx);
  e.train_step(&profiler);
  e.report();
  for (const auto& [label, ms] : profiler.results()) kernels[label] = ms;
  return kernels;
}

}  // namespace nf::cli
