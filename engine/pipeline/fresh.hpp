#pragma once
// FreSh (Kania et al., ICLR 2025; DESIGN.md 4.3): pick an embedding hyper-parameter before training by
// matching the spectrum of the untrained field's output to the target's.
//
// For each candidate value: K fresh initialisations (seeds shared by all candidates, as the official
// code re-seeds per candidate), each rendered on the target's pixel grid with the experiment's pixel
// coordinates and the raw network output (an MLP's output activation is dropped, as in the official
// code); W1 between the normalised spectra (analysis/spectrum.hpp); the argmin of the mean W1 wins
// (ties: the first candidate).
//
// Parameters, by the field they apply to (the default is the first that applies):
//   "omega_0"            sine MLP: first-layer omega_0 (network.first_omega), {10, 20, ..., 200}
//   "sigma"              Fourier features: sigma (encoding.sigma, for coordinates in [-1,1]), {1, ..., 20}
//   "finest_resolution"  hash grid: finest level's resolution, {16, 32, ..., 4096}
//   "resolution_scale"   DiF-grid (the Gaussian-RBF field; ours): every grid resolution times s,
//                        {0.25, 0.375, 0.5, 0.75, 1, 1.5, 2, 3, 4}
//   "log_precision_init" RBF network (ours): initial log-precision, {-4, -3, ..., 4}
//
// Experiment config: "init": {"type": "fresh", "parameter": NAME, "candidates": [...], "inits": K,
// "bins": S, "seed": s} (all but "type" optional). resolve_fresh_init() runs the selection, writes the
// pick into the field config, and records it as "init": {..., "selected": value}; a config whose init
// already has "selected" (a snapshot's) is left alone.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/image.hpp"
#include "gpu/context.hpp"

namespace nf::pipeline {

struct FreshOptions {
  std::string parameter;           // empty: the field's default
  std::vector<double> candidates;  // empty: the parameter's default set
  uint32_t inits = 10;
  uint32_t bins = 64;
  uint32_t seed = 0;
};

struct FreshCandidate {
  double value = 0;
  double mean_w1 = 0, std_w1 = 0;  // over the inits (std: population, ddof 0)
  std::vector<double> spectrum;     // mean over inits of the normalised output spectra
};

struct FreshResult {
  std::string parameter;
  std::vector<FreshCandidate> candidates;
  size_t selected = 0;               // index into candidates
  std::vector<double> target_spectrum;  // normalised
  std::vector<uint64_t> seeds;       // initialisation seeds, shared by every candidate
  uint32_t bins = 0, inits = 0;
  double seconds = 0;

  double selected_value() const { return candidates[selected].value; }
  // {"parameter", "candidates", "mean_w1", "std_w1", "selected", "bins", "inits", "seconds", "seeds"}
  json to_json() const;
};

// Parameter names valid for a field config (the default first); empty when FreSh has none for it.
std::vector<std::string> fresh_parameters(const json& field_config);
std::vector<double> fresh_default_candidates(const std::string& parameter);
// The field config with parameter set to value. where names the config in errors.
json apply_fresh_value(const json& field_config, const std::string& parameter, double value, const std::string& where);

// Called once per candidate as it finishes (index, count, candidate) so callers can show progress.
using FreshProgress = std::function<void(size_t, size_t, const FreshCandidate&)>;

// The selection loop every signal kind shares: for each candidate value, candidate(field config with the value)
// gives the spectrum (not normalised, `bins` long) of one initialisation per seed; the lowest mean W1 to the
// target's spectrum wins.
using FreshEvaluator = std::function<std::vector<double>(uint64_t seed)>;
using FreshCandidateFactory = std::function<FreshEvaluator(json field_config)>;
FreshResult fresh_select_spectra(const json& base_field, const std::string& where, std::vector<double> target_spectrum,
                                 const FreshOptions& options, const FreshCandidateFactory& candidate,
                                 const FreshProgress& progress = {});

// Runs the selection for the experiment config's field on target (prepared as the experiment fits it).
FreshResult fresh_select(gpu::Context& ctx, const json& experiment_config, const std::string& where,
                         const Image& target, const FreshOptions& options, const FreshProgress& progress = {});

// The options an experiment config's "init" states (nullopt when it has no FreSh init). Validates keys.
std::optional<FreshOptions> fresh_init_options(const json& experiment_config, const std::string& where);

// For experiments: reads the config's "init" (c's value), which must hold a FreSh pick when it asks for FreSh
// (fails when the selection has not run); returns it to record in the resolved config (null when absent).
json take_fresh_init(ConfigReader& c, const std::string& where);

// When the config asks for FreSh and has no pick yet: select(options) runs the selection; the pick goes into
// config["field"] and is recorded in config["init"]["selected"]. Returns the selection when one ran.
using FreshSelect = std::function<FreshResult(const FreshOptions& options)>;
std::optional<FreshResult> resolve_fresh_init(json& experiment_config, const std::string& where,
                                              const FreshSelect& select);
// The same for an image target (fresh_select).
std::optional<FreshResult> resolve_fresh_init(gpu::Context& ctx, json& experiment_config, const std::string& where,
                                              const Image& target, const FreshProgress& progress = {});

}  // namespace nf::pipeline
