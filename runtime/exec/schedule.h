// What a workflow's `schedule` owes at an instant (`flowc schedule`): the
// run its latest fire time stands for. A fire closes the interval that began
// at the previous fire; the run's ds is `logical_date`, the local date of
// that start (docs/language.md §5.5): yesterday for a daily schedule, the
// previous Monday for a weekly one, the first of last month for a monthly
// one. For a schedule firing at most once a day this is the inverse of
// deadline.h, which finds a run's fire as the first one on or after local
// midnight of ds + 1.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/events/events.h"

namespace flowc::runtime::exec {

/// A run a schedule owes.
struct ScheduledRun {
  Clock::time_point fire;
  std::string ds;  // YYYY-MM-DD
};

/// The run the latest fire of `schedule` (cron text) in `time_zone` at or
/// before `now` stands for, looking back at most a year for it and a year
/// before it for the previous fire. Nullopt when there are no two such
/// fires, or the schedule or zone cannot be read (the compiler rejects those).
std::optional<ScheduledRun> latest_scheduled_run(const std::string& schedule, const std::string& time_zone,
                                                 Clock::time_point now);

/// The days from `first` to `last` (inclusive) a run of `schedule` is owed
/// for, oldest first: those on which it fires (each fire opens an interval,
/// whose ds is the local day it begins; a weekly schedule owes one day a
/// week). Empty when the schedule or zone cannot be read.
std::vector<std::chrono::sys_days> owed_days(const std::string& schedule, const std::string& time_zone,
                                             std::chrono::sys_days first, std::chrono::sys_days last);

/// The first fire of `schedule` strictly after `now`; nullopt as above.
std::optional<Clock::time_point> next_fire_after(const std::string& schedule, const std::string& time_zone,
                                                 Clock::time_point now);

}  // namespace flowc::runtime::exec
