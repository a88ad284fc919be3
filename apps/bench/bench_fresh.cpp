// nf bench fresh IMAGE... --field siren|ffn: FreSh's pick against a full sweep. For every image (or its
// centred crop): the FreSh selection, then one fit per candidate with the same steps and seed, and one
// with the default value; writes table.md / table.csv (PSNR of every candidate, the pick, the best, the
// default; with --holdout also table_test.md / table_test.csv, scored on the held-out pixels) and
// fresh.json per image, and reports the selection's cost against one default fit. --compare-bins S1,S2,...
// also selects with each of those spectrum sizes (the sweep's PSNRs do not depend on them) and writes
// bins.md / bins.csv: every size's picks, scored against the same sweep.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "core/error.hpp"
#include "fresh_report.hpp"
#include "gpu_options.hpp"
#include "io/atomic_file.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_fit.hpp"

namespace nf::cli {
namespace {

struct BenchFreshArgs {
  std::vector<std::string> images;
  std::string field = "siren";
  uint32_t crop = 0, steps = 0, seed = 0;
  double default_value = NAN;
  double holdout = 0;
  pipeline::FreshOptions options;
  std::vector<std::string> overrides;
  std::vector<uint32_t> compare_bins;
  std::string out = "bench-fresh";
  bool quiet = false;
  GpuOptions gpu;
};

std::string fmt(double v, int digits = 2) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// One image's sweep: PSNR of every candidate (over every pixel and over the held-out ones), the pick.
struct ImageRow {
  std::string stem;
  size_t pick = 0;
  std::vector<size_t> bin_picks;  // the pick with each of --compare-bins
  double selection_seconds = 0, default_seconds = 0;
  std::vector<double> psnr, psnr_test;
  double psnr_default = 0, psnr_test_default = NAN;
};

struct TableSpec {
  std::string parameter;
  std::vector<double> values;
  double default_value;
};

// The Markdown table of the sweep scored over every pixel or over the held-out pixels (test); also writes
// it as CSV to out/csv_name.
std::string table(const TableSpec& t, const std::vector<ImageRow>& rows, bool test, const std::string& csv_name,
                  OutputDir& out) {
  const auto& p = t.parameter;
  std::string md = "| image | " + p + " pick | PSNR pick | best " + p + " | PSNR best | pick - best | PSNR default (" +
                   fmt(t.default_value, 0) + ") | selection (s) | default fit (s) |";
  for (double v : t.values) md += " " + fmt(v, v == std::round(v) ? 0 : 3) + " |";
  md += "\n|";
  for (size_t i = 0; i < 9 + t.values.size(); ++i) md += " --- |";
  md += "\n";
  std::string csv = "image,pick,psnr_pick,best,psnr_best,psnr_default,selection_seconds,default_fit_seconds";
  for (double v : t.values) csv += ",psnr_" + fmt(v, 3);
  csv += "\n";
  double gap_sum = 0, pick_sum = 0, default_sum = 0;
  for (const auto& r : rows) {
    const auto& psnr = test ? r.psnr_test : r.psnr;
    const double psnr_default = test ? r.psnr_test_default : r.psnr_default;
    const size_t best = size_t(std::max_element(psnr.begin(), psnr.end()) - psnr.begin());
    const double psnr_pick = psnr[r.pick];
    gap_sum += psnr_pick - psnr[best];
    pick_sum += psnr_pick;
    default_sum += psnr_default;
    md += "| " + r.stem + " | " + fmt(t.values[r.pick], 0) + " | " + fmt(psnr_pick) + " | " + fmt(t.values[best], 0) +
          " | " + fmt(psnr[best]) + " | " + fmt(psnr_pick - psnr[best]) + " | " + fmt(psnr_default) + " | " +
          fmt(r.selection_seconds, 1) + " | " + fmt(r.default_seconds, 1) + " |";
    csv += r.stem + "," + fmt(t.values[r.pick], 3) + "," + fmt(psnr_pick, 4) + "," + fmt(t.values[best], 3) + "," +
           fmt(psnr[best], 4) + "," + fmt(psnr_default, 4) + "," + fmt(r.selection_seconds, 2) + "," +
           fmt(r.default_seconds, 2);
    for (double v : psnr) {
      md += " " + fmt(v) + " |";
      csv += "," + fmt(v, 4);
    }
    md += "\n";
    csv += "\n";
  }
  const double n = double(rows.size());
  md += "\nMean over " + std::to_string(rows.size()) + " images: pick " + fmt(pick_sum / n) + " dB, default " +
        fmt(default_sum / n) + " dB, pick - best " + fmt(gap_sum / n) + " dB.\n";
  write_file_atomically(out.path(csv_name), csv);
  return md;
}

double best_of(const std::vector<double>& psnr) { return *std::max_element(psnr.begin(), psnr.end()); }
// Pick - best (dB) of candidate `pick` in one image's sweep.
double gap(const std::vector<double>& psnr, size_t pick) { return psnr[pick] - best_of(psnr); }

// The --compare-bins table: per spectrum size, the picks and their mean distance from the sweep's best
// and from the default (over every pixel; with --holdout also over the held-out pixels), and how many
// images are within 0.5 dB of the best. Also writes it as CSV, a row per size and image, to out/bins.csv.
std::string bins_table(const TableSpec& t, const std::vector<ImageRow>& rows, const std::vector<uint32_t>& bins,
                       bool holdout, OutputDir& out) {
  std::string md = "| bins | " + t.parameter + " picks | pick - best, all pixels | pick - default, all pixels |";
  if (holdout) md += " pick - best, held-out | pick - default, held-out |";
  md += "\n| --- | --- | --- | --- |" + std::string(holdout ? " --- | --- |" : "") + "\n";
  std::string csv = "bins,image,pick,psnr_pick,psnr_best,psnr_default,psnr_test_pick,psnr_test_best,psnr_test_default\n";
  const double n = double(rows.size());
  for (size_t k = 0; k < bins.size(); ++k) {
    std::string picks;
    double gap_all = 0, gap_test = 0, def_all = 0, def_test = 0;
    int within_all = 0, within_test = 0;
    for (const auto& r : rows) {
      const size_t pick = r.bin_picks[k];
      picks += (picks.empty() ? "" : ", ") + fmt(t.values[pick], 0);
      gap_all += gap(r.psnr, pick);
      within_all += gap(r.psnr, pick) >= -0.5;
      def_all += r.psnr[pick] - r.psnr_default;
      if (holdout) {
        gap_test += gap(r.psnr_test, pick);
        within_test += gap(r.psnr_test, pick) >= -0.5;
        def_test += r.psnr_test[pick] - r.psnr_test_default;
      }
      csv += std::to_string(bins[k]) + "," + r.stem + "," + fmt(t.values[pick], 3) + "," + fmt(r.psnr[pick], 4) + "," +
             fmt(best_of(r.psnr), 4) + "," + fmt(r.psnr_default, 4) + "," +
             (holdout ? fmt(r.psnr_test[pick], 4) + "," + fmt(best_of(r.psnr_test), 4) + "," + fmt(r.psnr_test_default, 4)
                      : std::string(",,")) +
             "\n";
    }
    const auto within = [&](int w) { return cat(" (", w, " of ", rows.size(), " within 0.5)"); };
    md += "| " + std::to_string(bins[k]) + " | " + picks + " | " + fmt(gap_all / n) + within(within_all) + " | " +
          fmt(def_all / n) + " |";
    if (holdout) md += " " + fmt(gap_test / n) + within(within_test) + " | " + fmt(def_test / n) + " |";
    md += "\n";
  }
  write_file_atomically(out.path("bins.csv"), csv);
  return md;
}

void run_bench_fresh(BenchFreshArgs& a) {
  auto config = pipeline::load_config(a.field);
  for (const auto& o : a.overrides) pipeline::apply_override(config.value, o);
  if (a.holdout > 0) config.value["holdout"] = a.holdout;
  const std::string where = "config " + config.name;
  const json field = config.value.value("field", json::object());
  if (a.options.parameter.empty()) {
    const auto params = pipeline::fresh_parameters(field);
    if (params.empty()) fail(where, ": FreSh has no parameter for this field");
    a.options.parameter = params.front();
  }
  const auto& p = a.options.parameter;
  if (std::isnan(a.default_value)) a.default_value = p == "omega_0" ? 30 : p == "sigma" ? 1 : NAN;
  if (std::isnan(a.default_value)) fail("--default is needed for parameter ", p);
  const auto values = a.options.candidates.empty() ? pipeline::fresh_default_candidates(p) : a.options.candidates;
  for (double v : values) pipeline::apply_fresh_value(field, p, v, where);
  std::vector<std::pair<std::string, Image>> targets;
  for (const auto& path : a.images)
    targets.emplace_back(path, pipeline::prepare_target(read_centre_crop(path, a.crop), config.value));
  gpu::Context ctx(a.gpu.context_options());
  OutputDir out(a.out);

  // PSNR over every pixel, and over the held-out pixels (NaN without --holdout).
  struct Score {
    double all = 0, test = NAN;
  };
  auto fit = [&](const Image& target, const std::string& path, double value, double* seconds) {
    json c = config.value;
    c["field"] = pipeline::apply_fresh_value(c["field"], p, value, where);
    std::optional<uint32_t> steps;
    if (a.steps) steps = a.steps;
    pipeline::ImageExperiment e(ctx, c, config.name, &target, {path, target.width, target.height, target.channels},
                                a.seed, steps);
    const auto r = pipeline::fit_image(e, target, {});
    if (seconds) *seconds = r.train_seconds;
    return Score{r.psnr, r.psnr_test};
  };

  std::vector<ImageRow> rows;
  for (const auto& [path, target] : targets) {
    ImageRow row;
    row.stem = std::filesystem::path(path).stem().string();
    std::filesystem::create_directories(out.path(row.stem));
    const auto sel = pipeline::fresh_select(ctx, config.value, where, target, a.options,
                                            a.quiet ? pipeline::FreshProgress{} : fresh_progress_printer(row.stem + " " + p));
    write_fresh_outputs(OutputDir(out.path(row.stem)), sel);
    row.pick = sel.selected;
    row.selection_seconds = sel.seconds;
    for (uint32_t bins : a.compare_bins) {
      if (bins == a.options.bins) {  // the selection above
        row.bin_picks.push_back(row.pick);
        continue;
      }
      pipeline::FreshOptions o = a.options;
      o.bins = bins;
      const auto label = row.stem + " " + p + " (" + std::to_string(bins) + " bins)";
      row.bin_picks.push_back(
          pipeline::fresh_select(ctx, config.value, where, target, o,
                                 a.quiet ? pipeline::FreshProgress{} : fresh_progress_printer(label))
              .selected);
    }
    for (size_t i = 0; i < values.size(); ++i) {
      const Score s = fit(target, path, values[i], nullptr);
      row.psnr.push_back(s.all);
      row.psnr_test.push_back(s.test);
      if (!a.quiet) {
        std::fprintf(stderr, "%s: %s = %g -> %.2f dB", row.stem.c_str(), p.c_str(), values[i], s.all);
        if (a.holdout > 0) std::fprintf(stderr, " (held-out pixels %.2f dB)", s.test);
        if (a.steps) std::fprintf(stderr, " after %u steps", a.steps);
        std::fprintf(stderr, "\n");
      }
    }
    const Score d = fit(target, path, a.default_value, &row.default_seconds);
    row.psnr_default = d.all;
    row.psnr_test_default = d.test;
    rows.push_back(std::move(row));
  }
  const TableSpec spec{p, values, a.default_value};
  std::string md = table(spec, rows, false, "table.csv", out);
  if (a.holdout > 0) {
    const std::string test_md = table(spec, rows, true, "table_test.csv", out);
    write_file_atomically(out.path("table_test.md"), test_md);
    md += "\nScored on the held-out pixels (" + fmt(100 * a.holdout, 0) + " %, never trained on):\n\n" + test_md;
  }
  if (!a.compare_bins.empty()) {
    const std::string bins_md = bins_table(spec, rows, a.compare_bins, a.holdout > 0, out);
    write_file_atomically(out.path("bins.md"), bins_md);
    md += "\nThe picks with other spectrum sizes, scored against the same sweep:\n\n" + bins_md;
  }
  write_file_atomically(out.path("table.md"), md);
  out.commit();
  std::printf("%s", md.c_str());
}

}  // namespace

void add_bench_fresh(CLI::App& bench) {
  auto args = std::make_shared<BenchFreshArgs>();
  auto* cmd = bench.add_subcommand("fresh", "FreSh pick against a full sweep of its candidates and the default value");
  cmd->add_option("images", args->images, "Images")->required();
  cmd->add_option("--field", args->field, "Named config or .json file")->capture_default_str();
  cmd->add_option("--crop", args->crop, "Use the centred SIZE x SIZE crop of each image");
  cmd->add_option("--steps", args->steps, "Steps of every fit (default: the config's)");
  cmd->add_option("--seed", args->seed, "Seed of every fit")->capture_default_str();
  cmd->add_option("--default", args->default_value, "The default value fitted for comparison (omega_0 30, sigma 1)");
  cmd->add_option("--holdout", args->holdout,
                  "Hold out this fraction of each image's pixels (FreSh's protocol: 0.1) and also tabulate PSNR on them")
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--inits", args->options.inits, "FreSh initialisations per candidate")->capture_default_str();
  cmd->add_option("--bins", args->options.bins, "FreSh spectrum bins")->capture_default_str();
  cmd->add_option("--compare-bins", args->compare_bins,
                  "Also select with each of these spectrum sizes and score their picks on the same sweep (bins.md)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  cmd->add_option("--parameter", args->options.parameter, "FreSh parameter (default: the field's)");
  cmd->add_option("--candidates", args->options.candidates, "Candidate values")->delimiter(',');
  cmd->add_option("--set", args->overrides, "Override a config value: path.to.key=JSON (repeatable)");
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_bench_fresh(*args); });
}

}  // namespace nf::cli
