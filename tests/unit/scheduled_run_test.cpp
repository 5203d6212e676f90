// What a schedule owes at an instant (runtime/exec/schedule.h): the latest
// fire at or before it, and the ds that fire stands for (the local date of
// the previous fire, where the interval it closes began).
#include "runtime/exec/schedule.h"

#include <doctest/doctest.h>

#include "compiler/plan/ds.h"
#include "runtime/exec/deadline.h"

using namespace flowc::runtime;
using namespace flowc::runtime::exec;
using namespace std::chrono;

namespace {

Clock::time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return Clock::time_point{sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi}};
}

std::string owed(const std::string& schedule, const std::string& zone, Clock::time_point now) {
  std::optional<ScheduledRun> run = latest_scheduled_run(schedule, zone, now);
  return run ? format_instant(std::chrono::floor<std::chrono::seconds>(run->fire)) + " ds " + run->ds
             : "none";
}

}  // namespace

TEST_CASE("a daily schedule owes yesterday's run from its fire time on") {
  CHECK(owed("0 7 * * *", "UTC", utc(2026, 11, 30, 7, 0)) == "2026-11-30T07:00:00Z ds 2026-11-29");
  CHECK(owed("0 7 * * *", "UTC", utc(2026, 11, 30, 23, 59)) == "2026-11-30T07:00:00Z ds 2026-11-29");
  // Before today's fire, the run owed is the one of the day before.
  CHECK(owed("0 7 * * *", "UTC", utc(2026, 11, 30, 6, 59)) == "2026-11-29T07:00:00Z ds 2026-11-28");
}

TEST_CASE("the ds is a local date, in the schedule's zone") {
  // 00:30 in Berlin on 1 December is 23:30 UTC on 30 November.
  CHECK(owed("30 0 * * *", "Europe/Berlin", utc(2026, 11, 30, 23, 45)) == "2026-11-30T23:30:00Z ds 2026-11-30");
  CHECK(owed("30 0 * * *", "UTC", utc(2026, 11, 30, 23, 45)) == "2026-11-30T00:30:00Z ds 2026-11-29");
}

TEST_CASE("a weekly or monthly schedule owes the run of the interval that began at its previous fire") {
  // Monday 30 November 07:00 closes the week that began on Monday the 23rd.
  CHECK(owed("0 7 * * 1", "UTC", utc(2026, 11, 30, 8, 0)) == "2026-11-30T07:00:00Z ds 2026-11-23");
  CHECK(owed("0 6 1 * *", "UTC", utc(2026, 12, 15)) == "2026-12-01T06:00:00Z ds 2026-11-01");
}

TEST_CASE("an hourly schedule owes the date its interval began in") {
  CHECK(owed("@hourly", "UTC", utc(2026, 11, 30, 0, 10)) == "2026-11-30T00:00:00Z ds 2026-11-29");
  CHECK(owed("@hourly", "UTC", utc(2026, 11, 30, 1, 10)) == "2026-11-30T01:00:00Z ds 2026-11-30");
  CHECK(owed("@hourly", "UTC", utc(2026, 11, 30, 22, 10)) == "2026-11-30T22:00:00Z ds 2026-11-30");
}

TEST_CASE("the next fire is strictly after now, and a bad schedule or zone owes nothing") {
  std::optional<Clock::time_point> next = next_fire_after("0 7 * * *", "UTC", utc(2026, 11, 30, 7, 0));
  REQUIRE(next);
  CHECK(format_instant(std::chrono::floor<std::chrono::seconds>(*next)) == "2026-12-01T07:00:00Z");
  CHECK(owed("not cron", "UTC", utc(2026, 11, 30)) == "none");
  CHECK(owed("0 7 * * *", "Mars/Olympus", utc(2026, 11, 30)) == "none");
  CHECK_FALSE(next_fire_after("0 0 30 2 *", "UTC", utc(2026, 11, 30)));
}

TEST_CASE("a scheduled run's deadline counts from the fire that owed it") {
  for (const char* schedule : {"0 7 * * *", "0 7 * * 1", "0 6 1 * *"}) {
    CAPTURE(schedule);
    std::optional<ScheduledRun> run = latest_scheduled_run(schedule, "Europe/Berlin", utc(2026, 12, 15, 12, 0));
    REQUIRE(run);
    flowc::plan::Plan plan;
    plan.schedule = schedule;
    plan.time_zone = "Europe/Berlin";
    plan.ds = run->ds;
    plan.deadline_seconds = 9 * 3600;  // 09:00, two or three hours after the fire
    std::optional<Clock::time_point> deadline = run_deadline(plan);
    REQUIRE(deadline);
    CHECK(*deadline > run->fire);
    CHECK(*deadline - run->fire <= hours{3});
  }
}

TEST_CASE("the days a schedule owes runs for are the local days it fires on") {
  auto days_owed = [](const std::string& schedule, const std::string& zone, sys_days first, sys_days last) {
    std::string out;
    for (sys_days day : owed_days(schedule, zone, first, last)) out += flowc::plan::ds_text(day) + " ";
    return out;
  };
  const sys_days first{2026y / 11 / 23};  // a Monday
  const sys_days last{2026y / 11 / 30};
  CHECK(days_owed("0 7 * * *", "UTC", first, first + days{2}) == "2026-11-23 2026-11-24 2026-11-25 ");
  CHECK(days_owed("0 7 * * 1", "UTC", first, last) == "2026-11-23 2026-11-30 ");
  CHECK(days_owed("0 6 1 * *", "UTC", first, last) == "");
  // Every minute is still one day each.
  CHECK(days_owed("* * * * *", "UTC", first, first + days{1}) == "2026-11-23 2026-11-24 ");
  // The local day, not UTC's: Tuesday 00:30 in Berlin is Monday 23:30 UTC.
  CHECK(days_owed("30 0 * * 2", "Europe/Berlin", first, last) == "2026-11-24 ");
  CHECK(days_owed("0 7 * * *", "Mars/Olympus", first, last) == "");
  CHECK(days_owed("0 7 * * *", "UTC", last, first) == "");
}
