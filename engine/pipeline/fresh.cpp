#include "pipeline/fresh.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "analysis/spectrum.hpp"
#include "core/rng.hpp"
#include "fields/field.hpp"
#include "gpu/stream.hpp"
#include "pipeline/image_experiment.hpp"
#include "render/image_render.hpp"

namespace nf::pipeline {
namespace {

const json& part(const json& field, const char* key) {
  static const json kEmpty = json::object();
  return field.is_object() && field.contains(key) && field[key].is_object() ? field[key] : kEmpty;
}

std::vector<double> normalised(std::vector<double> s) {
  double sum = 0;
  for (double v : s) sum += v;
  if (sum > 0)
    for (double& v : s) v /= sum;
  return s;
}

std::vector<double> range(double first, double last, double step) {
  std::vector<double> v;
  for (double x = first; x <= last + 1e-9; x += step) v.push_back(x);
  return v;
}

}  // namespace

std::vector<std::string> fresh_parameters(const json& field_config) {
  const json& enc = part(field_config, "encoding");
  const json& net = part(field_config, "network");
  std::vector<std::string> out;
  if (net.value("type", "") == "mlp" && net.value("activation", "") == "sine") out.push_back("omega_0");
  if (enc.value("type", "") == "fourier") out.push_back("sigma");
  if (enc.value("type", "") == "hashgrid") out.push_back("finest_resolution");
  if (enc.value("type", "") == "dif_grid") out.push_back("resolution_scale");
  if (net.value("type", "") == "rbf") out.push_back("log_precision_init");
  return out;
}

std::vector<double> fresh_default_candidates(const std::string& parameter) {
  if (parameter == "omega_0") return range(10, 200, 10);
  if (parameter == "sigma") return range(1, 20, 1);
  if (parameter == "finest_resolution") return {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
  if (parameter == "resolution_scale") return {0.25, 0.375, 0.5, 0.75, 1, 1.5, 2, 3, 4};
  if (parameter == "log_precision_init") return range(-4, 4, 1);
  fail("FreSh: unknown parameter \"", parameter,
       "\" (known: omega_0, sigma, finest_resolution, resolution_scale, log_precision_init)");
}

json apply_fresh_value(const json& field_config, const std::string& parameter, double value, const std::string& where) {
  const auto valid = fresh_parameters(field_config);
  if (std::find(valid.begin(), valid.end(), parameter) == valid.end()) {
    std::string list;
    for (const auto& p : valid) list += (list.empty() ? "" : ", ") + p;
    fail(where, ": FreSh parameter \"", parameter, "\" does not apply to this field (",
         list.empty() ? std::string("it has none") : "it has: " + list, ")");
  }
  json f = field_config;
  if (parameter == "omega_0") f["network"]["first_omega"] = value;
  if (parameter == "sigma") f["encoding"]["sigma"] = value;
  if (parameter == "finest_resolution") {
    f["encoding"]["finest_resolution"] = value;
    f["encoding"].erase("per_level_scale");
  }
  if (parameter == "resolution_scale") {
    json& res = f["encoding"]["resolutions"];
    if (!res.is_array()) fail(where, ": resolution_scale needs the encoding's \"resolutions\" list");
    for (auto& r : res) r = std::max<int64_t>(2, std::llround(r.get<double>() * value));
  }
  if (parameter == "log_precision_init") f["network"]["log_precision_init"] = value;
  return f;
}

json FreshResult::to_json() const {
  json j = {{"parameter", parameter}, {"bins", bins}, {"inits", inits}, {"seconds", seconds}, {"seeds", seeds},
            {"selected", selected_value()}};
  json values = json::array(), mean = json::array(), std = json::array();
  for (const auto& c : candidates) {
    values.push_back(c.value);
    // JSON has no infinity: a candidate whose output has no spectrum is recorded as null.
    mean.push_back(std::isfinite(c.mean_w1) ? json(c.mean_w1) : json());
    std.push_back(std::isfinite(c.std_w1) ? json(c.std_w1) : json());
  }
  j["candidates"] = values;
  j["mean_w1"] = mean;
  j["std_w1"] = std;
  return j;
}

FreshResult fresh_select_spectra(const json& base_field, const std::string& where,
                                 std::vector<double> target_spectrum, const FreshOptions& options,
                                 const FreshCandidateFactory& candidate, const FreshProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  const auto valid = fresh_parameters(base_field);
  FreshResult result;
  result.parameter = options.parameter.empty() ? (valid.empty() ? std::string() : valid.front()) : options.parameter;
  if (result.parameter.empty())
    fail(where, ": FreSh has no parameter for this field (needs a sine MLP, Fourier features, a hash grid or a DiF-grid)");
  const auto values = options.candidates.empty() ? fresh_default_candidates(result.parameter) : options.candidates;
  if (options.inits < 1) fail(where, ": FreSh needs at least one initialisation");
  if (options.bins < 2) fail(where, ": FreSh needs at least two spectrum bins");
  result.bins = options.bins;
  result.inits = options.inits;
  for (uint32_t k = 0; k < options.inits; ++k)
    result.seeds.push_back(uint64_t(hash_u32(options.seed)) << 32 | hash_u32(k + 1));
  result.target_spectrum = normalised(std::move(target_spectrum));

  double best = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < values.size(); ++i) {
    const FreshEvaluator spectrum_of = candidate(apply_fresh_value(base_field, result.parameter, values[i], where));
    FreshCandidate c;
    c.value = values[i];
    c.spectrum.assign(options.bins, 0.0);
    std::vector<double> w1;
    for (uint64_t seed : result.seeds) {
      const auto s = spectrum_of(seed);
      w1.push_back(analysis::w1_distance(result.target_spectrum, s));
      const auto sn = normalised(s);
      for (size_t b = 0; b < sn.size(); ++b) c.spectrum[b] += sn[b] / double(options.inits);
    }
    double sum = 0, sq = 0;
    for (double w : w1) sum += w;
    c.mean_w1 = sum / double(w1.size());
    for (double w : w1) sq += (w - c.mean_w1) * (w - c.mean_w1);
    c.std_w1 = std::isfinite(c.mean_w1) ? std::sqrt(sq / double(w1.size())) : c.mean_w1;
    if (c.mean_w1 < best) {
      best = c.mean_w1;
      result.selected = i;
    }
    result.candidates.push_back(std::move(c));
    if (progress) progress(i, values.size(), result.candidates.back());
  }
  if (!std::isfinite(best)) fail(where, ": FreSh: no candidate's untrained output has a spectrum (constant outputs)");
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

FreshResult fresh_select(gpu::Context& ctx, const json& experiment_config, const std::string& where,
                         const Image& target, const FreshOptions& options, const FreshProgress& progress) {
  if (!experiment_config.is_object() || !experiment_config.contains("field"))
    fail(where, ": FreSh needs a \"field\"");
  const json base = resolve_field_config(experiment_config["field"], target.width, target.height);
  const auto coordinates = experiment_config.value("pixel_coordinates", std::string("centers")) == "corners"
                               ? PixelCoordinates::Corners
                               : PixelCoordinates::Centers;
  const auto channels = uint32_t(target.channels);
  const uint32_t batch = uint32_t(std::min<uint64_t>(target.pixel_count(), 1u << 16));
  auto stream = std::make_shared<gpu::Stream>(ctx);
  auto spectrum = std::make_shared<analysis::Spectrum>(ctx, target.width, target.height, target.channels, options.bins);
  const auto target_spectrum = spectrum->compute(*stream, target);
  return fresh_select_spectra(
      base, where, target_spectrum, options,
      [&](json field_config) -> FreshEvaluator {
        // The raw network output, as the official code compares it.
        if (field_config["network"].value("type", "") == "mlp") field_config["network"]["output_activation"] = "none";
        auto field = std::make_shared<fields::Field>(ctx, field_config, where + ": field", 2, channels, batch);
        auto renderer = std::make_shared<render::ImageRenderer>(ctx, *field);
        return [=, &target](uint64_t seed) {
          field->initialize(seed);
          const Image out = renderer->render(*stream, *field, target.width, target.height, coordinates);
          return spectrum->compute(*stream, out);
        };
      },
      progress);
}

std::optional<FreshOptions> fresh_init_options(const json& experiment_config, const std::string& where) {
  if (!experiment_config.is_object() || !experiment_config.contains("init")) return std::nullopt;
  ConfigReader c(experiment_config["init"], where + ": init");
  const auto type = c.required<std::string>("type");
  if (type != "fresh") fail(where, ": init type \"", type, "\" is unknown (known: fresh)");
  FreshOptions o;
  o.parameter = c.get<std::string>("parameter", "");
  o.candidates = c.get<std::vector<double>>("candidates", {});
  o.inits = c.get<uint32_t>("inits", o.inits);
  o.bins = c.get<uint32_t>("bins", o.bins);
  o.seed = c.get<uint32_t>("seed", o.seed);
  c.get<double>("selected", 0.0);
  c.finish();
  return o;
}

json take_fresh_init(ConfigReader& c, const std::string& where) {
  if (fresh_init_options(c.value(), where) && !c.value()["init"].contains("selected"))
    fail(where, ": \"init\" asks for a FreSh selection that has not run (pipeline::resolve_fresh_init runs it; nf fit does)");
  c.child("init");
  return c.value().contains("init") ? c.value()["init"] : json();
}

std::optional<FreshResult> resolve_fresh_init(json& experiment_config, const std::string& where,
                                              const FreshSelect& select) {
  const auto options = fresh_init_options(experiment_config, where);
  if (!options || experiment_config["init"].contains("selected")) return std::nullopt;
  FreshResult r = select(*options);
  experiment_config["field"] = apply_fresh_value(experiment_config["field"], r.parameter, r.selected_value(), where);
  experiment_config["init"]["parameter"] = r.parameter;
  experiment_config["init"]["selected"] = r.selected_value();
  return r;
}

std::optional<FreshResult> resolve_fresh_init(gpu::Context& ctx, json& experiment_config, const std::string& where,
                                              const Image& target, const FreshProgress& progress) {
  return resolve_fresh_init(experiment_config, where, [&](const FreshOptions& o) {
    return fresh_select(ctx, experiment_config, where, target, o, progress);
  });
}

}  // namespace nf::pipeline
