// The values `flowc inventory --import crontab` suggests in a legacy block
// for what only people know (the tables, the consumers, the symptoms): an
// engineer who uncomments them unchanged has filled in nothing, so the
// inventory still lists those fields as missing. One definition for the
// import that writes them and the inventory that reads them.
#pragma once

#include <string_view>

namespace flowc::inventory {

inline constexpr std::string_view kPlaceholderTable = "schema.table";
inline constexpr std::string_view kPlaceholderConsumer = "dashboard or team";
inline constexpr std::string_view kPlaceholderSymptoms = "...";

}  // namespace flowc::inventory
