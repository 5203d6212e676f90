#include "cli/text_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/diagnostics/render.h"
#include "runtime/view/text.h"

namespace flowc::cli {

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<TableCell>>& given, bool color) {
  using runtime::view::text_width;
  // Cells hold what tasks, servers and users wrote (errors, names): never
  // raw control characters on a terminal (cli.md).
  std::vector<std::vector<TableCell>> rows = given;
  for (auto& row : rows)
    for (TableCell& cell : row) cell.text = printable(cell.text);
  std::vector<size_t> widths(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) widths[i] = text_width(header[i]);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], text_width(row[i].text));
  auto line = [&](const std::vector<TableCell>& row) {
    std::string out = "  ";
    std::string pending;  // padding, written only when a later cell has text
    for (size_t i = 0; i < row.size(); ++i) {
      const TableCell& cell = row[i];
      if (!cell.text.empty()) {
        out += pending;
        pending.clear();
        out += color && cell.color != nullptr ? fmt::format("\x1b[{}m{}\x1b[0m", cell.color, cell.text) : cell.text;
      }
      size_t width = text_width(cell.text);
      if (i + 1 < row.size() && i < widths.size() && width < widths[i] + 2) pending.append(widths[i] + 2 - width, ' ');
    }
    return out + "\n";
  };
  std::string out = line(std::vector<TableCell>(header.begin(), header.end()));
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string text_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<TableCell>> cells;
  cells.reserve(rows.size());
  for (const auto& row : rows) cells.emplace_back(row.begin(), row.end());
  return text_table(header, cells, false);
}

}  // namespace flowc::cli
