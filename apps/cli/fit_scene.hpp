#pragma once
// `nf fit` on a posed-image scene (a transforms .json file or a folder holding one): trains a radiance
// field, writes snapshot.nf, metrics.json and the test views' renders and error maps in DIR/test/.
#include <string>

#include "fit_args.hpp"
#include "fit_run.hpp"

namespace nf::cli {

// Is `path` a scene `nf fit` trains a radiance field on (a folder, or a .json file that is not a config)?
bool is_scene_input(const std::string& path);

void run_fit_scene(const FitArgs& args, const FitRun& run);

}  // namespace nf::cli
