// A logical date (`ds`) as the plan, the flags and the state database write
// it: YYYY-MM-DD, a real calendar day of the years 0001 to 9999. Read and
// written here only, so that `--ds`, `--from`, a schedule's owed day and a
// date literal in SQL can never disagree on what a day looks like.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace flowc::plan {

/// The day `text` names, when it is exactly YYYY-MM-DD and a real calendar
/// day of the years 0001 to 9999 (there is no year 0: PostgreSQL rejects
/// 0000-01-01, and later years do not fit the four digits).
std::optional<std::chrono::sys_days> parse_ds(std::string_view text);

/// `day` as YYYY-MM-DD.
std::string ds_text(std::chrono::sys_days day);

}  // namespace flowc::plan
