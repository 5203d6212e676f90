#include "runtime/exec/deadline.h"

#include <fmt/format.h>

#include "compiler/cron/cron.h"
#include "compiler/plan/ds.h"

namespace flowc::runtime::exec {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

/// A spec that fires once a day at hh:mm.
cron::CronSpec daily_at(int64_t hour, int64_t minute) {
  cron::CronSpec spec;
  spec.minutes.set(static_cast<size_t>(minute));
  spec.hours.set(static_cast<size_t>(hour));
  spec.days_of_month.set();
  spec.days_of_month.reset(0);
  spec.months.set();
  spec.months.reset(0);
  spec.days_of_week.set();
  return spec;
}

}  // namespace

std::optional<sys_seconds> run_deadline(const plan::Plan& plan) {
  if (!plan.deadline_seconds) return std::nullopt;
  int64_t time_of_day = *plan.deadline_seconds;
  if (time_of_day < 0 || time_of_day >= 24 * 3600) return std::nullopt;
  std::optional<sys_days> ds = plan::parse_ds(plan.ds);
  if (!ds) return std::nullopt;
  const std::string zone = plan.time_zone.empty() ? "UTC" : plan.time_zone;
  std::optional<sys_seconds> day_after = cron::local_midnight(zone, *ds + days{1});
  if (!day_after) return std::nullopt;

  sys_seconds fire = *day_after;
  if (!plan.schedule.empty()) {
    cron::CronError error;
    std::optional<cron::CronSpec> spec = cron::parse(plan.schedule, error);
    if (!spec) return std::nullopt;
    // next_fire is strictly after; fires fall on whole minutes.
    std::optional<sys_seconds> next = cron::next_fire(*spec, zone, *day_after - seconds{1});
    if (!next) return std::nullopt;
    fire = *next;
  }

  // The deadline's hh:mm as a daily cron (DST policy included), then its
  // seconds: the first occurrence at or after the fire time.
  int64_t extra = time_of_day % 60;
  cron::CronSpec at = daily_at(time_of_day / 3600, (time_of_day / 60) % 60);
  std::optional<sys_seconds> due = cron::next_fire(at, zone, fire - seconds{extra} - seconds{1});
  if (!due) return std::nullopt;
  return *due + seconds{extra};
}

std::string format_instant(sys_seconds instant) {
  auto seconds_since = instant;
  auto day = std::chrono::floor<days>(seconds_since);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss time{seconds_since - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()), time.hours().count(), time.minutes().count(), time.seconds().count());
}

}  // namespace flowc::runtime::exec
