#pragma once
// `nf batch run MANIFEST --out DIR`: runs one shard's share of a manifest's jobs, each as an `nf fit` child
// process writing DIR/<id>/. The contract, per job folder:
//   .lock       held (flock) by the process running the job, and by its `nf fit` child: two shards that reach
//               the same job over a shared folder never run it together (the second skips it as busy);
//   attempts    how many times a run of the job was started;
//   log.txt     every attempt's output, appended;
//   done.json   written (atomically) once the job succeeded: a rerun skips it;
//   failed.json the last attempt's exit code and error: a rerun tries the job again;
//   the fit's outputs (snapshot.nf every --snapshot-every steps, run.json, metrics.json, ...): a job that was
//   interrupted (SIGTERM, a killed node) resumes from its last snapshot (`nf fit --resume`).
// DIR/manifest.jsonl keeps the manifest the folder belongs to (`nf batch merge` reads it).
#include <string>

#include "gpu_options.hpp"

namespace nf::cli {

struct BatchRunArgs {
  std::string manifest;
  std::string out;
  std::string shard;    // "I/N"; empty: from the scheduler's environment, else 0/1 (every job)
  uint32_t shards = 0;  // the count for JOB_COMPLETION_INDEX (Kubernetes); 0: NF_SHARD_COUNT
  uint32_t snapshot_every = 200;
  bool quiet = false;
  GpuOptions gpu;
};

// Which share of the jobs this process runs: the jobs whose manifest line number (from 0) is index mod count.
struct Shard {
  uint32_t index = 0, count = 1;
  std::string source;  // how it was found, for messages ("--shard", "SLURM_ARRAY_TASK_ID", ...)
};

// From --shard, else Slurm's SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) of SLURM_ARRAY_TASK_COUNT, else
// Kubernetes' JOB_COMPLETION_INDEX of `shards` (or NF_SHARD_COUNT); else 0 of 1. Errors name the variable.
Shard resolve_shard(const std::string& shard, uint32_t shards);

void run_batch(const BatchRunArgs& args);

}  // namespace nf::cli
