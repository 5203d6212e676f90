// Lateness end to end: runs.deadline is fixed when the run is created; a run
// still running past it alerts `on_late` exactly once (the jsonl channel's
// file has one line), while it runs; a run before its deadline does not; a
// backfill never does, nor a manual rerun of a past day. run_deadline() itself is checked on hand-made plans.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "compiler/plan/ds.h"
#include "compiler/plan/plan.h"
#include "runtime/exec/deadline.h"
#include "runtime/state/store.h"
#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

/// A production workflow scheduled at 07:00 Berlin with a 09:00 deadline;
/// its one task sleeps `sleep` seconds inside its write transaction.
std::vector<std::pair<std::string, std::string>> late_project(int sleep) {
  std::string flow = R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [jsonl("alerts/late.jsonl")]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  schedule   = cron("0 7 * * *", tz = "Europe/Berlin")
  deadline   = 09:00
  on_failure = alert(oncall)
  on_late    = alert(oncall, severity = medium)

  param ds: date = logical_date

  task t {
    writes  = "out.t"
    mode    = overwrite_partition(ds)
    sql     = "select ${ds} as ds, 1 as n"
    publish = true
    expect row_count() == 1
    expect sql("select count(*) from pg_sleep(SLEEP)") == 1 as "slow check"
  }
}
)FLOW";
  flow.replace(flow.find("SLEEP"), 5, std::to_string(sleep));
  return {{"w.flow", flow}};
}

int lines_in(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string utc(std::chrono::sys_seconds at) { return flowc::runtime::exec::format_instant(at); }

/// late_project's plan for day `ds`: what run_deadline reads.
flowc::plan::Plan late_plan(const std::string& ds) {
  flowc::plan::Plan plan;
  plan.ds = ds;
  plan.time_zone = "Europe/Berlin";
  plan.schedule = "0 7 * * *";
  plan.deadline_seconds = 9 * 3600;
  return plan;
}

/// A day whose run (of `plan`, its ds aside) is past its deadline by less
/// than a day now: a manual run of it is late (a day or more past it, a
/// rerun of a past day is not).
std::string day_just_past_deadline(flowc::plan::Plan plan) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const sys_days today = floor<days>(now);
  for (int back = 1; back <= 3; ++back) {
    const std::string ds = flowc::plan::ds_text(today - days{back});
    plan.ds = ds;
    const auto deadline = *flowc::runtime::exec::run_deadline(plan);
    if (now >= deadline && now < deadline + days{1}) return ds;
  }
  FAIL("no day of the last three is past its deadline by less than a day");
  return "";
}

}  // namespace

