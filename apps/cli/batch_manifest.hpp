#pragma once
// `nf batch` manifests: one job per line (JSON Lines), each an `nf fit` of one input with one config and one
// seed. A job's id is derived from what determines its result (the input's bytes, the config, seed, steps and
// overrides), so planning the same work twice gives the same ids, and results stay with their job when the
// data moves: `<input stem>-<field>-s<seed>-<12 hex digits>`.
#include <string>
#include <vector>

namespace nf::cli {

struct BatchJob {
  std::string id;
  std::string input;  // absolute path: image, mesh or scene (as `nf fit` takes)
  std::string field;  // a config name, or the absolute path of a .json config
  uint32_t seed = 0;
  uint32_t steps = 0;                  // 0: the config's
  std::vector<std::string> overrides;  // --set key=JSON, in order
};

// The jobs of inputs x fields x seeds, in that order (inputs outermost). Checks everything a job needs before
// anything runs: inputs exist, configs load, overrides apply. Jobs whose inputs have the same bytes are the
// same job: the second is dropped with a warning.
std::vector<BatchJob> plan_jobs(const std::vector<std::string>& inputs,
                                const std::vector<std::string>& fields, const std::vector<uint32_t>& seeds,
                                uint32_t steps, const std::vector<std::string>& overrides);

// The id of a job from its other members (reads the input, see above).
std::string job_id(const BatchJob& job);

// JSON Lines: one object per job with keys id, input, field, seed, steps, set.
std::string manifest_text(const std::vector<BatchJob>& jobs);
// Reads a manifest; an error names the file and line (bad JSON, missing or unknown keys, repeated ids).
std::vector<BatchJob> read_manifest(const std::string& path);

// The `nf fit` arguments that run a job into `out`.
std::vector<std::string> fit_arguments(const BatchJob& job, const std::string& out);

}  // namespace nf::cli
