#pragma once
// The `nf` subcommands. Each add_* registers one subcommand on the app; its callback throws nf::Error on
// bad input, which main() prints as one line and turns into exit code 1.
#include <CLI/CLI.hpp>

namespace nf::cli {

void add_fit(CLI::App& app);
void add_render(CLI::App& app);
void add_eval(CLI::App& app);
void add_export_mesh(CLI::App& app);
void add_info(CLI::App& app);
void add_bench(CLI::App& app);
void add_compare(CLI::App& app);
void add_fresh(CLI::App& app);
void add_batch(CLI::App& app);
// Registers `bench mlp` under the `bench` subcommand.
void add_bench_mlp(CLI::App& bench);
// Registers `bench fresh` under the `bench` subcommand.
void add_bench_fresh(CLI::App& bench);
// Registers `bench nerf` under the `bench` subcommand.
void add_bench_nerf(CLI::App& bench);

}  // namespace nf::cli
