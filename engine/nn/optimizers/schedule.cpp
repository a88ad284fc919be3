#include "nn/optimizers/schedule.hpp"

#include <cmath>

#include "core/error.hpp"

namespace nf::nn {

Schedule Schedule::from_config(ConfigReader& c) {
  Schedule s;
  const auto type = c.get<std::string>("type", "constant");
  if (type == "constant") {
    s.kind_ = Kind::Constant;
  } else if (type == "exponential") {
    s.kind_ = Kind::Exponential;
    s.decay_ = c.required<double>("decay");
    s.span_steps_ = c.get<uint32_t>("steps", 0);
    if (!(s.decay_ > 0)) fail(c.where(), ": decay must be > 0");
  } else if (type == "multistep") {
    s.kind_ = Kind::Multistep;
    s.milestones_ = c.required<std::vector<double>>("milestones");
    s.gamma_ = c.get<double>("gamma", 0.1);
    for (double m : s.milestones_)
      if (!(m > 0 && m < 1)) fail(c.where(), ": milestones are fractions of the step budget, in (0, 1)");
  } else {
    fail(c.where(), ": unknown schedule type '", type, "' (known: constant, exponential, multistep)");
  }
  c.finish();
  return s;
}

json Schedule::config() const {
  switch (kind_) {
    case Kind::Constant: return {{"type", "constant"}};
    case Kind::Exponential: {
      json j = {{"type", "exponential"}, {"decay", decay_}};
      if (span_steps_) j["steps"] = span_steps_;
      return j;
    }
    case Kind::Multistep: return {{"type", "multistep"}, {"milestones", milestones_}, {"gamma", gamma_}};
  }
  return {};
}

double Schedule::factor(uint32_t step, uint32_t total_steps) const {
  const double done = step >= 1 ? double(step - 1) : 0.0;
  switch (kind_) {
    case Kind::Constant: return 1.0;
    case Kind::Exponential: {
      const double span = span_steps_ ? double(span_steps_) : double(std::max<uint32_t>(total_steps, 1));
      return std::pow(decay_, done / span);
    }
    case Kind::Multistep: {
      double f = 1.0;
      for (double m : milestones_)
        if (done >= std::floor(m * total_steps)) f *= gamma_;
      return f;
    }
  }
  return 1.0;
}

}  // namespace nf::nn