TEST_CASE("lateness: a run past its deadline alerts on_late once, while it is still running") {
  std::string dsn = fresh_database("late_past");
  std::string project = write_project("late_past", late_project(4));
  const std::string alerts = project + "/alerts/late.jsonl";
  const std::string ds = day_just_past_deadline(late_plan(""));
  const std::string deadline = utc(*flowc::runtime::exec::run_deadline(late_plan(ds)));
  Background run = start_flowc(project, {"run", ".", "--ds", ds, "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "1", 30));
  // The alert arrives while the slow task still runs.
  bool alerted = false;
  for (int i = 0; i < 60 && !alerted; ++i) {
    alerted = lines_in(alerts) >= 1;
    if (!alerted) ::usleep(50 * 1000);
  }
  CHECK(alerted);
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "running");
  int code = run.wait();
  INFO(run.output());
  CHECK(code == 0);
  CHECK(lines_in(alerts) == 1);
  std::ifstream in(alerts);
  std::string line;
  std::getline(in, line);
  CHECK(contains(line, R"("kind":"late")"));
  CHECK(contains(line, deadline));
  // 07:00 Berlin the day after ds is the fire time; 09:00 Berlin the deadline.
  CHECK(query_one(
            dsn,
            "select to_char(deadline at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from flow.runs") ==
        deadline);
  CHECK(query_one(dsn, "select late_alerted from flow.runs") == "t");
  CHECK(query_one(dsn, "select count(*) from flow.alerts where kind = 'late'") == "1");
}

TEST_CASE(
    "lateness: a run before its deadline does not alert, nor does a backfill past it, nor a rerun of a past "
    "day") {
  std::string dsn = fresh_database("late_future");
  std::string project = write_project("late_future", late_project(1));
  const std::string alerts = project + "/alerts/late.jsonl";
  auto future = run_flowc(project, {"run", ".", "--ds", "2030-06-01", "--dsn", dsn});
  INFO(future.output);
  CHECK(future.exit_code == 0);
  CHECK(lines_in(alerts) == 0);
  // Summer time: 09:00 CEST is 07:00 UTC.
  CHECK(query_one(dsn, "select to_char(deadline at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from flow.runs") ==
        "2030-06-02 07:00");
  CHECK(query_one(dsn, "select late_alerted from flow.runs") == "f");

  auto backfill = run_flowc(project, {"backfill", ".", "--from", "2026-11-01", "--to", "2026-11-02", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 0);
  CHECK(lines_in(alerts) == 0);
  CHECK(query_one(dsn, "select count(*) from flow.runs where trigger = 'backfill' and deadline is not null") == "2");

  // A manual run of a day a month past its deadline reruns a past day: no
  // deadline is recorded, nothing alerts, `ops` does not count it.
  auto rerun = run_flowc(project, {"run", ".", "--ds", "2026-10-01", "--dsn", dsn});
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  CHECK(lines_in(alerts) == 0);
  CHECK(query_one(dsn, "select count(*) from flow.runs where ds = '2026-10-01' and deadline is null") == "1");
}

TEST_CASE("lateness: the deadline is the first deadline time at or after the scheduled fire time") {
  flowc::plan::Plan plan;
  plan.ds = "2026-11-24";
  plan.time_zone = "Europe/Berlin";
  plan.schedule = "0 7 * * *";
  plan.deadline_seconds = 9 * 3600;
  CHECK(utc(*flowc::runtime::exec::run_deadline(plan)) == "2026-11-25T08:00:00Z");
  // A deadline earlier in the day than the fire time is the next day's.
  plan.deadline_seconds = 6 * 3600 + 30 * 60;
  CHECK(utc(*flowc::runtime::exec::run_deadline(plan)) == "2026-11-26T05:30:00Z");
  // Weekdays only: the run for a Friday fires on Monday.
  plan.schedule = "0 6 * * 1-5";
  plan.ds = "2026-11-27";  // a Friday; the next weekday fire after Saturday 00:00 is Monday 06:00
  plan.deadline_seconds = 9 * 3600 + 30 * 60;
  CHECK(utc(*flowc::runtime::exec::run_deadline(plan)) == "2026-11-30T08:30:00Z");
  // Unscheduled: from ds + 1 day at 00:00 in the zone.
  plan.schedule = "";
  plan.ds = "2026-11-24";
  plan.time_zone = "America/New_York";
  plan.deadline_seconds = 3 * 3600;
  CHECK(utc(*flowc::runtime::exec::run_deadline(plan)) == "2026-11-25T08:00:00Z");
  // DST: 02:30 does not exist on 2026-03-29 in Berlin: the end of the gap.
  plan.time_zone = "Europe/Berlin";
  plan.ds = "2026-03-28";
  plan.deadline_seconds = 2 * 3600 + 30 * 60;
  CHECK(utc(*flowc::runtime::exec::run_deadline(plan)) == "2026-03-29T01:00:00Z");
  plan.deadline_seconds.reset();
  CHECK_FALSE(flowc::runtime::exec::run_deadline(plan).has_value());
}

TEST_CASE("lateness: a deadline outside 1677-2262 (the clock's nanoseconds) is not wrapped around") {
  flowc::plan::Plan plan;
  plan.time_zone = "UTC";
  plan.deadline_seconds = 30 * 60;
  // Each used to come out as a date of the 1700s or 1800s, and a run of
  // 2300 was late at once.
  for (const auto& [ds, due] :
       std::vector<std::pair<std::string, std::string>>{{"2300-01-02", "2300-01-03T00:30:00Z"},
                                                        {"9999-12-30", "9999-12-31T00:30:00Z"},
                                                        {"0001-01-01", "0001-01-02T00:30:00Z"},
                                                        {"2262-04-12", "2262-04-13T00:30:00Z"}}) {
    plan.ds = ds;
    CHECK(utc(*flowc::runtime::exec::run_deadline(plan)) == due);
  }
}

TEST_CASE("lateness: of two processes marking the same run late, exactly one wins") {
  std::string dsn = fresh_database("late_once");
  flowc::runtime::state::StateStore first(dsn, "flow"), second(dsn, "flow");
  REQUIRE(first.migrate());
  flowc::runtime::state::NewRun run;
  run.workflow = "w";
  run.ds = "2026-11-01";
  run.deadline = "2026-11-02T08:00:00Z";
  flowc::runtime::state::CreatedRun created = first.create_run(run);
  REQUIRE(created.status);
  bool won_first = false, won_second = false, won_again = false;
  REQUIRE(first.mark_late(created.run_id, won_first));
  REQUIRE(second.mark_late(created.run_id, won_second));
  REQUIRE(first.mark_late(created.run_id, won_again));
  CHECK(won_first);
  CHECK_FALSE(won_second);
  CHECK_FALSE(won_again);
}

TEST_CASE("lateness: a hanging alert channel does not hold up the run's end: finished before its deadline, not late") {
  std::string dsn = fresh_database("late_hang");
  // The deadline a few seconds from now (room for flowc to start on a busy
  // machine), to the second: today at that time of day (UTC) is the
  // deadline of the run for yesterday. The channel hangs until it is past.
  using namespace std::chrono;
  const auto deadline = ceil<seconds>(system_clock::now()) + seconds(10);
  const auto day = floor<days>(deadline);
  const int64_t at = duration_cast<seconds>(deadline - day).count();
  const std::string ds = utc(day - days(1)).substr(0, 10);
  const std::string time = fmt::format("{:02}:{:02}:{:02}", at / 3600, at / 60 % 60, at % 60);
  std::string flow = R"FLOW(route pager {
  notify = [command(["sh", "-c", "cat >/dev/null; while [ $(date +%s) -lt UNTIL ]; do sleep 0.2; done"])]
}

route late {
  notify = [jsonl("alerts/late.jsonl")]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  deadline   = TIME
  on_failure = alert(pager)
  on_late    = alert(late)

  task t {
    run = command(["sh", "-c", "exit 3"])
  }
}
)FLOW";
  flow.replace(flow.find("TIME"), 4, time);
  const int64_t until = duration_cast<seconds>(deadline.time_since_epoch()).count() + 2;
  flow.replace(flow.find("UNTIL"), 5, std::to_string(until));
  std::string project = write_project("late_hang", {{"w.flow", flow}});
  auto run = run_flowc(project, {"run", ".", "--ds", ds, "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(query_one(dsn, "select to_char(deadline at time zone 'UTC', 'HH24:MI:SS') from flow.runs") == time);
  // Recorded when the task failed, before the deadline, though the process
  // waited for the channel (until past the deadline) before it exited.
  CHECK(query_one(dsn, "select status from flow.runs") == "failed");
  CHECK(query_one(dsn, "select finished_at < deadline from flow.runs") == "t");
  CHECK(query_one(dsn, "select late_alerted from flow.runs") == "f");
  CHECK(lines_in(project + "/alerts/late.jsonl") == 0);
  CHECK(query_one(dsn, "select now() > deadline from flow.runs") == "t");
  // The failure's alert was still delivered, before flowc exited.
  CHECK(query_one(dsn, "select string_agg(kind || ' ' || status, ',') from flow.alerts") == "failure delivered");
}

TEST_CASE("lateness: a deadline with seconds is shown with them") {
  std::string flow = R"FLOW(route late {
  notify = [jsonl("alerts/late.jsonl")]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  deadline   = 10:44:35
  on_failure = alert(late)
  on_late    = alert(late)

  task t {
    run = command(["true"])
  }
}
)FLOW";
  flowc::plan::Plan plan;
  plan.time_zone = "UTC";
  plan.deadline_seconds = 10 * 3600 + 44 * 60 + 35;
  const std::string ds = day_just_past_deadline(plan);
  plan.ds = ds;
  const std::string deadline = utc(*flowc::runtime::exec::run_deadline(plan));
  std::string dsn = fresh_database("late_seconds");
  std::string project = write_project("late_seconds", {{"w.flow", flow}});
  auto run = run_flowc(project, {"run", ".", "--ds", ds, "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  std::ifstream in(project + "/alerts/late.jsonl");
  std::string line;
  std::getline(in, line);
  CHECK(contains(line, "not finished by its deadline 10:44:35 UTC (" + deadline + ")"));
}

TEST_CASE("lateness: a deadline past 2262 reads back as stored, and its run was on time") {
  std::string dsn = fresh_database("late_far");
  std::string project = write_project("late_far", {{"w.flow", R"FLOW(route pager {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  deadline   = 09:00
  on_failure = alert(pager)

  param ds: date = logical_date

  task t {
    run = command(["true"])
  }
}
)FLOW"}});
  auto run = run_flowc(project, {"run", ".", "--ds", "9999-12-31", "--dsn", dsn});
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(query_one(dsn, "select to_char(deadline at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from flow.runs") ==
        "10000-01-01 09:00");
  // The clock's nanoseconds end in 2262: read back into them, this was a day of 1816.
  auto status = run_flowc(project, {"status", "1", ".", "--state-dsn", dsn});
  INFO(status.output);
  CHECK(status.output.find("  deadline   10000-01-01T09:00:00Z\n") != std::string::npos);
  auto ops = run_flowc(project, {"ops", ".", "--state-dsn", dsn});
  INFO(ops.output);
  CHECK(ops.output.find("  on time           1 of 1 (100.0%)\n") != std::string::npos);
}
