// Cron expressions and time zones: parsing, validation with a precise error
// location, and a bounded next-fire search with an explicit DST policy.
#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowc::cron {

/// A parsed 5-field expression (minute hour day-of-month month day-of-week),
/// or one of the macros @yearly @annually @monthly @weekly @daily @midnight
/// @hourly. Names (jan..dec, sun..sat) are accepted case-insensitively; 7 is
/// Sunday as well as 0.
struct CronSpec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bit 1..31
  std::bitset<13> months;         // bit 1..12
  std::bitset<7> days_of_week;    // bit 0 = Sunday
  bool dom_restricted = false;    // field does not start with `*` (as in Vixie
  bool dow_restricted = false;    // cron, "*/2" counts as unrestricted)
};

/// A parse error: message (lower-case, no trailing period) and the byte
/// offset range inside the expression text.
struct CronError {
  std::string message;
  uint32_t begin = 0;
  uint32_t end = 0;
};

/// Parses `text`; on failure returns nullopt and fills `error`.
std::optional<CronSpec> parse(std::string_view text, CronError& error);

/// True when `name` is an IANA time zone known to the system's tzdata
/// ("UTC" and "Europe/Berlin" are; "Europe/Berln" is not).
bool is_valid_time_zone(std::string_view name);

/// The closest known time-zone name to `name`, or empty when none is near.
std::string closest_time_zone(std::string_view name);

/// The first fire time strictly after `after`, evaluated in `time_zone`.
/// When day-of-month and day-of-week are both restricted, a day matches if
/// either does (the Vixie cron OR rule). DST policy: a local time that does
/// not exist (spring forward) fires at the first instant after the gap; a
/// local time that occurs twice (fall back) fires once, at the first
/// occurrence. Searches at most 5 years ahead; nullopt when nothing matches
/// (e.g. "0 0 30 2 *").
std::optional<std::chrono::sys_seconds> next_fire(const CronSpec& spec, std::string_view time_zone,
                                                  std::chrono::sys_seconds after);

/// Whether a well-formed spec never fires, in any year or time zone: no
/// month it names has the day it names (`0 7 30 2 *`). What `flowc check`
/// reports as E0204, and what the crontab importer comments out.
bool never_fires(const CronSpec& spec);

/// The last fire time at or before `at`, looking back at most `within`
/// (nullopt when nothing fired in that window, or the zone is unknown). The
/// search widens its window from an hour, so a frequent spec costs a few
/// next_fire steps and a monthly one a month of them.
std::optional<std::chrono::sys_seconds> latest_fire(const CronSpec& spec, std::string_view time_zone,
                                                    std::chrono::sys_seconds at, std::chrono::seconds within);

/// The calendar day `instant` falls on in `time_zone` (nullopt for an unknown zone).
std::optional<std::chrono::sys_days> local_day(std::string_view time_zone, std::chrono::sys_seconds instant);

/// The instant `day` begins in `time_zone`: its local midnight, or the end
/// of the gap when a DST change skips midnight (nullopt for an unknown zone).
std::optional<std::chrono::sys_seconds> local_midnight(std::string_view time_zone, std::chrono::sys_days day);

}  // namespace flowc::cron
