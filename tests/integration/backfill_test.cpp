// `flowc backfill` end to end: the built binary against the test cluster.
// One run per ds, oldest first, restartable: interrupted (Ctrl-C or kill -9)
// and started again, every day's partition is written exactly once, the day
// that fails is reported, succeeded days are skipped unless --force.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <sstream>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

/// part: 3 rows per ds (overwrite_partition), fails with 22012 on FAIL_DAY,
/// sleeps `sleep` seconds inside its write transaction. count: appends one
/// row per successful run to out.counter (the last task, state = target, so
/// it commits with its `succeeded` record).
std::vector<std::pair<std::string, std::string>> daily_project(const std::string& fail_day, int sleep) {
  std::string flow = R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow b {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  param ds: date = logical_date

  task part {
    writes = "out.part"
    mode   = overwrite_partition(ds)
    sql    = "select ${ds} as ds, g / (case when ${ds} = date 'FAIL_DAY' then 0 else 1 end) as n from generate_series(1, 3) as g"
    expect row_count() == 3
    expect sql("select count(*) from pg_sleep(SLEEP)") == 1 as "slow check"
  }

  task count {
    writes = "out.counter"
    mode   = append
    publish = true
    sql    = "select ds, count(*) as n from ${part} where ds = ${ds} group by ds"
    expect row_count() > 0
  }
}
)FLOW";
  flow.replace(flow.find("FAIL_DAY"), 8, fail_day);
  flow.replace(flow.find("SLEEP"), 5, std::to_string(sleep));
  return {{"b.flow", flow}};
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// "ds=count" for every day of November 1..10 (0 when absent), from `sql`
/// returning (ds, count) rows.
std::string per_day(const std::string& dsn, const std::string& table) {
  return query_one(dsn, "select string_agg(to_char(d, 'DD') || '=' || coalesce(c.n, 0), ',' order by d) "
                        "from generate_series(date '2026-11-01', date '2026-11-10', interval '1 day') as d "
                        "left join (select ds, count(*) as n from " +
                            table + " group by ds) c on c.ds = d");
}

const std::string kExpectedParts = "01=3,02=3,03=3,04=0,05=3,06=3,07=3,08=3,09=3,10=3";
const std::string kExpectedCounts = "01=1,02=1,03=1,04=0,05=1,06=1,07=1,08=1,09=1,10=1";

void interrupted_then_restarted(int signal) {
  std::string dsn = fresh_database(signal == SIGINT ? "backfill_sigint" : "backfill_sigkill");
  std::string project = write_project("backfill", daily_project("2026-11-04", 1));
  std::vector<std::string> args = {"backfill", ".",           "--workflow", "b",     "--from", "2026-11-01",
                                   "--to",     "2026-11-10", "--concurrency", "2", "--dsn",  dsn};
  Background first = start_flowc(project, args);
  // Midway: some days are done, others running.
  REQUIRE(wait_for(dsn, "select count(*) >= 3 from out.counter", "t", 60));
  ::kill(first.pid, signal);
  int code = first.wait();
  INFO(first.output());
  if (signal == SIGINT) {
    CHECK(code == 1);
    CHECK(contains(first.output(), "interrupted"));
    CHECK(contains(first.output(), "backfill b stopping: cancelling the runs in progress and recording them as "
                                   "failed; no new day starts (interrupt again to exit at once)\n"));
    CHECK(contains(first.output(), "not run"));
    // Ctrl-C stopped the running runs and recorded them.
    CHECK(query_one(dsn, "select count(*) from flow.runs where status = 'running'") == "0");
  } else {
    CHECK(code == 128 + SIGKILL);
  }
  std::string done_before = query_one(dsn, "select count(*) from flow.runs where status = 'succeeded'");
  CHECK(done_before != "0");
  CHECK(done_before != "9");

  auto second = run_flowc(project, args);
  INFO(second.output);
  CHECK(second.exit_code == 1);
  CHECK(contains(second.output, "skipped"));
  CHECK(contains(second.output, "failed 2026-11-04"));
  CHECK_FALSE(contains(second.output, "failed 2026-11-05"));
  // A day whose `count` (append) had succeeded when the first backfill
  // stopped (its run recorded failed, or left running by kill -9) is not run
  // again: that would count it twice. `flowc retry` finishes its run.
  std::istringstream summary(second.output);
  for (std::string line; std::getline(summary, line);) {
    const std::string refused = "  refused 2026-11-";
    if (!line.starts_with(refused)) continue;
    const size_t at = line.find("`flowc retry ");
    REQUIRE(at != std::string::npos);
    const std::string run_id = line.substr(at + 13, line.find('`', at + 1) - at - 13);
    auto retried = run_flowc(project, {"retry", run_id, ".", "--dsn", dsn});
    INFO(retried.output);
    CHECK(retried.exit_code == 0);
  }
  CHECK(per_day(dsn, "out.part") == kExpectedParts);
  // Exactly once: the counter is written with the last task's `succeeded`
  // record; a day that succeeded before the interruption was not rerun.
  if (signal == SIGINT) CHECK(per_day(dsn, "out.counter") == kExpectedCounts);
  // Every day but the 4th has exactly one succeeded run; none is left running.
  CHECK(query_one(dsn, "select string_agg(to_char(ds, 'DD'), ',' order by ds) from flow.runs "
                       "where status = 'succeeded'") == "01,02,03,05,06,07,08,09,10");
  CHECK(query_one(dsn, "select count(*) from flow.runs where status = 'running'") == "0");
  CHECK(query_one(dsn, "select count(*) from flow.runs where trigger <> 'backfill'") == "0");
}

}  // namespace

