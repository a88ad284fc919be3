// nf: fit, render, evaluate and benchmark neural fields on Vulkan compute, headless.
#include <cstdio>

#include "commands.hpp"
#include "fit_run.hpp"
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
  nf::cli::add_batch(app);

  // With validation on (--validation, NF_VALIDATION=1), any validation message fails the command (exit 4).
  nf::ValidationGate gate;
  int rc = 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const nf::cli::Interrupted& e) {
    rc = e.code;  // a signal stopped a fit, which wrote its outputs and said how to resume
  } catch (const nf::Error& e) {
    std::fprintf(stderr, "nf: error: %s\n", e.what());
    rc = 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nf: internal error: %s\n", e.what());
    rc = 3;
  }
  return gate.exit_code(rc, "nf");
}
