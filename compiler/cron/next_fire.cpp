// The next fire time of a cron spec in a time zone, walking local calendar
// days (not minutes) so a rare or impossible spec costs a few thousand cheap
// day checks at most; and the instant a local day begins, under the same
// DST policy.
#include "compiler/cron/cron.h"
#include "compiler/cron/tzdb.h"

namespace flowc::cron {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_seconds;

/// The search bound of the contract: 5 years, counted generously in days.
constexpr int kSearchDays = 5 * 366;

bool day_matches(const CronSpec& spec, const date::year_month_day& ymd, date::weekday wd) {
  bool dom = spec.days_of_month[static_cast<unsigned>(ymd.day())];
  bool dow = spec.days_of_week[wd.c_encoding()];
  // Vixie cron: when both fields are restricted a day matches if either does;
  // otherwise both must (an unrestricted field matches every day anyway).
  if (spec.dom_restricted && spec.dow_restricted) return dom || dow;
  return dom && dow;
}

/// The instant a local wall-clock time stands for, under the DST policy: a
/// time skipped by a spring-forward gap maps to the end of the gap; a time
/// that occurs twice maps to its first occurrence. This mapping never
/// decreases as local time increases, which the search relies on.
sys_seconds resolve(const date::time_zone& zone, date::local_seconds local) {
  date::local_info info = zone.get_info(local);
  if (info.result == date::local_info::nonexistent) return info.first.end;
  return sys_seconds{local.time_since_epoch()} - info.first.offset;
}

}  // namespace

std::optional<sys_seconds> next_fire(const CronSpec& spec, std::string_view time_zone, sys_seconds after) {
  const date::time_zone* zone = detail::find_zone(time_zone);
  if (zone == nullptr) return std::nullopt;
  try {
    // Every local time before local(after) maps to an instant <= after, so
    // the first match at or past it whose instant is > after is the answer.
    const date::local_seconds local_after = zone->to_local(after);
    const date::local_days first_day = date::floor<days>(local_after);
    const auto start = date::floor<minutes>(local_after - first_day);
    const int start_hour = static_cast<int>(date::floor<hours>(start).count());
    const int start_minute = static_cast<int>((start - date::floor<hours>(start)).count());
    const date::local_days last_day = first_day + days{kSearchDays};

    for (date::local_days day = first_day; day <= last_day;) {
      const date::year_month_day ymd{day};
      if (!spec.months[static_cast<unsigned>(ymd.month())]) {
        // Skip the rest of the month in one step.
        day = date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
        continue;
      }
      if (day_matches(spec, ymd, date::weekday{day})) {
        const bool is_first = day == first_day;
        for (int h = is_first ? start_hour : 0; h < 24; ++h) {
          if (!spec.hours[static_cast<size_t>(h)]) continue;
          for (int m = is_first && h == start_hour ? start_minute : 0; m < 60; ++m) {
            if (!spec.minutes[static_cast<size_t>(m)]) continue;
            sys_seconds instant = resolve(*zone, day + hours{h} + minutes{m});
            if (instant > after) return instant;
          }
        }
      }
      day += days{1};
    }
  } catch (...) {
    // The zone's data could not be loaded: no answer rather than a throw.
  }
  return std::nullopt;
}

bool never_fires(const CronSpec& spec) {
  // Five years from a leap year's start see every month-day there is.
  return !next_fire(spec, "UTC", std::chrono::sys_days{std::chrono::year{2000} / 1 / 1});
}

std::optional<sys_seconds> local_midnight(std::string_view time_zone, std::chrono::sys_days day) {
  const date::time_zone* zone = detail::find_zone(time_zone);
  if (zone == nullptr) return std::nullopt;
  try {
    return resolve(*zone, date::local_seconds{day.time_since_epoch()});
  } catch (...) {
    return std::nullopt;  // the zone's data could not be loaded
  }
}

}  // namespace flowc::cron