TEST_CASE("backfill: 10 days, a failure on day 4, Ctrl-C midway, started again: each day written once") {
  interrupted_then_restarted(SIGINT);
}

TEST_CASE("backfill: kill -9 midway, started again: abandoned runs are failed, their days rerun") {
  interrupted_then_restarted(SIGKILL);
}

TEST_CASE("backfill: succeeded days are skipped, --force reruns them") {
  std::string dsn = fresh_database("backfill_force");
  std::string project = write_project("backfill_force", daily_project("2026-12-31", 0));
  std::vector<std::string> args = {"backfill", ".", "--workflow", "b", "--from", "2026-11-01", "--to", "2026-11-03",
                                   "--dsn", dsn};
  auto first = run_flowc(project, args);
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK(contains(first.output, "3 succeeded, 0 failed, 0 skipped"));
  // Oldest first.
  CHECK(query_one(dsn, "select string_agg(to_char(ds, 'DD'), ',' order by id) from flow.runs") == "01,02,03");

  auto again = run_flowc(project, args);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "0 succeeded, 0 failed, 3 skipped"));
  CHECK(query_one(dsn, "select count(*) from out.counter") == "3");

  // A mirror run of a day wrote only the mirror tables: after the cutover to
  // production, that day is not done.
  query_one(dsn, "update flow.runs set stage = 'mirror' where ds = '2026-11-02'");
  auto after_cutover = run_flowc(project, args);
  INFO(after_cutover.output);
  CHECK(after_cutover.exit_code == 0);
  CHECK(contains(after_cutover.output, "1 succeeded, 0 failed, 2 skipped"));
  CHECK(query_one(dsn, "select count(*) from out.counter") == "4");

  args.push_back("--force");
  auto forced = run_flowc(project, args);
  INFO(forced.output);
  CHECK(forced.exit_code == 0);
  CHECK(contains(forced.output, "3 succeeded, 0 failed, 0 skipped"));
  CHECK(query_one(dsn, "select count(*) from out.counter") == "7");
  CHECK(query_one(dsn, "select count(*) from out.part") == "9");  // overwrite_partition: still 3 per day
}

TEST_CASE("backfill: with several runs at once, the runs are still started oldest first") {
  std::string dsn = fresh_database("backfill_order");
  std::string project = write_project("backfill_order", daily_project("2026-12-31", 0));
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2026-11-01", "--to",
                                      "2026-11-08", "--concurrency", "4", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 0);
  // Run ids and start times follow the days (the first day's plan was
  // compiled up front, the others' as they start: their threads raced).
  CHECK(query_one(dsn, "select string_agg(to_char(ds, 'DD'), ',' order by id) from flow.runs") ==
        "01,02,03,04,05,06,07,08");
  CHECK(query_one(dsn, "select string_agg(to_char(ds, 'DD'), ',' order by started_at, id) from flow.runs") ==
        "01,02,03,04,05,06,07,08");
  size_t at = 0;
  for (int day = 1; day <= 8; ++day) {
    const size_t found = backfill.output.find(fmt::format("backfill b 2026-11-{:02} started: run", day));
    CHECK(found != std::string::npos);
    CHECK(found >= at);
    at = found == std::string::npos ? at : found;
  }
}

