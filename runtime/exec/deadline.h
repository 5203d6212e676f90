// When a run is late (runtime.md: `deadline`; docs/runtime.md "Retries of a
// run, backfills and lateness"). The plan's deadline is a time of day in the
// workflow's time zone; the run's deadline is an instant, fixed when the run
// is created and stored in runs.deadline.
#pragma once

#include <optional>
#include <string>

#include "compiler/plan/plan.h"
#include "runtime/events/events.h"

namespace flowc::runtime::exec {

/// The instant the run of `plan` (for plan.ds) is due:
/// - its fire time is the first fire of plan.schedule (in plan.time_zone) at
///   or after the start of ds + 1 day there (the run covering ds starts
///   once ds is over); unscheduled workflows: ds + 1 day at 00:00;
/// - its deadline is the first time the deadline's time of day occurs at or
///   after that fire time (DST as in cron::next_fire: a skipped time means
///   the end of the gap, a repeated one its first occurrence).
/// Nullopt when the plan has no deadline, or its ds, schedule or time zone
/// cannot be read (the compiler rejects those, so only a hand-made plan).
/// In seconds: the system clock's nanoseconds reach only 1677-2262, and a ds
/// may be any day of 0001-9999.
std::optional<std::chrono::sys_seconds> run_deadline(const plan::Plan& plan);

/// `instant` as `2026-11-25T08:00:00Z` (what runs.deadline is written as).
/// Not runtime::format_utc: that takes the system clock's nanoseconds, which
/// wrap around outside 1677-2262, and a deadline may be any day of 0001-9999.
std::string format_instant(std::chrono::sys_seconds instant);

}  // namespace flowc::runtime::exec
