#include "batch_run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "batch_manifest.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "fit_run.hpp"
#include "io/atomic_file.hpp"
#include "output.hpp"

namespace nf::cli {
namespace {

namespace fs = std::filesystem;

volatile sig_atomic_t g_signal = 0;
volatile sig_atomic_t g_child = 0;

// Stops the batch after the job in flight: the signal goes on to the `nf fit` child (Kubernetes signals only
// a container's first process), which finishes its step and writes a snapshot.
void on_signal(int sig) {
  g_signal = sig;
  if (g_child > 0) kill(pid_t(g_child), sig);
}

uint32_t parse_count(const std::string& text, const std::string& what) {
  try {
    size_t used = 0;
    const unsigned long v = std::stoul(text, &used);
    if (used != text.size() || text.empty() || text[0] == '-' || v > 0xffffffffu)
      throw std::invalid_argument(text);
    return uint32_t(v);
  } catch (const std::exception&) {
    fail(what, ": '", text, "' is not a whole number");
  }
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The line of a job's log that says why it failed: its last "nf: error" line, else its last line.
std::string failure_line(const std::string& log_path, std::streamoff from) {
  std::ifstream in(log_path, std::ios::binary);
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string last, error;
  std::string line;
  for (char c : text + "\n") {
    if (c != '\n' && c != '\r') {
      line += c;
      continue;
    }
    if (line.find_first_not_of(' ') != std::string::npos) {
      last = line;
      if (line.rfind("nf: error: ", 0) == 0) error = line.substr(11);
      if (line.rfind("nf: internal error: ", 0) == 0) error = line.substr(4);
    }
    line.clear();
  }
  return error.empty() ? last : error;
}

// Holds DIR/<id>/.lock (flock) for the lifetime of the object; the fd is inherited by the job's child, so the
// lock outlives this process while the child still writes (its parent-death signal lets it finish a step).
class JobLock {
 public:
  explicit JobLock(const std::string& path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd_ < 0) fail(path, ": cannot create the job's lock file");
    // A probe of `nf batch merge` holds the lock for an instant: a job is busy only if it stays locked.
    for (int attempt = 0; attempt < 10; ++attempt) {
      if (flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
      const int e = errno;
      if (e != EWOULDBLOCK) {
        close(fd_);
        fd_ = -1;
        fail(
            path, ": cannot lock it (", std::strerror(e),
            "): the results folder needs flock support (NFS with its lock service, Lustre mounted -o flock)");
      }
      usleep(100000);
    }
    close(fd_);
    fd_ = -1;
  }
  ~JobLock() {
    if (fd_ >= 0) close(fd_);
  }
  JobLock(const JobLock&) = delete;
  JobLock& operator=(const JobLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct ChildResult {
  int exit_code = 0;  // when it exited
  int killed_by = 0;  // the signal that ended it, if one did
};

// Runs this program with `args`, its output appended to log_path; NF_BATCH_JOB=1 tells `nf fit` that every
// SIGINT / SIGTERM (the same request may arrive from the scheduler and from this process) only asks it to
// stop.
ChildResult run_child(const std::vector<std::string>& args, const std::string& log_path) {
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) fail(log_path, ": cannot open the job's log");
  std::vector<char*> argv;
  static char self[] = "nf";
  argv.push_back(self);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  // A stop signal arriving while the child starts is held until g_child names it, then passed on.
  sigset_t stops, old;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  sigprocmask(SIG_BLOCK, &stops, &old);
  const pid_t pid = fork();
  if (pid < 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    close(log_fd);
    fail("nf batch run: cannot start a process (fork failed)");
  }
  if (pid == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // this process killed: the fit stops after its step, with a snapshot
    if (getppid() != parent) _exit(128 + SIGTERM);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    setenv("NF_BATCH_JOB", "1", 1);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(log_fd);
  g_child = pid;
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (g_signal) kill(pid, g_signal);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_child = 0;
  ChildResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.killed_by = WTERMSIG(status);
  return r;
}

// Removes what a killed writer left: temporary files of atomic writes (".tmp-<pid>").
void remove_temporaries(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) fs::remove(e.path());
}

// Empties a job folder for a fresh start, keeping its lock, attempt count and log.
void reset_job_folder(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n != ".lock" && n != "attempts" && n != "log.txt") fs::remove_all(e.path());
  }
}

uint32_t next_attempt(const fs::path& dir) {
  const fs::path p = dir / "attempts";
  uint32_t n = 0;
  if (fs::exists(p)) {
    const std::string t = read_text(p.string());
    n = parse_count(t.substr(0, t.find_last_not_of("\n ") + 1), p.string());
  }
  write_file_atomically(p.string(), std::to_string(n + 1) + "\n");
  return n + 1;
}

std::string host_name() {
  char b[256] = {};
  gethostname(b, sizeof b - 1);
  return b;
}

// "psnr 31.20 dB" / "IoU 0.981" from a finished job's metrics.
std::string result_summary(const fs::path& dir) {
  const json m = read_json_file((dir / "metrics.json").string());
  char b[96];
  // A value may be null (a mesh fit without --export-mesh has no Chamfer distance).
  const auto number = [&](const char* key) {
    return m.contains(key) && m[key].is_number() ? m[key].get<double>() : std::nan("");
  };
  if (m.contains("iou"))
    std::snprintf(b, sizeof b, "IoU %.4f", number("iou"));
  else
    std::snprintf(b, sizeof b, "PSNR %.2f dB, SSIM %.4f", number("psnr"), number("ssim"));
  return b;
}

// Records the folder's manifest, or checks that it is this one (a folder holds one manifest's results).
void claim_folder(const std::string& out, const std::string& manifest_path,
                  const std::vector<BatchJob>& jobs) {
  const std::string mine = (fs::path(out) / "manifest.jsonl").string();
  const std::string text = manifest_text(jobs);
  if (!fs::exists(mine)) {
    write_file_atomically(mine, text);
    return;
  }
  const auto theirs = read_manifest(mine);
  bool same = theirs.size() == jobs.size();
  for (size_t i = 0; same && i < jobs.size(); ++i) same = theirs[i].id == jobs[i].id;
  if (!same)
    fail("nf batch run: ", out, " holds the results of another manifest (", mine, " differs from ",
         manifest_path, "): give another --out");
}

}  // namespace

Shard resolve_shard(const std::string& shard, uint32_t shards) {
  Shard s;
  if (!shard.empty()) {
    const auto slash = shard.find('/');
    if (slash == std::string::npos) fail("--shard ", shard, ": expected I/N (e.g. 0/4)");
    s = {parse_count(shard.substr(0, slash), "--shard " + shard),
         parse_count(shard.substr(slash + 1), "--shard " + shard), "--shard"};
  } else if (!env("SLURM_ARRAY_TASK_ID").empty()) {
    const uint32_t id = parse_count(env("SLURM_ARRAY_TASK_ID"), "SLURM_ARRAY_TASK_ID");
    const std::string min_text = env("SLURM_ARRAY_TASK_MIN");
    const uint32_t min = min_text.empty() ? 0 : parse_count(min_text, "SLURM_ARRAY_TASK_MIN");
    if (env("SLURM_ARRAY_TASK_COUNT").empty())
      fail("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give --shard I/N");
    if (id < min) fail("SLURM_ARRAY_TASK_ID ", id, " is below SLURM_ARRAY_TASK_MIN ", min);
    s = {id - min, parse_count(env("SLURM_ARRAY_TASK_COUNT"), "SLURM_ARRAY_TASK_COUNT"),
         "SLURM_ARRAY_TASK_ID"};
    if (s.index >= s.count)
      fail("SLURM_ARRAY_TASK_ID ", id, " (less SLURM_ARRAY_TASK_MIN ", min,
           ") is not below SLURM_ARRAY_TASK_COUNT ", s.count, ": submit the array as --array=0-", s.count - 1,
           " (no step)");
  } else if (!env("JOB_COMPLETION_INDEX").empty()) {
    const uint32_t count = shards ? shards
                           : env("NF_SHARD_COUNT").empty()
                               ? 0
                               : parse_count(env("NF_SHARD_COUNT"), "NF_SHARD_COUNT");
    if (!count)
      fail(
          "JOB_COMPLETION_INDEX is set but not the number of shards: give --shards N or NF_SHARD_COUNT (the "
          "Job's "
          "completions)");
    s = {parse_count(env("JOB_COMPLETION_INDEX"), "JOB_COMPLETION_INDEX"), count, "JOB_COMPLETION_INDEX"};
  } else {
    s.source = "no scheduler: every job";
  }
  if (s.count == 0) fail(s.source, ": the number of shards must be at least 1");
  if (s.index >= s.count)
    fail(s.source, ": shard ", s.index, " of ", s.count, " (index from 0, below the count)");
  return s;
}

void run_batch(const BatchRunArgs& a) {
  const auto jobs = read_manifest(a.manifest);
  const Shard shard = resolve_shard(a.shard, a.shards);
  std::vector<size_t> mine;
  for (size_t i = shard.index; i < jobs.size(); i += shard.count) mine.push_back(i);
  OutputDir out(a.out);
  claim_folder(a.out, a.manifest, jobs);
  out.commit();

  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  g_signal = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  struct Restore {
    struct sigaction i, t;
    ~Restore() {
      sigaction(SIGINT, &i, nullptr);
      sigaction(SIGTERM, &t, nullptr);
    }
  } restore{old_int, old_term};

  const auto say = [&](const char* fmt, auto... values) {
    if (a.quiet) return;
    std::fprintf(stderr, "nf batch: ");
    std::fprintf(stderr, fmt, values...);
    std::fprintf(stderr, "\n");
  };
  say("shard %u of %u (%s): %zu of the %zu jobs in %s -> %s", shard.index, shard.count, shard.source.c_str(),
      mine.size(), jobs.size(), a.manifest.c_str(), a.out.c_str());

  using Clock = std::chrono::steady_clock;
  size_t done_now = 0, done_before = 0, busy = 0, run_count = 0;
  double run_seconds = 0;
  std::vector<std::string> failures;
  for (size_t k = 0; k < mine.size() && !g_signal; ++k) {
    const BatchJob& job = jobs[mine[k]];
    const fs::path dir = fs::path(a.out) / job.id;
    fs::create_directories(dir);
    JobLock lock((dir / ".lock").string());
    const std::string tag = "[" + std::to_string(k + 1) + "/" + std::to_string(mine.size()) + "] " + job.id;
    if (!lock.held()) {
      ++busy;
      say("%s: running in another process, skipped", tag.c_str());
      continue;
    }
    if (fs::exists(dir / "done.json")) {
      ++done_before;
      say("%s: done earlier", tag.c_str());
      continue;
    }
    remove_temporaries(dir);
    fs::remove(dir / "failed.json");
    const bool resume = fs::exists(dir / "run.json") && fs::exists(dir / "snapshot.nf");
    if (!resume) reset_job_folder(dir);
    std::vector<std::string> args =
        resume ? std::vector<std::string>{"fit", "--resume", dir.string()} : fit_arguments(job, dir.string());
    args.insert(args.end(), {"--snapshot-every", std::to_string(a.snapshot_every)});
    if (a.gpu.device >= 0) args.insert(args.end(), {"--device", std::to_string(a.gpu.device)});
    if (a.gpu.validation) args.push_back("--validation");
    if (g_signal) break;  // a stop request while this job was being prepared
    const uint32_t attempt = next_attempt(dir);
    const std::string log_path = (dir / "log.txt").string();
    const std::streamoff log_start = fs::exists(log_path) ? std::streamoff(fs::file_size(log_path)) : 0;
    say("%s: %s (%s, seed %u), attempt %u", tag.c_str(), resume ? "resuming from its snapshot" : "started",
        job.field.c_str(), job.seed, attempt);
    const auto start = Clock::now();
    const ChildResult r = run_child(args, log_path);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    json record = {{"id", job.id},
                   {"attempts", attempt},
                   {"seconds", seconds},
                   {"host", host_name()},
                   {"shard", std::to_string(shard.index) + "/" + std::to_string(shard.count)}};
    if (r.killed_by == 0 && r.exit_code == 0 && fs::exists(dir / "metrics.json")) {
      record["exit_code"] = 0;
      write_json((dir / "done.json").string(), record);
      ++done_now;
      ++run_count;
      run_seconds += seconds;
      const size_t left = mine.size() - k - 1;
      say("%s: done in %s: %s%s", tag.c_str(), format_duration(seconds).c_str(), result_summary(dir).c_str(),
          left ? (", shard ETA " + format_duration(run_seconds / run_count * double(left))).c_str() : "");
      continue;
    }
    const bool interrupted =
        g_signal && (r.exit_code == 128 + SIGINT || r.exit_code == 128 + SIGTERM || r.killed_by);
    if (interrupted) {
      say("%s: interrupted after %s; a rerun resumes it from its snapshot", tag.c_str(),
          format_duration(seconds).c_str());
      break;
    }
    record["exit_code"] = r.killed_by ? 128 + r.killed_by : r.exit_code;
    if (r.killed_by) record["signal"] = r.killed_by;
    record["error"] = r.killed_by        ? "killed by signal " + std::to_string(r.killed_by)
                      : r.exit_code == 0 ? std::string("exited without metrics.json")
                                         : failure_line(log_path, log_start);
    write_json((dir / "failed.json").string(), record);
    failures.push_back(job.id + " (exit " + std::to_string(record["exit_code"].get<int>()) + ": " +
                       record["error"].get<std::string>() + ")");
    say("%s: failed (exit %d): %s; its log: %s", tag.c_str(), record["exit_code"].get<int>(),
        record["error"].get<std::string>().c_str(), log_path.c_str());
  }
  if (g_signal) {
    say("stopped by %s; the same command goes on where this stopped",
        g_signal == SIGINT ? "SIGINT" : "SIGTERM");
    throw Interrupted{128 + int(g_signal)};
  }
  say("shard %u of %u: %zu jobs: %zu done now, %zu done earlier, %zu running elsewhere, %zu failed",
      shard.index, shard.count, mine.size(), done_now, done_before, busy, failures.size());
  if (!failures.empty()) {
    std::string list;
    for (const auto& f : failures) list += (list.empty() ? "" : "; ") + f;
    fail("nf batch run: ", failures.size(), " of ", mine.size(),
         " jobs failed (a rerun tries them again): ", list);
  }
}

}  // namespace nf::cli
