// nf fresh <image> --field NAME|FILE.json [--out DIR] [--inits K] [--bins S] [--parameter P] [--candidates ...]
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "fresh_report.hpp"
#include "gpu_options.hpp"
#include "io/image_io.hpp"
#include "pipeline/configs.hpp"
#include "pipeline/image_experiment.hpp"

namespace nf::cli {
namespace {

struct FreshArgs {
  std::string input, field = "siren", out = "fresh-out";
  pipeline::FreshOptions options;
  std::vector<std::string> overrides;
  bool quiet = false;
  GpuOptions gpu;
};

void run_fresh(FreshArgs& a) {
  auto config = pipeline::load_config(a.field);
  for (const auto& o : a.overrides) pipeline::apply_override(config.value, o);
  const Image target = pipeline::prepare_target(read_image(a.input), config.value);
  const std::string where = "config " + config.name;
  if (a.options.parameter.empty()) {
    const auto params = pipeline::fresh_parameters(config.value.value("field", json::object()));
    if (params.empty()) fail(where, ": FreSh has no parameter for this field (needs a sine MLP, Fourier features, a hash grid or a DiF-grid)");
    a.options.parameter = params.front();
  }
  // A parameter or candidate that cannot apply fails here, before anything is created.
  for (double v : a.options.candidates.empty() ? pipeline::fresh_default_candidates(a.options.parameter)
                                               : a.options.candidates)
    pipeline::apply_fresh_value(config.value.value("field", json::object()), a.options.parameter, v, where);
  gpu::Context ctx(a.gpu.context_options());
  OutputDir out(a.out);
  if (!a.quiet)
    std::fprintf(stderr, "nf fresh: %s (%dx%d) with '%s' on %s: %u inits per candidate, %u bins\n", a.input.c_str(),
                 target.width, target.height, config.name.c_str(), ctx.info().name.c_str(), a.options.inits,
                 a.options.bins);
  const auto result = pipeline::fresh_select(ctx, config.value, where, target, a.options,
                                             a.quiet ? pipeline::FreshProgress{} : fresh_progress_printer("FreSh " + a.options.parameter));
  print_fresh_table(result);
  write_fresh_outputs(out, result);
  out.commit();
}

}  // namespace

void add_fresh(CLI::App& app) {
  auto args = std::make_shared<FreshArgs>();
  auto* cmd = app.add_subcommand(
      "fresh", "FreSh: pick the embedding hyper-parameter whose untrained spectrum matches the image's; writes fresh.json, fresh.png");
  cmd->add_option("input", args->input, "Target image")->required();
  cmd->add_option("--field", args->field, "Named config or .json file")->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--inits", args->options.inits, "Random initialisations per candidate")->capture_default_str();
  cmd->add_option("--bins", args->options.bins, "Spectrum bins compared")->capture_default_str();
  cmd->add_option("--parameter", args->options.parameter,
                  "omega_0, sigma, finest_resolution, resolution_scale or log_precision_init (default: the field's)");
  cmd->add_option("--candidates", args->options.candidates, "Candidate values (default: the parameter's set)")
      ->delimiter(',');
  cmd->add_option("--seed", args->options.seed, "Seed of the initialisations")->capture_default_str();
  cmd->add_option("--set", args->overrides, "Override a config value: path.to.key=JSON (repeatable)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
  args->gpu.add_to(*cmd);
  cmd->callback([args] { run_fresh(*args); });
}

}  // namespace nf::cli
