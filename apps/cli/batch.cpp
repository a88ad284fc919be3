// nf batch plan | run | merge: many fits (inputs x fields x seeds) across the processes of a job array
// (Slurm, Kubernetes Indexed Jobs, or by hand with --shard I/N) over a shared folder, with no scheduler of
// nf's own.
#include <cstdio>
#include <memory>

#include "batch_manifest.hpp"
#include "batch_merge.hpp"
#include "batch_run.hpp"
#include "commands.hpp"
#include "io/atomic_file.hpp"

namespace nf::cli {
namespace {

struct PlanArgs {
  std::vector<std::string> inputs, fields, overrides;
  std::vector<uint32_t> seeds = {0};
  uint32_t steps = 0;
  std::string out;
};

void plan(const PlanArgs& a) {
  const auto jobs = plan_jobs(a.inputs, a.fields, a.seeds, a.steps, a.overrides);
  write_file_atomically(a.out, manifest_text(jobs));
  std::printf("nf batch plan: %zu jobs (%zu inputs x %zu fields x %zu seeds) -> %s\n", jobs.size(),
              a.inputs.size(), a.fields.size(), a.seeds.size(), a.out.c_str());
  std::printf(
      "run them with: nf batch run %s --out DIR [--shard I/N]  (Slurm: sbatch --array=0-(N-1) "
      "apps/deploy/slurm/nf-batch.sbatch %s DIR)\n",
      a.out.c_str(), a.out.c_str());
}

}  // namespace

void add_batch(CLI::App& app) {
  auto* batch =
      app.add_subcommand("batch",
                         "Many fits across machines: plan a manifest, run its shards (Slurm job arrays, "
                         "Kubernetes Indexed Jobs, --shard I/N), merge the results");
  batch->require_subcommand(1);

  auto p = std::make_shared<PlanArgs>();
  auto* plan_cmd = batch->add_subcommand(
      "plan", "Write a manifest: one job per input x field x seed, each with a stable id");
  plan_cmd->add_option("inputs", p->inputs, "Images, meshes or scenes (as nf fit takes)")->required();
  plan_cmd->add_option("--fields", p->fields, "Comma-separated config names or .json files")
      ->delimiter(',')
      ->required();
  plan_cmd->add_option("--seeds", p->seeds, "Comma-separated seeds (default 0)")->delimiter(',');
  plan_cmd->add_option("--steps", p->steps, "Training steps of every job (default: each config's)");
  plan_cmd->add_option("--set", p->overrides,
                       "Override a value in every config: path.to.key=JSON (repeatable)");
  plan_cmd->add_option("--out", p->out, "The manifest to write (JSON Lines)")->required();
  plan_cmd->callback([p] { plan(*p); });

  auto r = std::make_shared<BatchRunArgs>();
  auto* run_cmd = batch->add_subcommand(
      "run",
      "Run this shard's jobs of a manifest into DIR/<id>/ (skips done jobs, resumes interrupted ones)");
  run_cmd->add_option("manifest", r->manifest, "The manifest (nf batch plan)")->required();
  run_cmd->add_option("--out", r->out, "The shared results folder")->required();
  run_cmd->add_option(
      "--shard", r->shard,
      "I/N: run the jobs whose line (from 0) is I mod N; default: SLURM_ARRAY_TASK_ID of "
      "SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX of --shards (Kubernetes), else every job");
  run_cmd->add_option("--shards", r->shards,
                      "The number of shards for JOB_COMPLETION_INDEX (default: NF_SHARD_COUNT)");
  run_cmd
      ->add_option("--snapshot-every", r->snapshot_every,
                   "Each job writes a resumable snapshot every K steps")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run_cmd->add_flag("--quiet,-q", r->quiet,
                    "No progress output (the jobs' own output goes to DIR/<id>/log.txt)");
  r->gpu.add_to(*run_cmd);
  run_cmd->callback([r] { run_batch(*r); });

  auto m = std::make_shared<std::pair<std::string, bool>>();
  auto* merge_cmd = batch->add_subcommand(
      "merge",
      "Tables of every job's metrics and per field means and medians (DIR/table.md, table.csv, fields.csv)");
  merge_cmd->add_option("dir", m->first, "The results folder of nf batch run")->required();
  merge_cmd->add_flag("--quiet,-q", m->second, "Do not print the table");
  merge_cmd->callback([m] { merge_batch(m->first, m->second); });
}

}  // namespace nf::cli
