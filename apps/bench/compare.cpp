// nf compare IMAGE... --fields a,b,c: fits several configs on the same images with the same step budget in
// one run; writes table.md, table.csv, per image a PSNR-vs-steps PNG and CSV, and every reconstruction.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/image_metrics.hpp"
#include "gpu_options.hpp"
#include "io/atomic_file.hpp"
#include "io/image_io.hpp"
#include "output.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_fit.hpp"
#include "plot.hpp"
#include "table.hpp"

namespace nf::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> images;
  std::string fields = "ffn,ffn-cam";
  uint32_t steps = 0;
  uint32_t eval_every = 0;
  uint32_t crop = 0;
  uint32_t seed = 0;
  std::string out = "compare-out";
  std::vector<std::string> overrides;
  bool quiet = false;
  GpuOptions gpu;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

struct Row {
  std::string image, field;
  double psnr, ssim, seconds, steps_per_second;
  uint64_t params;
  uint32_t steps;
};

void run_compare(const CompareArgs& a) {
  const auto fields = split(a.fields, ',');
  if (fields.empty()) fail("--fields needs at least one config name");
  // Inputs and configs are all checked before anything is trained or written.
  std::vector<std::pair<std::string, Image>> targets;
  for (const auto& path : a.images) targets.emplace_back(path, read_centre_crop(path, a.crop));
  std::vector<pipeline::NamedConfig> configs;
  for (const auto& f : fields) {
    configs.push_back(pipeline::load_config(f));
    for (const auto& o : a.overrides) pipeline::apply_override(configs.back().value, o);
  }
  gpu::Context ctx(a.gpu.context_options());
  OutputDir out(a.out);

  std::vector<Row> rows;
  for (const auto& [path, target] : targets) {
    const std::string stem = std::filesystem::path(path).stem().string();
    std::filesystem::create_directories(out.path(stem));
    std::vector<bench::Series> series;
    std::string curves = "field,step,psnr\n";
    for (const auto& cfg : configs) {
      std::optional<uint32_t> steps;
      if (a.steps) steps = a.steps;
      const Image fitted = pipeline::prepare_target(target, cfg.value);
      pipeline::ImageExperiment e(ctx, cfg.value, cfg.name, &fitted, {path, fitted.width, fitted.height, fitted.channels},
                                  a.seed, steps);
      if (!a.quiet)
        std::fprintf(stderr, "nf compare: %s (%dx%d) with '%s': %u steps of %u samples\n", path.c_str(), target.width,
                     target.height, cfg.name.c_str(), e.total_steps(), e.batch_size());
      pipeline::FitOptions options;
      options.eval_every = a.eval_every ? a.eval_every : std::max<uint32_t>(1, e.total_steps() / 10);
      if (!a.quiet) options.progress = print_progress;
      const auto r = pipeline::fit_image(e, fitted, options);
      write_image(out.path(stem + "/" + cfg.name + ".png"), r.render);
      bench::Series s{cfg.name, {}};
      for (const auto& [step, p] : r.curve) {
        s.points.emplace_back(step, p);
        curves += cfg.name + "," + std::to_string(step) + "," + fixed(p, 4) + "\n";
      }
      series.push_back(s);
      rows.push_back({stem, cfg.name, r.psnr, r.ssim, r.train_seconds, r.last.step / r.train_seconds,
                      e.field().parameter_count(), r.last.step});
    }
    write_image(out.path(stem + "/target.png"), target);
    write_file_atomically(out.path(stem + "/curves.csv"), curves);
    write_image(out.path(stem + "/curve.png"), bench::line_chart("PSNR vs steps on " + stem, "step", "PSNR (dB)", series));
  }

  Table table{{{"image", "image"},
                {"field", "field"},
                {"PSNR (dB)", "psnr"},
                {"SSIM", "ssim"},
                {"params", "params"},
                {"steps", "steps"},
                {"steps/s", "steps_per_second"},
                {"train (s)", "train_seconds"}},
               {}};
  std::map<std::string, std::pair<double, int>> mean;
  for (const auto& r : rows) {
    table.add({r.image, r.field, fixed(r.psnr, 2), fixed(r.ssim, 4), std::to_string(r.params), std::to_string(r.steps),
               fixed(r.steps_per_second, 2), fixed(r.seconds, 1)});
    mean[r.field].first += r.psnr;
    mean[r.field].second += 1;
  }
  std::string md = table.markdown();
  if (targets.size() > 1) {
    md += "\nMean PSNR over " + std::to_string(targets.size()) + " images:";
    for (const auto& f : fields) md += " " + f + " " + fixed(mean[f].first / mean[f].second, 2) + " dB;";
    md += "\n";
  }
  write_file_atomically(out.path("table.md"), md);
  write_file_atomically(out.path("table.csv"), table.csv());
  out.commit();
  std::printf("%s", md.c_str());
}

}  // namespace

void add_compare(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare", "Fit several configs on the same images with the same budget; table + plots");
  cmd->add_option("images", args->images, "Images")->required();
  cmd->add_option("--fields", args->fields, "Comma-separated config names or .json files")->capture_default_str();
  cmd->add_option("--steps", args->steps, "Steps for every config (default: each config's)");
  cmd->add_option("--eval-every", args->eval_every, "Full-image PSNR every K steps (default: a tenth of the budget)");
  cmd->add_option("--crop", args->crop, "Fit the centred SIZE x SIZE crop of each image");
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--set", args->overrides, "Override a value in every config: path.to.key=JSON (repeatable)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_compare(*args); });
}

}  // namespace nf::cli
