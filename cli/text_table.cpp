#include "cli/text_table.h"

#include <algorithm>

#include "runtime/view/text.h"

namespace flowc::cli {

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
  using runtime::view::text_width;
  std::vector<size_t> widths(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) widths[i] = text_width(header[i]);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], text_width(row[i]));
  auto line = [&](const std::vector<std::string>& row) {
    std::string out = "  ";
    std::string pending;  // padding, written only when a later cell has text
    for (size_t i = 0; i < row.size(); ++i) {
      if (!row[i].empty()) {
        out += pending + row[i];
        pending.clear();
      }
      if (i + 1 < row.size()) pending.append(widths[i] + 2 - text_width(row[i]), ' ');
    }
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

}  // namespace flowc::cli
