// What `flowc schedule` says about the days its schedule owed while no
// scheduler ran (cli/missed_days.h): the owed days after the latest day with
// a run and before the day being started, and the backfill that runs them.
#include "cli/missed_days.h"

#include <doctest/doctest.h>

using namespace flowc::cli;
using namespace std::chrono;

namespace {

ScheduleGap daily(std::vector<std::string> days_with_runs, std::string schedule = "0 7 * * *") {
  ScheduleGap gap;
  gap.workflow = "daily_kpi";
  gap.schedule = std::move(schedule);
  gap.time_zone = "UTC";
  gap.due = sys_days{2026y / 12 / 2};
  for (std::string& ds : days_with_runs)
    gap.earlier_runs.push_back({std::move(ds), 1, flowc::runtime::RunStatus::Succeeded});
  return gap;
}

}  // namespace

TEST_CASE("missed days: the days after the latest run and before the owed one, and the backfill") {
  CHECK(missed_days_warning(daily({"2026-11-20", "2026-11-27"})) ==
        "flowc: warning: daily_kpi: 4 days its schedule owed before 2026-12-02 have no run (no scheduler ran "
        "them; a scheduler starts only the latest day's run): 2026-11-28 to 2026-12-01\n"
        "  flowc backfill --workflow daily_kpi --from 2026-11-28 --to 2026-12-01\n");
}

TEST_CASE("missed days: one day, and a failed run counts as a run") {
  ScheduleGap gap = daily({"2026-11-30"});
  gap.earlier_runs.front().run_status = flowc::runtime::RunStatus::Failed;
  gap.env = "staging";
  CHECK(missed_days_warning(gap) ==
        "flowc: warning: daily_kpi: 1 day its schedule owed before 2026-12-02 has no run (no scheduler ran "
        "them; a scheduler starts only the latest day's run): 2026-12-01\n"
        "  flowc backfill --workflow daily_kpi --from 2026-12-01 --to 2026-12-01 --env staging\n");
}

TEST_CASE("missed days: none when yesterday ran, or nothing ever ran") {
  CHECK(missed_days_warning(daily({"2026-11-28", "2026-12-01"})) == "");
  CHECK(missed_days_warning(daily({})) == "");
  // A run of the owed day itself, or a later one, ends no gap before it.
  CHECK(missed_days_warning(daily({"2026-12-02", "2026-12-05"})) == "");
}

TEST_CASE(
    "missed days: a weekly schedule's owed days, a backfill each (a backfill runs every calendar day)") {
  ScheduleGap gap = daily({"2026-10-26"}, "0 7 * * 1");  // Mondays
  gap.due = sys_days{2026y / 11 / 30};
  CHECK(missed_days_warning(gap) ==
        "flowc: warning: daily_kpi: 4 days its schedule owed before 2026-11-30 have no run (no scheduler ran "
        "them; a scheduler starts only the latest day's run): 2026-11-02, 2026-11-09, 2026-11-16, "
        "2026-11-23\n"
        "  flowc backfill --workflow daily_kpi --from 2026-11-02 --to 2026-11-02\n"
        "  flowc backfill --workflow daily_kpi --from 2026-11-09 --to 2026-11-09\n"
        "  flowc backfill --workflow daily_kpi --from 2026-11-16 --to 2026-11-16\n"
        "  flowc backfill --workflow daily_kpi --from 2026-11-23 --to 2026-11-23\n");
  gap.earlier_runs.front().ds = "2026-09-28";
  const std::string many = missed_days_warning(gap);
  CHECK(many.find("have no run (no scheduler ran them; a scheduler starts only the latest day's run): "
                  "2026-10-05, 2026-10-12, 2026-10-19, 2026-10-26, 2026-11-02 and 3 more\n") !=
        std::string::npos);
  CHECK(many.find("8 days its schedule owed") != std::string::npos);
}