TEST_CASE("backfill: a day whose run is in progress elsewhere is refused with that reason, exit 2") {
  std::string dsn = fresh_database("backfill_refused");
  std::string project = write_project("backfill_refused", daily_project("2026-12-31", 4));
  Background running = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "1", 30));
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2026-11-02", "--to", "2026-11-02",
                                      "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 2);
  CHECK(contains(backfill.output, "1 day, 0 succeeded, 0 failed, 0 skipped, 1 refused\n"));
  CHECK(contains(backfill.output, "  refused 2026-11-02: a run of b for 2026-11-02 is already in progress (run 1)\n"));
  CHECK_FALSE(contains(backfill.output, "failed 2026-11-02"));
  CHECK(running.wait() == 0);
}

TEST_CASE("backfill: a day that succeeded by another run while the backfill ran is skipped, not run again") {
  std::string dsn = fresh_database("backfill_recheck");
  // Day 01 takes 6 s in the backfill; the other run of day 02, started
  // first, takes 2 s: it has succeeded by the time the backfill reaches 02.
  auto files = daily_project("2026-12-31", 0);
  std::string& flow = files[0].second;
  flow.replace(flow.find("pg_sleep(0)"), 11,
               "pg_sleep(case when ${ds} = date '2026-11-01' then 6 else 2 end)");
  std::string project = write_project("backfill_recheck", files);
  Background other = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--dsn", dsn});
  REQUIRE(wait_for(
      dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
      "1", 30));
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2026-11-01", "--to",
                                      "2026-11-02", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(other.wait() == 0);
  CHECK(backfill.exit_code == 0);
  CHECK(contains(backfill.output, "backfill b 2026-11-02 skipped: run 1 succeeded since the backfill began"));
  CHECK(contains(backfill.output, "2 days, 1 succeeded, 0 failed, 1 skipped"));
  // Day 02's append ran once, by the other run.
  CHECK(query_one(dsn, "select count(*) from out.counter where ds = '2026-11-02'") == "1");
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "2");
}

TEST_CASE("backfill: a backwards range, a malformed date or an unknown workflow is one line and exit 2") {
  std::string dsn = fresh_database("backfill_usage");
  std::string project = write_project("backfill_usage", daily_project("2026-12-31", 0));
  auto backwards = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2026-11-10", "--to",
                                       "2026-11-01", "--dsn", dsn});
  CHECK(backwards.exit_code == 2);
  CHECK(contains(backwards.output, "flowc: --to 2026-11-01 is before --from 2026-11-10"));
  auto malformed = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2026-02-30", "--to",
                                       "2026-03-01", "--dsn", dsn});
  CHECK(malformed.exit_code == 2);
  CHECK(contains(malformed.output, "flowc: --from: not a date: \"2026-02-30\""));
  auto unknown = run_flowc(project, {"backfill", ".", "--workflow", "nope", "--from", "2026-11-01", "--to",
                                     "2026-11-02", "--dsn", dsn});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.output, "no workflow `nope`"));
  auto too_long = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "0001-01-01", "--to",
                                      "9999-12-31", "--dsn", dsn});
  CHECK(too_long.exit_code == 2);
  CHECK(contains(too_long.output,
                 "flowc: --from 0001-01-01 --to 9999-12-31 is 3652059 days: a backfill covers at most 36525 days "
                 "(100 years)"));
  auto too_many = run_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2026-11-01", "--to",
                                      "2026-11-02", "--concurrency", "5000", "--dsn", dsn});
  CHECK(too_many.exit_code == 2);
  CHECK(contains(too_many.output, "--concurrency"));
  for (const auto* r : {&backwards, &malformed, &unknown, &too_long, &too_many}) CHECK(std::count(r->output.begin(), r->output.end(), '\n') == 1);
  CHECK(query_one(dsn, "select to_regclass('flow.runs') is null") == "t");  // nothing ran
}

