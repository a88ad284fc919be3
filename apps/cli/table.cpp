#include "table.hpp"

#include <cstdio>

#include "core/error.hpp"

namespace nf::cli {

void Table::add(std::vector<std::string> row) {
  if (row.size() != columns.size())
    fail("internal: a table row has ", row.size(), " cells for ", columns.size(), " columns");
  rows.push_back(std::move(row));
}

std::string Table::markdown() const {
  std::string md = "|", rule = "|";
  for (const auto& c : columns) {
    md += " " + c.title + " |";
    rule += " --- |";
  }
  md += "\n" + rule + "\n";
  for (const auto& row : rows) {
    md += "|";
    for (const auto& cell : row) md += " " + cell + " |";
    md += "\n";
  }
  return md;
}

namespace {
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}
}  // namespace

std::string Table::csv() const {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(columns[i].csv);
  }
  out += "\n";
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += csv_cell(row[i]);
    }
    out += "\n";
  }
  return out;
}

std::string fixed(double value, int digits) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, value);
  return b;
}

}  // namespace nf::cli
