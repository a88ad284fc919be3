#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace nf {
namespace {

// Flushes a file (or a folder's entries) to the disk; returns errno, or 0.
int sync_path(const std::string& p, bool folder) {
  const int fd = ::open(p.c_str(), folder ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return errno;
  const int r = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return r;
}

}  // namespace

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string tmp = cat(path, ".tmp-", ::getpid());
  try {
    write(tmp);
    std::error_code ec;
    if (!std::filesystem::exists(tmp, ec)) fail(path, ": writing failed (no data was produced)");
    if (const int err = sync_path(tmp, false)) fail(path, ": cannot flush the file to disk (", std::strerror(err), ")");
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail(path, ": cannot write file (", std::strerror(errno), ")");
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  // The rename is durable once the folder's entries are; a folder that cannot be synced (some file systems)
  // still holds the complete file.
  std::string folder = std::filesystem::path(path).parent_path().string();
  sync_path(folder.empty() ? "." : folder, true);
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  write_atomically(path, [&](const std::string& tmp) {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, ": cannot create file (", std::strerror(errno), ")");
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : EIO;
        ::close(fd);
        fail(path, ": write failed after ", done, " of ", bytes.size(), " bytes (", std::strerror(err), ")");
      }
      done += size_t(n);
    }
    if (::close(fd) != 0) fail(path, ": write failed (", std::strerror(errno), ")");
  });
}

}  // namespace nf
