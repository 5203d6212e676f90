// Looking back: the last fire time at or before an instant (what a scheduler
// that starts, or wakes, at that instant owes), and the local calendar day
// of an instant.
#include "compiler/cron/cron.h"
#include "compiler/cron/tzdb.h"

namespace flowc::cron {

using std::chrono::seconds;
using std::chrono::sys_seconds;

std::optional<sys_seconds> latest_fire(const CronSpec& spec, std::string_view time_zone, sys_seconds at,
                                       seconds within) {
  // Windows of an hour, a day, a month, a year (capped at `within`): the
  // first that holds a fire is walked forward with next_fire to its last
  // fire at or before `at`. A spec firing every minute walks at most 60
  // steps; one firing monthly, about one.
  for (seconds window : {seconds{3600}, seconds{86400}, seconds{32 * 86400}, seconds{366 * 86400}}) {
    window = std::min(window, within);
    std::optional<sys_seconds> fire = next_fire(spec, time_zone, at - window - seconds{1});
    if (fire && *fire <= at) {
      while (true) {
        std::optional<sys_seconds> later = next_fire(spec, time_zone, *fire);
        if (!later || *later > at) return fire;
        fire = later;
      }
    }
    if (window == within) break;
  }
  return std::nullopt;
}

std::optional<std::chrono::sys_days> local_day(std::string_view time_zone, sys_seconds instant) {
  const date::time_zone* zone = detail::find_zone(time_zone);
  if (zone == nullptr) return std::nullopt;
  try {
    date::local_days day = date::floor<date::days>(zone->to_local(instant));
    return std::chrono::sys_days{day.time_since_epoch()};
  } catch (...) {
    return std::nullopt;  // the zone's data could not be loaded
  }
}

}  // namespace flowc::cron
