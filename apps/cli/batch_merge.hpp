#pragma once
// `nf batch merge DIR`: the results of every job of DIR/manifest.jsonl in one table, as `nf compare` writes
// them: table.md (per job, then per field), table.csv (per job), fields.csv (per field: jobs done, mean and
// median PSNR or IoU, mean training time). Jobs that are missing, failed or still running are listed, and
// make the command fail (exit 1) after the tables are written.
#include <string>

namespace nf::cli {

void merge_batch(const std::string& dir, bool quiet);

}  // namespace nf::cli
