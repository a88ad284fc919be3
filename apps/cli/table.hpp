#pragma once
// Result tables as `nf compare` and `nf batch merge` write them: one Markdown table for people
// (table.md) and one CSV for programs (table.csv), from the same cells.
#include <string>
#include <vector>

namespace nf::cli {

struct Table {
  // Header cells: the Markdown title and the CSV name of each column.
  struct Column {
    std::string title, csv;
  };
  std::vector<Column> columns;
  // Each row has one cell per column (an empty cell: the value does not apply).
  std::vector<std::vector<std::string>> rows;

  void add(std::vector<std::string> row);
  std::string markdown() const;
  // RFC 4180: cells with a comma, quote or line break are quoted.
  std::string csv() const;
};

// A number with `digits` decimals ("12.35").
std::string fixed(double value, int digits);

}  // namespace nf::cli
