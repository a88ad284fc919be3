#pragma once
// Snapshots: a trained field = its JSON description + its parameters (+ optionally the optimizer state),
// in one binary file:
//
//   "NFSNAP\r\n" | u32 format version | u64 json bytes | json | u64 n | n x f32 parameters |
//   u8 has_optimizer [ | u64 step | n x f32 first moment | n x f32 second moment ] |
//   u64 attachments | per attachment: u64 name bytes | name | u64 bytes | data   (version 2 on) |
//   u32 CRC-32 of all before
//
// Little-endian. Files are written atomically. Reading checks the magic, the version, every length and the
// checksum, and names the file and the problem on any mismatch. Version 1 files (no attachments) still read.
// Attachments hold a task's other state by name (a radiance field's occupancy grid).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "nn/optimizers/optimizer_state.hpp"

namespace nf {

inline constexpr uint32_t kSnapshotVersion = 2;

struct Snapshot {
  json description;  // the field's config and task metadata
  std::vector<float> parameters;
  std::optional<nn::OptimizerState> optimizer;
  std::map<std::string, std::string> attachments;  // name -> bytes
};

void write_snapshot(const std::string& path, const Snapshot& snapshot);
Snapshot read_snapshot(const std::string& path);

uint32_t crc32(const void* data, size_t bytes, uint32_t crc = 0);

}  // namespace nf
