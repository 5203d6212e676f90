// The values `flowc inventory --import crontab` suggests in a legacy block
// for what only people know (the tables, the consumers, the symptoms): an
// engineer who uncomments them unchanged has filled in nothing, so the
// inventory still lists those fields as missing. One definition for the
// import that writes them and the inventory that reads them.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace flowc::inventory {

inline constexpr std::string_view kPlaceholderTable = "schema.table";
inline constexpr std::string_view kPlaceholderConsumer = "dashboard or team";
inline constexpr std::string_view kPlaceholderSymptoms = "...";

/// Whether a written list still holds the import's suggestion: the field is
/// not filled in yet (the inventory lists it, W0405 names it, and W0408
/// does not take two jobs' `schema.table` for one table).
inline bool holds_placeholder(const std::vector<std::string>& values, std::string_view suggested) {
  return std::find(values.begin(), values.end(), suggested) != values.end();
}

}  // namespace flowc::inventory
