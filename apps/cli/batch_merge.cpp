#include "batch_merge.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "batch_manifest.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "table.hpp"

namespace nf::cli {
namespace {

namespace fs = std::filesystem;

struct JobResult {
  const BatchJob* job;
  std::string status;  // done, failed, running, interrupted, missing
  std::string note;    // a failed job's error
  std::optional<json> metrics;
};

// Whether a process holds the job's lock now.
bool locked(const fs::path& lock_path) {
  const int fd = open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = flock(fd, LOCK_SH | LOCK_NB) == 0;
  const int e = errno;
  close(fd);
  if (!ok && e != EWOULDBLOCK)
    fail(lock_path.string(), ": cannot lock it (", std::strerror(e),
         "): the results folder needs flock support");
  return !ok;
}

JobResult inspect(const fs::path& dir, const BatchJob& job) {
  JobResult r{&job, "missing", "", std::nullopt};
  if (!fs::exists(dir)) return r;
  if (fs::exists(dir / "done.json") && fs::exists(dir / "metrics.json")) {
    r.status = "done";
    r.metrics = read_json_file((dir / "metrics.json").string());
  } else if (locked(dir / ".lock")) {
    r.status = "running";
  } else if (fs::exists(dir / "failed.json")) {
    const json f = read_json_file((dir / "failed.json").string());
    r.status = "failed";
    r.note = "exit " + std::to_string(f.value("exit_code", -1)) + ": " + f.value("error", std::string());
  } else if (fs::exists(dir / "run.json")) {
    r.status = "interrupted";
  }
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

std::string number(const std::optional<json>& m, const char* key, int digits) {
  // A value may be null (a mesh fit without --export-mesh has no Chamfer distance).
  return m && m->contains(key) && (*m)[key].is_number() ? fixed((*m)[key].get<double>(), digits) : "";
}

}  // namespace

void merge_batch(const std::string& dir, bool quiet) {
  const std::string manifest = (fs::path(dir) / "manifest.jsonl").string();
  if (!fs::exists(manifest)) fail(dir, ": no manifest.jsonl (not a folder `nf batch run` wrote)");
  const auto jobs = read_manifest(manifest);
  std::vector<JobResult> results;
  for (const auto& j : jobs) results.push_back(inspect(fs::path(dir) / j.id, j));
  bool psnr = false, iou = false;
  for (const auto& r : results)
    if (r.metrics) (r.metrics->contains("iou") ? iou : psnr) = true;

  Table table{{{"job", "id"}, {"input", "input"}, {"field", "field"}, {"seed", "seed"}, {"status", "status"}},
              {}};
  if (psnr) table.columns.insert(table.columns.end(), {{"PSNR (dB)", "psnr"}, {"SSIM", "ssim"}});
  if (iou) table.columns.insert(table.columns.end(), {{"IoU", "iou"}, {"Chamfer", "chamfer"}});
  table.columns.insert(table.columns.end(),
                       {{"params", "params"}, {"steps", "steps"}, {"train (s)", "train_seconds"}});
  struct FieldStats {
    size_t jobs = 0;
    std::vector<double> psnr, iou, seconds;
  };
  std::map<std::string, FieldStats> per_field;
  std::vector<std::string> order;
  std::vector<std::string> not_done;
  for (const auto& r : results) {
    const auto& m = r.metrics;
    std::vector<std::string> row = {r.job->id, fs::path(r.job->input).filename().string(), r.job->field,
                                    std::to_string(r.job->seed), r.status};
    if (psnr) row.insert(row.end(), {number(m, "psnr", 2), number(m, "ssim", 4)});
    if (iou) row.insert(row.end(), {number(m, "iou", 4), number(m, "chamfer", 5)});
    row.insert(row.end(),
               {m ? std::to_string((*m)["params"].get<uint64_t>()) : "",
                m ? std::to_string((*m)["steps"].get<uint64_t>()) : "", number(m, "train_seconds", 1)});
    table.add(row);
    if (!per_field.count(r.job->field)) order.push_back(r.job->field);
    FieldStats& f = per_field[r.job->field];
    ++f.jobs;
    if (m) {
      if (m->contains("psnr") && (*m)["psnr"].is_number()) f.psnr.push_back((*m)["psnr"].get<double>());
      if (m->contains("iou") && (*m)["iou"].is_number()) f.iou.push_back((*m)["iou"].get<double>());
      f.seconds.push_back((*m)["train_seconds"].get<double>());
    } else {
      not_done.push_back(r.job->id + " " + r.status + (r.note.empty() ? "" : " (" + r.note + ")"));
    }
  }

  Table fields{{{"field", "field"}, {"jobs", "jobs"}, {"done", "done"}}, {}};
  if (psnr)
    fields.columns.insert(fields.columns.end(),
                          {{"mean PSNR (dB)", "mean_psnr"}, {"median PSNR (dB)", "median_psnr"}});
  if (iou)
    fields.columns.insert(fields.columns.end(), {{"mean IoU", "mean_iou"}, {"median IoU", "median_iou"}});
  fields.columns.push_back({"mean train (s)", "mean_train_seconds"});
  for (const auto& name : order) {
    const FieldStats& f = per_field[name];
    std::vector<std::string> row = {name, std::to_string(f.jobs), std::to_string(f.seconds.size())};
    if (psnr)
      row.insert(row.end(), {f.psnr.empty() ? "" : fixed(mean(f.psnr), 2),
                             f.psnr.empty() ? "" : fixed(median(f.psnr), 2)});
    if (iou)
      row.insert(row.end(),
                 {f.iou.empty() ? "" : fixed(mean(f.iou), 4), f.iou.empty() ? "" : fixed(median(f.iou), 4)});
    row.push_back(f.seconds.empty() ? "" : fixed(mean(f.seconds), 1));
    fields.add(row);
  }

  std::string md = table.markdown() + "\n" + fields.markdown();
  if (!not_done.empty()) {
    md += "\nNot done (" + std::to_string(not_done.size()) + " of " + std::to_string(jobs.size()) + "):\n";
    for (const auto& n : not_done) md += "- " + n + "\n";
  }
  write_file_atomically((fs::path(dir) / "table.md").string(), md);
  write_file_atomically((fs::path(dir) / "table.csv").string(), table.csv());
  write_file_atomically((fs::path(dir) / "fields.csv").string(), fields.csv());
  if (!quiet) std::printf("%s", md.c_str());
  if (!not_done.empty())
    fail("nf batch merge: ", not_done.size(), " of ", jobs.size(), " jobs are not done (listed in ", dir,
         "/table.md); run `nf batch run` again to complete them");
}

}  // namespace nf::cli
