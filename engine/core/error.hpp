#pragma once
// Errors: nf reports every failure as nf::Error, whose message is one line that names the thing at fault
// (a file, a config key, a device) and the problem, e.g. "image foo.png: truncated PNG data".
#include <sstream>
#include <stdexcept>
#include <string>

namespace nf {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Concatenates the arguments with operator<< into one string.
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream s;
  (s << ... << args);
  return s.str();
}

// Throws nf::Error with the concatenated message.
template <class... Args>
[[noreturn]] void fail(const Args&... args) {
  throw Error(cat(args...));
}

}  // namespace nf

// Programming-error check (contract violated by the caller): throws with the location and the hint.
#define NF_ASSERT(cond, ...)                                                                      \
  do {                                                                                            \
    if (!(cond)) ::nf::fail(__FILE__, ":", __LINE__, ": ", #cond, " failed: ", __VA_ARGS__); \
  } while (0)
