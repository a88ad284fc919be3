#pragma once
// Hyperparameter editing shared by the viewer's modes. ConfigEdits holds an edited copy of an experiment's
// JSON config beside the applied one (what the running experiment was built from): the learning rate
// (optimizer.lr) applies live through learning_rate_scale(); any other difference is pending until the mode
// rebuilds its experiment (fresh parameters). draw_config_panel() draws the widgets and reports what the
// user asked for; the mode carries it out (and shows errors) its own way.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "pipeline/fresh.hpp"

namespace nf::viewer {

class ConfigEdits {
 public:
  // Both edited and applied become config (after a rebuild).
  void set_applied(const json& config) { edited_ = applied_ = config; }
  json& edited() { return edited_; }
  const json& edited() const { return edited_; }
  const json& applied() const { return applied_; }
  // Edits that need a rebuild (anything but the learning rate) not yet applied.
  bool rebuild_pending() const;
  double learning_rate() const;        // the edited one (Adam's default when the config has none)
  double learning_rate_scale() const;  // edited / applied learning rate
  // Edits the edited config at a dotted path (pipeline::apply_override syntax; throws on bad syntax).
  void edit(const std::string& assignment);
  void discard() { edited_ = applied_; }

 private:
  json edited_, applied_;
};

// What the user asked for in this frame's config section.
struct ConfigRequest {
  std::optional<std::string> config;      // a named config chosen
  std::optional<std::string> assignment;  // "key=JSON" (the learning rate too)
  bool apply = false, discard = false;
};

// The config section: the named-config combo (choices), the learning rate (live), the field's
// hyperparameters by encoding and network type, batch size, loss (losses: the choices), steps, a free
// "key=JSON" field (set_text keeps it between frames), and, when a rebuild is pending, a clear
// re-initialisation warning with Apply / Discard. Widgets edit edits.edited() directly.
ConfigRequest draw_config_panel(const std::string& config_name, const std::vector<std::string>& choices,
                                ConfigEdits& edits, const std::vector<std::string>& losses,
                                std::string& set_text);

// CAM's modulation block with the viewer's defaults (32x32 grids, lr scale 10), for "modulation" in an MLP.
const json& cam_modulation();

// FreSh's section (when the field has a parameter FreSh picks): initialisations per candidate, a Run button, the
// last selection's W1 plot and its pick with an Apply button. Returns what was asked for this frame.
struct FreshRequest {
  bool run = false, apply = false;
};
FreshRequest draw_fresh_panel(const json& field_config, int& inits, const std::optional<pipeline::FreshResult>& result);

// Runs fn; an nf::Error it throws becomes `error` (shown in the panel) instead of propagating.
void guarded(std::string& error, const std::function<void()>& fn);

// The mode's notice (grey) and error (red) lines under its config section.
void draw_messages(const std::string& notice, const std::string& error);

}  // namespace nf::viewer
