// The `.flow` spelling of durations and times of day: the inverse of the
// literals syntax/literal.h decodes. One spelling for every message, plan
// and inventory that shows one, so a value reads as the user would write it.
#pragma once

#include <cstdint>
#include <string>

namespace flowc::spelling {

/// Seconds as a `.flow` duration literal: 5400 -> "1h30m", 0 (or less) -> "0s".
std::string duration_text(int64_t seconds);

/// Seconds since midnight as a `.flow` time of day: 34200 -> "09:30",
/// 38675 -> "10:44:35" (seconds only when there are some).
std::string time_of_day_text(int64_t seconds);

}  // namespace flowc::spelling
