// nf: fit, render, evaluate and benchmark neural fields on Vulkan compute, headless.
#include <cstdio>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"nf: neural fields on Vulkan compute (Gaussian RBF fields, CAM, FreSh). Headless."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  nf::cli::add_fit(app);
  nf::cli::add_render(app);
  nf::cli::add_eval(app);
  nf::cli::add_export_mesh(app);
  nf::cli::add_info(app);
  nf::cli::add_bench(app);
  nf::cli::add_compare(app);
  nf::cli::add_fresh(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const nf::Error& e) {
    std::fprintf(stderr, "nf: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nf: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
