#include "output.hpp"

#include <unistd.h>

#include <cmath>
#include <exception>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/image_io.hpp"

namespace nf::cli {

namespace fs = std::filesystem;

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  if (fs::exists(dir_, ec)) {
    if (!fs::is_directory(dir_, ec)) fail("output folder ", dir_, ": exists and is not a folder");
    return;
  }
  if (!fs::create_directories(dir_, ec)) fail("output folder ", dir_, ": cannot create it (", ec.message(), ")");
  created_ = true;
}

OutputDir::~OutputDir() {
  if (committed_ || !created_) return;
  std::error_code ec;
  if (fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
}

std::string OutputDir::path(const std::string& file) const { return (fs::path(dir_) / file).string(); }

SlowNotice::SlowNotice(std::string live, std::string done, bool enabled, double after_seconds)
    : done_message_(std::move(done)), after_(after_seconds), enabled_(enabled), start_(std::chrono::steady_clock::now()) {
  if (!enabled || !isatty(fileno(stderr))) return;
  thread_ = std::thread([this, live = std::move(live)] {
    std::unique_lock lock(mutex_);
    if (done_.wait_for(lock, std::chrono::duration<double>(after_), [this] { return finished_; })) return;
    std::fprintf(stderr, "%s", live.c_str());
    std::fflush(stderr);
    said_ = true;
  });
}

SlowNotice::~SlowNotice() {
  if (!enabled_) return;
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    done_.notify_one();
    thread_.join();
    if (said_) std::fprintf(stderr, "\r\033[K");
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (std::uncaught_exceptions() == 0 && (said_ || took > after_))
    std::fprintf(stderr, "%s in %s\n", done_message_.c_str(), format_duration(took).c_str());
}

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = std::lround(s);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

void print_progress(const pipeline::FitProgress& p) {
  static const bool tty = isatty(fileno(stderr));
  char line[256];
  int n = std::snprintf(line, sizeof line, "step %6u/%u | loss %.5f | batch %5.2f dB | ", p.step, p.total, p.loss,
                        p.batch_psnr);
  if (n > 0 && n < int(sizeof line)) {
    const size_t rest = sizeof line - size_t(n);
    const int m =
        p.warming_up
            ? std::snprintf(line + n, rest, "warming up (the first steps compile GPU kernels), ETA after it")
            : std::snprintf(line + n, rest, "%6.2f step/s | %6.3g%s samples/s | ETA %s", p.steps_per_second,
                            p.samples_per_second >= 1e6 ? p.samples_per_second * 1e-6 : p.samples_per_second * 1e-3,
                            p.samples_per_second >= 1e6 ? " M" : " k", format_duration(p.eta_seconds).c_str());
    n = m > 0 ? n + m : n;
  }
  if (p.eval_psnr && n > 0 && n < int(sizeof line))
    std::snprintf(line + n, sizeof line - size_t(n), " | image %.2f dB", *p.eval_psnr);
  // Evaluations and the final line stay; plain progress is overwritten on a terminal.
  const bool keep = !tty || p.eval_psnr.has_value() || p.step == p.total;
  std::fprintf(stderr, tty ? "\r\033[K%s%s" : "%s%s", line, keep ? "\n" : "");
  std::fflush(stderr);
}

void write_json(const std::string& path, const json& value) { write_file_atomically(path, value.dump(2) + "\n"); }

Image read_centre_crop(const std::string& path, uint32_t size) {
  Image img = read_image(path);
  if (!size) return img;
  if (img.width < int(size) || img.height < int(size))
    fail("image ", path, ": ", img.width, "x", img.height, " is smaller than the crop ", size, "x", size);
  return crop(img, (img.width - int(size)) / 2, (img.height - int(size)) / 2, int(size), int(size));
}

}  // namespace nf::cli