TEST_CASE(
    "backfill: a failed day whose append succeeded is refused, not run again, unless --force, and run "
    "warns") {
  std::string dsn = fresh_database("backfill_append_done");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("backfill_append_done", {{"w.flow", R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  param ds: date = logical_date

  task app {
    writes  = "out.app"
    mode    = append
    publish = true
    sql     = "select ${ds} as ds, 1 as n"
    expect row_count() > 0
  }

  task rep {
    writes  = "out.rep"
    mode    = replace
    publish = true
    sql     = "select ds, n / (case when ds = date '2026-11-02' then (select v from ctl.switch) else 1 end) as n from ${app}"
    expect row_count() > 0
  }
}
)FLOW"}});
  const std::vector<std::string> args = {"backfill",   ".",    "--workflow", "w",     "--from",
                                         "2026-11-01", "--to", "2026-11-02", "--dsn", dsn};
  REQUIRE(run_flowc(project, args).exit_code == 1);  // 2026-11-02: rep divides by zero, after app appended
  REQUIRE(query_one(dsn, "select string_agg(id || ' ' || status, ',' order by id) from flow.runs") ==
          "1 succeeded,2 failed");
  query_one(dsn, "update ctl.switch set v = 1");
  auto again = run_flowc(project, args);
  INFO(again.output);
  CHECK(again.exit_code == 2);
  CHECK(contains(again.output,
                 "refused 2026-11-02: its run 2 failed after task app (mode append) succeeded: a new "
                 "run would append its rows a second time; finish run 2 with `flowc retry 2`, or put "
                 "app's output right and pass --force"));
  CHECK(query_one(dsn, "select count(*) from out.app where ds = '2026-11-02'") == "1");
  // The operator's call: --force runs the day again, as asked.
  auto forced = run_flowc(project, {"backfill", ".", "--workflow", "w", "--from", "2026-11-02", "--to",
                                    "2026-11-02", "--force", "--dsn", dsn});
  CHECK(forced.exit_code == 0);
  CHECK(query_one(dsn, "select count(*) from out.app where ds = '2026-11-02'") == "2");
  // `flowc run` asked for the day by name goes ahead, and says first what
  // it repeats of the day's latest run.
  auto run = run_flowc(project, {"run", ".", "--workflow", "w", "--ds", "2026-11-02", "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output,
                 "flowc: warning: task app (mode append) succeeded in run 3, of the same day: this "
                 "run will append its rows a second time\n"));
  CHECK(query_one(dsn, "select count(*) from out.app where ds = '2026-11-02'") == "3");
  // A day no run did yet: nothing to say.
  auto first = run_flowc(project, {"run", ".", "--workflow", "w", "--ds", "2026-11-05", "--dsn", dsn});
  CHECK(first.exit_code == 0);
  CHECK_FALSE(contains(first.output, "flowc: warning"));
}

TEST_CASE("backfill: a workflow whose runs do not depend on their day is refused, exit 2") {
  std::string dsn = fresh_database("backfill_no_ds");
  std::string project = write_project("backfill_no_ds", {{"w.flow", R"FLOW(workflow w7 {
  owner = "data-eng"

  task d7 {
    writes  = "out.d7"
    mode    = append
    publish = true
    sql     = "select now() as at"
  }
}
)FLOW"}});
  auto r = run_flowc(project, {"backfill", ".", "--workflow", "w7", "--from", "2026-04-01", "--to",
                               "2026-04-03", "--dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output ==
        "flowc: workflow w7 has no `ds` param (nor one defaulting to logical_date) and no command task: each "
        "day's "
        "run would be the same unpartitioned run; run it once with `flowc run`\n");
  CHECK(query_one(dsn, "select to_regclass('out.d7') is null") == "t");
}

TEST_CASE("backfill: 100 years start at once (no plan per day up front), interrupted the rest is one span") {
  std::string dsn = fresh_database("backfill_century");
  std::string project = write_project("backfill_century", daily_project("1900-12-31", 0));
  Background century = start_flowc(project, {"backfill", ".", "--workflow", "b", "--from", "2000-01-01", "--to",
                                             "2099-12-31", "--dsn", dsn});
  // Lowering 36525 plans before the first run took about 10 s.
  CHECK(wait_for(dsn, "select count(*) >= 1 from out.counter", "t", 3));
  ::kill(century.pid, SIGINT);
  int code = century.wait();
  INFO(century.output());
  CHECK(code == 1);
  CHECK(contains(century.output(), "2099-12-31 (")); // the days left out end in one span
  CHECK(century.output().size() < 20000);
}
