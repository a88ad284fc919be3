#pragma once
// Writing outputs so that nothing already there is lost: data goes to "<path>.tmp-<pid>", is flushed to the
// disk (fsync), and is renamed over <path> only once it is complete; the folder is synced after the rename.
// On any failure, mid-write included, the temporary file is removed and <path> is untouched.
#include <functional>
#include <string>
#include <string_view>

namespace nf {

// Calls write(temporary_path), which must create the file or throw; then syncs it and renames it to path.
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

// Writes bytes to path atomically.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace nf
