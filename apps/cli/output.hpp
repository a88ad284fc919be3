#pragma once
// Output handling shared by the subcommands: the output folder, progress lines, JSON files.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/config.hpp"
#include "pipeline/image_fit.hpp"

namespace nf::cli {

// Creates `dir` when missing. If the command then fails before commit(), a folder it created is removed
// again (only when still empty), so a failed command leaves nothing behind.
class OutputDir {
 public:
  explicit OutputDir(std::string dir);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  std::string path(const std::string& file) const;
  void commit() { committed_ = true; }

 private:
  std::string dir_;
  bool created_ = false;
  bool committed_ = false;
};

// Says that slow work is under way, for work that is slow only on a first run (pipelines that drivers compile
// on creation and cache on disk). On a terminal: `live` once `after_seconds` have passed, replaced by `done`
// and the time taken when the scope ends (erased if it ends by an exception, so an error stays one line).
// Elsewhere (logs): `done` and the time, after the fact, when it took longer than after_seconds. Silent
// when disabled.
class SlowNotice {
 public:
  SlowNotice(std::string live, std::string done, bool enabled, double after_seconds = 2.0);
  ~SlowNotice();
  SlowNotice(const SlowNotice&) = delete;
  SlowNotice& operator=(const SlowNotice&) = delete;

 private:
  std::string done_message_;
  double after_;
  bool enabled_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false, said_ = false;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
};

// Notices for creating an experiment's GPU programs.
inline constexpr const char* kCompilingKernels = "compiling GPU kernels (first run only: the driver caches them) ...";
inline constexpr const char* kCompiledKernels = "compiled GPU kernels (first run only: the driver caches them)";

// Prints one progress line (to stderr; rewritten in place on a terminal).
void print_progress(const pipeline::FitProgress& p);

// Reads an image, or its centred size x size crop when size > 0 (an error names the file if it is smaller).
Image read_centre_crop(const std::string& path, uint32_t size);

// Writes JSON (pretty) atomically.
void write_json(const std::string& path, const json& value);

// "1m23s"-style duration.
std::string format_duration(double seconds);

}  // namespace nf::cli
