#include "fit_run.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace nf::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
// Under `nf batch run` (NF_BATCH_JOB=1) the same stop request can arrive twice, from the scheduler and from the
// batch process that forwards it: every signal then only asks the fit to stop (SIGKILL still ends it).
bool g_repeat_stops = false;
struct sigaction g_previous_int, g_previous_term;

void on_signal(int sig) {
  g_signal = sig;
  g_stop = true;
  if (!g_repeat_stops) std::signal(sig, SIG_DFL);  // a second Ctrl-C ends the process at once
}

json to_json(const FitArgs& a) {
  return {{"input", std::filesystem::absolute(a.input).string()},
          {"field", a.field},
          {"steps", a.steps},
          {"seed", a.seed},
          {"eval_every", a.eval_every},
          {"export_resolution", a.export_resolution},
          {"overrides", a.overrides},
          {"downscale", a.scene.downscale},
          {"holdout_every", a.scene.holdout_every},
          {"background", a.scene.background}};
}

void from_json(const std::string& path, FitArgs& a) {
  ConfigReader r(read_json_file(path), path);
  a.input = r.required<std::string>("input");
  a.field = r.required<std::string>("field");
  a.steps = r.required<uint32_t>("steps");
  a.seed = r.required<uint32_t>("seed");
  a.eval_every = r.required<uint32_t>("eval_every");
  a.export_resolution = r.required<uint32_t>("export_resolution");
  a.overrides = r.required<std::vector<std::string>>("overrides");
  a.scene.downscale = r.required<int>("downscale");
  a.scene.holdout_every = r.required<uint32_t>("holdout_every");
  a.scene.background = r.required<std::string>("background");
  r.finish();
}

}  // namespace

FitRun::FitRun(FitArgs& args) : args_(args) {
  if (!args.resume.empty()) {
    if (!args.input.empty())
      fail("nf fit: give an input or --resume DIR, not both (a resumed run keeps the input it started with)");
    const std::string dir = args.resume;
    const std::string run = (std::filesystem::path(dir) / "run.json").string();
    if (!std::filesystem::exists(run)) fail(dir, ": nothing to resume (no run.json: not a folder nf fit wrote)");
    from_json(run, args);
    args.out = dir;
    const std::string snapshot = (std::filesystem::path(dir) / "snapshot.nf").string();
    if (!std::filesystem::exists(snapshot)) fail(dir, ": nothing to resume (no snapshot.nf yet)");
    resume_ = read_snapshot(snapshot);
    if (!resume_->optimizer)
      fail(snapshot, ": holds no optimizer state, so the run cannot continue as it would have (it was written "
                     "with --no-optimizer-state)");
  } else if (args.input.empty()) {
    fail("nf fit: an input (image, mesh or scene) or --resume DIR is required");
  }
  g_stop = false;
  g_signal = 0;
  const char* batch_job = std::getenv("NF_BATCH_JOB");
  g_repeat_stops = batch_job && std::string(batch_job) == "1";
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_previous_int);
  sigaction(SIGTERM, &sa, &g_previous_term);
}

FitRun::~FitRun() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

bool FitRun::stopped() const { return g_stop; }

void FitRun::start(const OutputDir& out) const {
  if (!resume_) write_file_atomically(out.path("run.json"), to_json(args_).dump(2) + "\n");
}

void FitRun::configure(pipeline::FitOptions& options, const OutputDir& out, std::function<Snapshot()> snapshot) const {
  options.stop = &g_stop;
  options.checkpoint_every = args_.snapshot_every;
  options.checkpoint_name = out.path("snapshot.nf");
  if (args_.snapshot_every)
    options.checkpoint = [path = out.path("snapshot.nf"), snapshot = std::move(snapshot)](uint32_t) {
      write_snapshot(path, snapshot());
    };
}

void FitRun::finish(uint32_t step, uint32_t total) const {
  if (!g_stop) return;
  const int sig = g_signal;
  std::fprintf(stderr, "nf fit: stopped by %s at step %u of %u; snapshot and outputs written to %s\n",
               sig == SIGINT ? "SIGINT" : "SIGTERM", step, total, args_.out.c_str());
  if (step < total) std::fprintf(stderr, "nf fit: continue with: nf fit --resume %s\n", args_.out.c_str());
  throw Interrupted{128 + sig};
}

}  // namespace nf::cli
