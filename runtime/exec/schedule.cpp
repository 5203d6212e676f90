#include "runtime/exec/schedule.h"

#include "compiler/cron/cron.h"
#include "compiler/plan/ds.h"

namespace flowc::runtime::exec {

using std::chrono::sys_seconds;

namespace {

std::optional<cron::CronSpec> spec_of(const std::string& schedule) {
  cron::CronError error;
  return cron::parse(schedule, error);
}

std::string zone_or_utc(const std::string& time_zone) { return time_zone.empty() ? "UTC" : time_zone; }

}  // namespace

std::optional<ScheduledRun> latest_scheduled_run(const std::string& schedule, const std::string& time_zone,
                                                 Clock::time_point now) {
  std::optional<cron::CronSpec> spec = spec_of(schedule);
  if (!spec) return std::nullopt;
  const std::string zone = zone_or_utc(time_zone);
  const std::chrono::days year{366};
  std::optional<sys_seconds> fire =
      cron::latest_fire(*spec, zone, std::chrono::floor<std::chrono::seconds>(now), year);
  if (!fire) return std::nullopt;
  // The interval this fire closes began at the previous fire.
  std::optional<sys_seconds> began = cron::latest_fire(*spec, zone, *fire - std::chrono::seconds{1}, year);
  if (!began) return std::nullopt;
  std::optional<std::chrono::sys_days> day = cron::local_day(zone, *began);
  if (!day) return std::nullopt;
  return ScheduledRun{Clock::time_point{*fire}, plan::ds_text(*day)};
}

std::vector<std::chrono::sys_days> owed_days(const std::string& schedule, const std::string& time_zone,
                                             std::chrono::sys_days first, std::chrono::sys_days last) {
  std::vector<std::chrono::sys_days> out;
  std::optional<cron::CronSpec> spec = spec_of(schedule);
  if (!spec) return out;
  const std::string zone = zone_or_utc(time_zone);
  // From fire to fire, a day at a time: after a fire on day D, the search
  // goes on from D + 1's start, so a schedule firing every minute costs one
  // step per day, not one per fire.
  for (std::chrono::sys_days day = first; day <= last;) {
    std::optional<sys_seconds> begins = cron::local_midnight(zone, day);
    if (!begins) break;
    std::optional<sys_seconds> fire = cron::next_fire(*spec, zone, *begins - std::chrono::seconds{1});
    if (!fire) break;
    std::optional<std::chrono::sys_days> fired_on = cron::local_day(zone, *fire);
    if (!fired_on || *fired_on > last) break;
    out.push_back(*fired_on);
    day = *fired_on + std::chrono::days{1};
  }
  return out;
}

std::optional<Clock::time_point> next_fire_after(const std::string& schedule, const std::string& time_zone,
                                                 Clock::time_point now) {
  std::optional<cron::CronSpec> spec = spec_of(schedule);
  if (!spec) return std::nullopt;
  std::optional<sys_seconds> fire =
      cron::next_fire(*spec, zone_or_utc(time_zone), std::chrono::floor<std::chrono::seconds>(now));
  if (!fire) return std::nullopt;
  return Clock::time_point{*fire};
}

}  // namespace flowc::runtime::exec
