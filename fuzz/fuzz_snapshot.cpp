// Snapshot files (io::read_snapshot): lengths, checksum, JSON, attachments.
#include "fuzz_input.hpp"
#include "io/snapshot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nf::fuzz::parse_file(data, size, ".nf", [](const std::string& p) { nf::read_snapshot(p); });
}
