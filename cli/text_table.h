// Aligned plain-text tables for the reports of `impact` and `ops`: the same
// layout as `history` and `status` (two leading spaces, columns two apart,
// no trailing spaces), without colour.
#pragma once

#include <string>
#include <vector>

namespace flowc::cli {

/// One table: `header` then `rows`, every column padded to its widest cell
/// (UTF-8 aware) except the last; a line never ends in spaces.
std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

}  // namespace flowc::cli
