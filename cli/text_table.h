// Aligned plain-text tables for the reports of `history`, `status`,
// `impact` and `ops`: two leading spaces, columns two apart, every column
// padded to its widest cell (UTF-8 aware) except the last, no line ending in
// spaces; colour, when asked for, wraps a cell's text, never its padding.
#pragma once

#include <string>
#include <vector>

namespace flowc::cli {

/// One cell: its text and an SGR colour code ("31") or none.
struct TableCell {
  std::string text;
  const char* color = nullptr;
  TableCell(std::string text_, const char* color_ = nullptr) : text(std::move(text_)), color(color_) {}  // NOLINT
};

/// `header` then `rows`; cells are coloured only when `color` is set.
std::string text_table(const std::vector<std::string>& header, const std::vector<std::vector<TableCell>>& rows,
                       bool color);

/// The same table without colour.
std::string text_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

/// A cell's text, `-` when there is none (an empty cell would shift the
/// columns a reader scans by eye).
inline std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

}  // namespace flowc::cli
