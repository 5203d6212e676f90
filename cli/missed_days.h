// The days a workflow's schedule owed while no scheduler ran (a machine
// down for a week, a scheduler stopped over a holiday): `flowc schedule`
// starts only the latest fire's run (older days are `flowc backfill`'s,
// which is explicit about ranges), and says at start which days have no run
// and the command that runs them, so a gap is never silent.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "runtime/state/store.h"

namespace flowc::cli {

struct ScheduleGap {
  std::string workflow;
  std::string env;  // empty: production
  std::string schedule;
  std::string time_zone;
  std::chrono::sys_days due;  // the day the latest fire owes (being started now)
  /// The latest run of each ds before `due`, at the workflow's current
  /// stage, as far back as the scheduler looks (oldest first).
  std::vector<runtime::state::DayRun> earlier_runs;
};

/// The warning for the owed days after the latest day with a run and before
/// `due` that have no run, with the backfill command for each span; empty
/// when there are none, or when no earlier day has a run (a workflow's first
/// schedule owes nothing before it).
std::string missed_days_warning(const ScheduleGap& gap);

}  // namespace flowc::cli
