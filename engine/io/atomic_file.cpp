#include "io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace nf {

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string tmp = cat(path, ".tmp-", ::getpid());
  try {
    write(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  std::error_code ec;
  if (!std::filesystem::exists(tmp, ec)) fail(path, ": writing failed (no data was produced)");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    fail(path, ": cannot write file (", std::strerror(err), ")");
  }
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail(path, ": cannot create file (", std::strerror(errno), ")");
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.flush();
    if (!out) fail(path, ": write failed (", std::strerror(errno), ")");
  });
}

}  // namespace nf
