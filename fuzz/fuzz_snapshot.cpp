// Snapshot files (io::read_snapshot): lengths, checksum, JSON, attachments.
#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "io/snapshot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nf::fuzz::write_input(data, size, ".nf");
  try {
    nf::read_snapshot(path);
  } catch (const nf::Error&) {
  }
  return 0;
}
