#include "batch_manifest.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "pipeline/configs.hpp"

namespace nf::cli {
namespace {

namespace fs = std::filesystem;

// FNV-1a, 64 bits: a stable digest (same bytes, same value, on every machine and build).
struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void add(const char* data, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ uint8_t(data[i])) * 0x100000001b3ull;
  }
  void add(const std::string& s) { add(s.data(), s.size()); }
};

void add_file(Fnv& f, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string(), ": cannot read");
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    f.add(buffer, size_t(in.gcount()));
  }
}

// What makes an input what it is: a file's bytes. A scene (a folder, or a transforms .json file and its
// folder): the bytes of the folder's .json files and the relative path and size of every file below it (its
// photos), which catches re-rendered or replaced photos without reading them all.
std::string input_digest(const std::string& input) {
  Fnv f;
  const bool folder = fs::is_directory(input), scene_file = !folder && fs::path(input).extension() == ".json";
  if (!folder) add_file(f, input);
  if (folder || scene_file) {
    const fs::path root = folder ? fs::path(input) : fs::path(input).parent_path();
    std::vector<fs::path> files;
    for (const auto& e :
         fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      f.add(fs::relative(p, root).string() + "\n" + std::to_string(fs::file_size(p)) + "\n");
      if (folder && p.parent_path() == root && p.extension() == ".json") add_file(f, p);
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(f.h));
  return hex;
}

// Letters, digits, '.', '_' and '-' only (ids are folder names on every file system).
std::string file_name_part(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(uint8_t(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
  return out.empty() ? "_" : out;
}

std::string stem_of(const std::string& path) {
  fs::path p(path);
  if (p.has_filename() && !fs::is_directory(p)) return p.stem().string();
  while (!p.empty() && !p.has_filename()) p = p.parent_path();  // "scene/" -> "scene"
  return p.filename().string();
}

}  // namespace

std::string job_id(const BatchJob& job) {
  // What determines the result: the input (input_digest) and the config's content (a built-in config's too,
  // so that a changed default is a new job), not where they live; the seed, the steps and the overrides.
  const json what = {{"input", input_digest(job.input)},
                     {"field", pipeline::load_config(job.field).value.dump()},
                     {"seed", job.seed},
                     {"steps", job.steps},
                     {"set", job.overrides}};
  Fnv f;
  f.add(what.dump());
  char hex[13];
  std::snprintf(hex, sizeof hex, "%012llx", static_cast<unsigned long long>(f.h >> 16));
  return file_name_part(stem_of(job.input)) + "-" + file_name_part(stem_of(job.field)) + "-s" +
         std::to_string(job.seed) + "-" + hex;
}

std::vector<BatchJob> plan_jobs(const std::vector<std::string>& inputs,
                                const std::vector<std::string>& fields, const std::vector<uint32_t>& seeds,
                                uint32_t steps, const std::vector<std::string>& overrides) {
  if (inputs.empty()) fail("nf batch plan: no inputs");
  if (fields.empty()) fail("nf batch plan: --fields needs at least one config name or .json file");
  if (seeds.empty()) fail("nf batch plan: --seeds needs at least one seed");
  // Every config must load and take every override, so that no job fails on them later.
  std::vector<std::string> field_refs;
  for (const auto& f : fields) {
    auto config = pipeline::load_config(f);
    for (const auto& o : overrides) pipeline::apply_override(config.value, o);
    field_refs.push_back(fs::path(f).extension() == ".json" ? fs::absolute(f).lexically_normal().string()
                                                            : f);
  }
  std::vector<BatchJob> jobs;
  std::map<std::string, std::string> input_of_id;
  for (const auto& input : inputs) {
    if (!fs::exists(input)) fail(input, ": no such file or folder");
    const std::string absolute = fs::absolute(input).lexically_normal().string();
    for (const auto& field : field_refs)
      for (uint32_t seed : seeds) {
        BatchJob job{"", absolute, field, seed, steps, overrides};
        job.id = job_id(job);
        const auto [it, inserted] = input_of_id.emplace(job.id, input);
        if (!inserted) {
          log_warning("nf batch plan: " + input + " has the same bytes as " + it->second +
                      ": planned once (job " + job.id + ")");
          continue;
        }
        jobs.push_back(std::move(job));
      }
  }
  return jobs;
}

std::string manifest_text(const std::vector<BatchJob>& jobs) {
  std::string text;
  for (const auto& j : jobs)
    text += json{{"id", j.id},     {"input", j.input}, {"field", j.field},
                 {"seed", j.seed}, {"steps", j.steps}, {"set", j.overrides}}
                .dump() +
            "\n";
  return text;
}

std::vector<BatchJob> read_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("manifest ", path, ": cannot read");
  std::vector<BatchJob> jobs;
  std::set<std::string> ids;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = "manifest " + path + " line " + std::to_string(n);
    json value;
    try {
      value = json::parse(line);
    } catch (const json::exception& e) {
      fail(where, ": not JSON (", e.what(), ")");
    }
    if (!value.is_object()) fail(where, ": not a JSON object");
    ConfigReader r(value, where);
    BatchJob j;
    j.id = r.required<std::string>("id");
    j.input = r.required<std::string>("input");
    j.field = r.required<std::string>("field");
    j.seed = r.required<uint32_t>("seed");
    j.steps = r.get<uint32_t>("steps", 0);
    j.overrides = r.get<std::vector<std::string>>("set", {});
    r.finish();
    if (j.id.empty() || file_name_part(j.id) != j.id || j.id == "." || j.id == "..")
      fail(where, ": id '", j.id, "' is not a folder name (letters, digits, '.', '_' and '-')");
    if (!ids.insert(j.id).second) fail(where, ": id '", j.id, "' repeats an earlier line's");
    jobs.push_back(std::move(j));
  }
  if (jobs.empty()) fail("manifest ", path, ": holds no jobs");
  return jobs;
}

std::vector<std::string> fit_arguments(const BatchJob& job, const std::string& out) {
  std::vector<std::string> args = {
      "fit", job.input, "--field", job.field, "--seed", std::to_string(job.seed), "--out", out};
  if (job.steps) args.insert(args.end(), {"--steps", std::to_string(job.steps)});
  for (const auto& o : job.overrides) args.insert(args.end(), {"--set", o});
  return args;
}

}  // namespace nf::cli
