#include "config_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "pipeline/configs.hpp"

namespace nf::viewer {
namespace {

const json kCam = {{"type", "cam"}, {"resolution", 32}, {"lr_scale", 10.0}};

json without_lr(json c) {
  if (c.contains("optimizer") && c["optimizer"].is_object()) c["optimizer"].erase("lr");
  return c;
}

double lr_of(const json& c) {
  if (c.contains("optimizer") && c["optimizer"].is_object() && c["optimizer"].contains("lr"))
    return c["optimizer"]["lr"].get<double>();
  return 1e-3;  // Adam's default (nn/optimizers/adam.hpp)
}

// Widgets editing one value of a JSON object in place; return true when changed.
bool edit_int(const char* label, json& obj, const char* key, int fallback) {
  int v = obj.is_object() && obj.contains(key) ? obj[key].get<int>() : fallback;
  if (!ImGui::InputInt(label, &v, 1, 16, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  obj[key] = v;
  return true;
}
bool edit_float(const char* label, json& obj, const char* key, double fallback, const char* format = "%.4g") {
  double v = obj.is_object() && obj.contains(key) ? obj[key].get<double>() : fallback;
  if (!ImGui::InputDouble(label, &v, 0, 0, format, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  obj[key] = v;
  return true;
}
bool edit_json(const char* label, json& obj, const char* key) {
  std::string text = obj.is_object() && obj.contains(key) ? obj[key].dump() : "";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", text.c_str());
  if (!ImGui::InputText(label, buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
  try {
    obj[key] = json::parse(buf);
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

// An MLP or RBF network's widgets; label names it ("" for a field's one network, "colour " for a radiance field's
// colour network, ...). ImGui ids carry the label, so that two networks' widgets stay apart. cam_toggle: a
// checkbox adds or removes CAM's modulation.
void draw_network_widgets(const std::string& label, json& net, bool cam_toggle) {
  const std::string type = net.value("type", "");
  if (type == "rbf") {
    edit_int((label + "neurons").c_str(), net, "neurons", 64);
  } else if (type == "mlp") {
    edit_int((label + "MLP width").c_str(), net, "width", 64);
    edit_int((label + "MLP hidden layers").c_str(), net, "hidden_layers", 2);
    if (net.value("activation", "") == "sine") {
      edit_float("SIREN omega_0 (first)", net, "first_omega", 30.0);
      edit_float("SIREN omega (hidden)", net, "hidden_omega", 30.0);
    }
    bool cam = net.contains("modulation");
    if (cam_toggle && ImGui::Checkbox((label + "CAM modulation").c_str(), &cam)) {
      if (cam)
        net["modulation"] = kCam;
      else
        net.erase("modulation");
    }
    if (net.contains("modulation")) edit_int((label + "CAM grid size").c_str(), net["modulation"], "resolution", 32);
  }
}

// The field's widgets, for what it has: an encoding and one network (image and SDF fields), or a radiance field's
// density and colour networks. Keys the field lacks are never added.
void draw_field_widgets(json& field) {
  const auto object = [&](const char* key) { return field.contains(key) && field[key].is_object(); };
  const std::string enc_type = object("encoding") ? field["encoding"].value("type", "") : "";
  std::string nets;
  for (const char* key : {"network", "density_network", "color_network"})
    if (object(key)) nets += (nets.empty() ? "" : ", ") + field[key].value("type", std::string("?"));
  ImGui::Text("encoding %s, network %s", enc_type.c_str(), nets.c_str());
  // A radiance field's CAM is its config's (nerf-hashgrid-cam: the colour network, normalised over rays).
  if (object("network")) draw_network_widgets("", field["network"], true);
  if (object("density_network")) draw_network_widgets("density ", field["density_network"], false);
  if (object("color_network")) draw_network_widgets("colour ", field["color_network"], false);
  if (!object("encoding")) return;
  json& enc = field["encoding"];
  if (enc_type == "dif_grid") {
    edit_json("grid resolutions", enc, "resolutions");
    edit_json("grid channels", enc, "channels");
  } else if (enc_type == "fourier") {
    edit_float("Fourier sigma", enc, "sigma", 1.0);
    edit_int("Fourier frequencies", enc, "frequencies", 256);
  } else if (enc_type == "hashgrid") {
    edit_int("hash levels", enc, "levels", 16);
    edit_int("hash log2 table size", enc, "log2_table_size", 19);
    edit_int("hash base resolution", enc, "base_resolution", 16);
  }
}

}  // namespace

const json& cam_modulation() {
  return kCam;
}

bool ConfigEdits::rebuild_pending() const {
  return without_lr(edited_) != without_lr(applied_);
}

double ConfigEdits::learning_rate() const {
  return lr_of(edited_);
}

double ConfigEdits::learning_rate_scale() const {
  return lr_of(edited_) / lr_of(applied_);
}

void ConfigEdits::edit(const std::string& assignment) {
  pipeline::apply_override(edited_, assignment);
}

ConfigRequest draw_config_panel(const std::string& config_name, const std::vector<std::string>& choices,
                                ConfigEdits& edits, const std::vector<std::string>& losses,
                                std::string& set_text) {
  ConfigRequest r;
  if (ImGui::BeginCombo("config", config_name.c_str())) {
    for (const auto& n : choices)
      if (ImGui::Selectable(n.c_str(), n == config_name)) r.config = n;
    ImGui::EndCombo();
  }
  double lr = edits.learning_rate();
  if (ImGui::InputDouble("learning rate", &lr, 0, 0, "%.3g", ImGuiInputTextFlags_EnterReturnsTrue) && lr > 0)
    r.assignment = cat("optimizer.lr=", lr);
  ImGui::SameLine();
  ImGui::TextDisabled("(live)");

  json& edited = edits.edited();
  draw_field_widgets(edited["field"]);
  if (edited.contains("samples_per_step"))  // radiance fields
    edit_int("samples per step", edited, "samples_per_step", 1 << 18);
  else if (edited.value("sampling", "random") == "random")
    edit_int("batch size", edited, "batch_size", 1 << 18);
  const std::string loss =
      edited.contains("loss") && edited["loss"].is_object() ? edited["loss"].value("type", losses.front()) : losses.front();
  if (ImGui::BeginCombo("loss", loss.c_str())) {
    for (const auto& l : losses)
      if (ImGui::Selectable(l.c_str(), loss == l))
        edited["loss"] = json::object({{"type", l}});  // its own defaults
    ImGui::EndCombo();
  }
  edit_int("steps", edited, "steps", 1000);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", set_text.c_str());
  if (ImGui::InputText("key=JSON", buf, sizeof buf)) set_text = buf;
  ImGui::SameLine();
  if (ImGui::SmallButton("set")) r.assignment = set_text;

  if (edits.rebuild_pending()) {
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.2f, 1.0f), "Edits pending: applying re-initialises the model");
    r.apply = ImGui::Button("Apply (re-initialise)");
    ImGui::SameLine();
    r.discard = ImGui::Button("Discard");
  }
  return r;
}

void guarded(std::string& error, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    error = e.what();
  }
}

void draw_messages(const std::string& notice, const std::string& error) {
  if (!notice.empty()) ImGui::TextDisabled("%s", notice.c_str());
  if (!error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.3f, 1.0f), "%s", error.c_str());
}

FreshRequest draw_fresh_panel(const json& field_config, int& inits, const std::optional<pipeline::FreshResult>& result) {
  FreshRequest r;
  const auto params = pipeline::fresh_parameters(field_config);
  if (params.empty() || !ImGui::CollapsingHeader("FreSh")) return r;
  ImGui::TextWrapped("Picks %s from the spectra of untrained initialisations (blocks while it runs).",
                     params.front().c_str());
  ImGui::InputInt("inits per candidate", &inits);
  inits = std::clamp(inits, 1, 20);
  r.run = ImGui::Button("Run FreSh");
  if (!result) return r;
  std::vector<float> w1;
  for (const auto& c : result->candidates) w1.push_back(std::isfinite(c.mean_w1) ? float(c.mean_w1) : 0.0f);
  const std::string label = cat("W1 vs ", result->parameter, " (", result->candidates.front().value, " .. ",
                                result->candidates.back().value, ")");
  ImGui::PlotLines("##fresh_w1", w1.data(), int(w1.size()), 0, label.c_str(), FLT_MAX, FLT_MAX, ImVec2(0, 80));
  ImGui::Text("pick: %s = %g", result->parameter.c_str(), result->selected_value());
  ImGui::SameLine();
  r.apply = ImGui::Button("Apply pick (re-initialise)");
  return r;
}

}  // namespace nf::viewer
