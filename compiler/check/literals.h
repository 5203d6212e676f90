// Literal spellings of §2 read from and written to text: used to suggest the
// literal a user meant (`timeout = "20m"` -> write `20m`) and to print values
// in messages. Read as the parser reads them (syntax::decode_number).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowc::check {

/// Seconds of a duration such as `30s`, `1h30m` (units d h m s, descending,
/// each at most once); nullopt when `text` is not one, `too_large` set when
/// it is one past the longest (a million days).
std::optional<int64_t> parse_duration(std::string_view text, bool* too_large = nullptr);
/// Seconds since midnight of `07:00` or `23:59:30`; nullopt otherwise.
std::optional<int64_t> parse_time_of_day(std::string_view text);
/// True when `text` is a `YYYY-MM-DD` date with a valid month and day.
bool is_date(std::string_view text);
/// True for `42`, `1_000_000`.
bool is_int(std::string_view text);
/// True for `0.25`.
bool is_float(std::string_view text);
/// True for `5%` and `0.5%`.
bool is_percent(std::string_view text);
/// True for `[A-Za-z_][A-Za-z0-9_]*`.
bool is_identifier(std::string_view text);
/// True when `text` is empty or only blanks (spaces, tabs, newlines): a
/// string that says nothing, for an attribute that must say something.
bool is_blank(std::string_view text);

/// `text` trimmed of surrounding spaces.
std::string_view trim(std::string_view text);

}  // namespace flowc::check
