#include "assets/bundled_files.hpp"

#include <filesystem>

#include "core/error.hpp"

namespace nf::assets {

std::string bundled_file(const std::string& relative) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path installed = exe.parent_path().parent_path() / "share" / "nf" / relative;
  if (!ec && fs::exists(installed, ec)) return installed.string();
  const fs::path source = fs::path(NF_SOURCE_ASSETS_DIR) / relative;
  if (fs::exists(source, ec)) return source.string();
  fail("bundled file ", relative, ": not found in ", installed.string(), " nor in ", source.string(),
       " (reinstall nf, or pass an input file)");
}

}  // namespace nf::assets
