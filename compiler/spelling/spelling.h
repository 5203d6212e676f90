// The `.flow` spelling of durations and times of day: the inverse of the
// literals syntax/literal.h decodes. One spelling for every message, plan
// and inventory that shows one, so a value reads as the user would write it.
// Also what of a name's spelling does not count: history_key().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flowc::spelling {

/// Seconds as a `.flow` duration literal: 5400 -> "1h30m", 0 (or less) -> "0s".
std::string duration_text(int64_t seconds);

/// A float as a `.flow` float literal: a digit after the point and never an
/// exponent (2.0 -> "2.0", 0.25 -> "0.25", 1e20 -> "100000000000000000000.0").
std::string float_text(double value);

/// Days since 1970-01-01 as a `.flow` date (and a ds): 20416 -> "2025-11-24".
std::string date_text(int64_t days);

/// Seconds since midnight as a `.flow` time of day: 34200 -> "09:30",
/// 38675 -> "10:44:35" (seconds only when there are some).
std::string time_of_day_text(int64_t seconds);

/// An expectation's name, or a metric's, as its results and `change < P%`
/// history know it: the text without blanks (space, tab, newline, CR, VT,
/// FF). A name without `as` is the condition's own text, and `flowc fmt`
/// (or a hand) may re-space it: the history must not be lost, and two
/// checks that differ only in blanks are one name (E0102).
std::string history_key(std::string_view name);

}  // namespace flowc::spelling
