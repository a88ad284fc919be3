#pragma once
// FreSh output shared by `nf fresh` and `nf fit` (configs with "init": {"type": "fresh"}): progress lines,
// the candidate table, DIR/fresh.json and DIR/fresh.png (W1 vs candidate, and the target's spectrum
// beside the pick's).
#include "output.hpp"
#include "pipeline/fresh.hpp"

namespace nf::cli {

// A progress callback printing one line per candidate with an ETA (to stderr).
pipeline::FreshProgress fresh_progress_printer(const std::string& label);
void print_fresh_table(const pipeline::FreshResult& r);
void write_fresh_outputs(const OutputDir& out, const pipeline::FreshResult& r);

}  // namespace nf::cli
