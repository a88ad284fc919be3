#pragma once
// libFuzzer harness support: nf's parsers read files, so each input is written to a file (in /dev/shm when
// there is one) named with the extension the parser dispatches on, then parsed. nf::Error is the expected
// outcome of bad input; any other exception, crash or sanitizer report is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace nf::fuzz {

inline std::string write_input(const uint8_t* data, size_t size, const std::string& extension) {
  static const std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  const std::string path = dir + "/nf_fuzz_" + std::to_string(::getpid()) + extension;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

// The body of a file-parser target: writes the input to a file ending in `extension` and parses it; nf::Error
// (bad input, said so) is the expected outcome.
template <class Parse>
int parse_file(const uint8_t* data, size_t size, const std::string& extension, Parse parse) {
  const std::string path = write_input(data, size, extension);
  try {
    parse(path);
  } catch (const nf::Error&) {
  }
  return 0;
}

}  // namespace nf::fuzz
