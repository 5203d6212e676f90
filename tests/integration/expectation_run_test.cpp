// Expectations end to end (`flowc run` against a real PostgreSQL): the
// history `change < P%` compares with, and what an error-level failure
// leaves behind in each write mode (language.md §10.1, §10.2).
#include <doctest/doctest.h>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// A model-stage workflow writing `rows` rows per run, with a `change` check
/// on the row count (or the check `expect`), runnable in the environments
/// dev and stg.
std::vector<std::pair<std::string, std::string>> change_project(
    int rows, const std::string& expect = "row_count() change < 50% as \"rows stable\"") {
  std::string flow = R"FLOW(target wh {
  schema = "app"
  environment dev { schema_suffix = "_dev" }
  environment stg { schema_suffix = "_stg" }
}

workflow counts {
  owner  = "data-eng"
  target = wh
  stage  = model
  param ds: date = logical_date

  task numbers {
    writes = "numbers"
    mode   = overwrite_partition(ds)
    sql    = "select ${ds} as ds, g as n from generate_series(1, ROWS) as g"
    expect EXPECT
  }
}
)FLOW";
  flow.replace(flow.find("ROWS"), 4, std::to_string(rows));
  flow.replace(flow.find("EXPECT"), 6, expect);
  return {{"counts.flow", flow}};
}

}  // namespace

TEST_CASE("expectations: `change` compares with the history of the run's own environment") {
  std::string dsn = fresh_database("expect_change_env");
  std::string small = write_project("expect_change_env_small", change_project(3));
  std::string large = write_project("expect_change_env_large", change_project(10));

  auto dev = run_flowc(small, {"run", ".", "--ds", "2026-11-01", "--env", "dev", "--dsn", dsn});
  INFO(dev.output);
  REQUIRE(dev.exit_code == 0);
  // The first run in stg has no history there: it passes and sets the
  // baseline, whatever dev recorded (other tables, other data).
  auto stg = run_flowc(large, {"run", ".", "--ds", "2026-11-01", "--env", "stg", "--dsn", dsn});
  INFO(stg.output);
  CHECK(stg.exit_code == 0);
  CHECK(query_one(dsn, "select count(*) from app_stg.numbers") == "10");
  // In dev, the history is dev's own: 3 -> 10 is a change of 233%.
  auto dev_again = run_flowc(large, {"run", ".", "--ds", "2026-11-02", "--env", "dev", "--dsn", dsn});
  INFO(dev_again.output);
  CHECK(dev_again.exit_code == 1);
  CHECK(contains(dev_again.output, "expectation `rows stable` failed: row_count() = 10"));
}

TEST_CASE(
    "expectations: a check reading two metrics keeps the history of both, and `change` on the second fails") {
  std::string dsn = fresh_database("expect_change_second");
  const std::string check = "row_count() > 0 and sum(n) change < 50% as \"sum stable\"";
  std::string small = write_project("expect_change_second_small", change_project(3, check));
  std::string large = write_project("expect_change_second_large", change_project(10, check));
  auto first = run_flowc(small, {"run", ".", "--ds", "2026-11-01", "--env", "dev", "--dsn", dsn});
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK(query_one(
            dsn,
            "select string_agg(metric || ' = ' || value, ', ' order by id) from flow.expectation_results") ==
        "row_count() = 3, sum(n) = 6");
  // sum(n) goes from 6 to 55: its own history says so, not row_count()'s.
  auto second = run_flowc(large, {"run", ".", "--ds", "2026-11-02", "--env", "dev", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 1);
  CHECK(contains(second.output, "expectation `sum stable` failed: row_count() = 10, sum(n) = 55"));
}

TEST_CASE("expectations: an error-level failure rolls back the write of every SQL mode, merge checks its partition") {
  std::string dsn = fresh_database("expect_rollback");
  std::string project = write_project("expect_rollback", {{"modes.flow", R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow modes {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  param ds: date = logical_date

  task t_replace {
    writes  = "out.t_replace"
    mode    = replace
    sql     = "select ${ds} as ds, g as k from generate_series(1, 3) as g"
    publish = true
    expect row_count() < 3
  }
  task t_part {
    writes  = "out.t_part"
    mode    = overwrite_partition(ds)
    sql     = "select ${ds} as ds, g as k from generate_series(1, 3) as g"
    publish = true
    expect row_count() < 3
  }
  task t_merge {
    writes  = "out.t_merge"
    mode    = merge(key = [ds, k])
    sql     = "select ${ds} as ds, g as k from generate_series(1, 3) as g"
    publish = true
    expect row_count() == 3 as "the partition only"
    expect max(k) < 3
  }
  task t_append {
    writes  = "out.t_append"
    mode    = append
    sql     = "select ${ds} as ds, g as k from generate_series(1, 3) as g"
    retry   = retry(0)
    publish = true
    expect row_count() < 6
  }
  task t_none {
    writes  = "out.t_none"
    mode    = none
    sql     = "insert into ${self} select ${ds}, 9"
    retry   = retry(0)
    publish = true
    expect row_count() < 4
  }
}
)FLOW"}});
  query_one(dsn, R"(create schema out;
create table out.t_replace as select '2026-11-01'::date as ds, g as k from generate_series(1, 3) as g;
create table out.t_part as select * from out.t_replace;
create table out.t_merge as select * from out.t_replace;
alter table out.t_merge add primary key (ds, k);
create table out.t_append as select * from out.t_replace;
create table out.t_none as select * from out.t_replace;
select 1)");
  const std::vector<std::string> tables = {"out.t_replace", "out.t_part", "out.t_merge", "out.t_append", "out.t_none"};
  std::vector<std::string> before;
  for (const std::string& t : tables) before.push_back(table_checksum(dsn, t));

  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-02", "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  for (size_t i = 0; i < tables.size(); ++i) {
    INFO(tables[i]);
    CHECK(table_checksum(dsn, tables[i]) == before[i]);
    CHECK(query_one(dsn, "select state from flow.task_runs where task = '" + tables[i].substr(4) + "'") ==
          "failed");
  }
  // merge(key = [ds, k]) checks the run's partition (3 rows), not the table (6).
  CHECK(query_one(dsn, "select passed::text || ' ' || value from flow.expectation_results "
                       "where expectation = 'the partition only'") == "true 3");
  CHECK(contains(run.output, "expectation `max(k) < 3` failed: max(k) = 3"));
}

TEST_CASE(
    "expectations: a check whose sql() metric breaks is named, and when it is warn-level the write stays") {
  std::string dsn = fresh_database("expect_broken_metric");
  // `two rows` returns two rows where one is needed (SQLSTATE 21000): the
  // one select of every metric fails. Each metric computed on its own
  // tells which one broke; the others are judged as ever.
  auto project_with = [](const std::string& severity) {
    return write_project(
        "expect_broken_metric_" + (severity.empty() ? std::string("error") : severity), {{"broken.flow",
                                                                                          R"FLOW(route team {
  owner  = "data-eng"
  notify = [jsonl("alerts.jsonl")]
}

target wh {
  schema = "app"
  environment dev { schema_suffix = "_dev" }
}

workflow broken {
  owner  = "data-eng"
  target     = wh
  stage      = model
  on_warning = alert(team)
  param ds: date = logical_date

  task numbers {
    writes = "numbers"
    mode   = overwrite_partition(ds)
    sql    = "select ${ds} as ds, g as n from generate_series(1, 3) as g"
    expect row_count() == 3 as "three rows"
    expect sql("select g from generate_series(1, 2) as g") == 1 )FLOW" + severity + R"FLOW( as "two rows"
    expect sql("select g from generate_series(1, 2) as g") == 1 or row_count() > 0 else warn as "either"
  }
}
)FLOW"}});
  };
  auto warned =
      run_flowc(project_with("else warn"), {"run", ".", "--ds", "2026-11-01", "--env", "dev", "--dsn", dsn});
  INFO(warned.output);
  CHECK(warned.exit_code == 0);
  CHECK(query_one(dsn, "select count(*) from app_dev.numbers") == "3");
  CHECK(contains(query_one(dsn, "select payload->>'message' from flow.alerts where run_id = 1"),
                 "expectation `two rows` failed: sql(\"select g from generate_series(1, 2) as g\") "
                 "could not be computed: more than one row returned by a subquery used as an "
                 "expression"));
  CHECK(query_one(dsn,
                  "select string_agg(expectation || ' ' || passed || ' ' || coalesce(value, 'NULL'), ', '"
                  " order by expectation, id) from flow.expectation_results") ==
        "either false NULL, either false 3, three rows true 3, two rows false NULL");

  auto failed = run_flowc(project_with(""), {"run", ".", "--ds", "2026-11-02", "--env", "dev", "--dsn", dsn});
  INFO(failed.output);
  CHECK(failed.exit_code == 1);
  CHECK(contains(failed.output,
                 "expectation `two rows` failed: sql(\"select g from generate_series(1, 2) as g\") "
                 "could not be computed: more than one row returned by a subquery used as an "
                 "expression"));
  CHECK(query_one(dsn, "select count(*) from app_dev.numbers where ds = '2026-11-02'") == "0");
}

TEST_CASE(
    "expectations: a command task's run after the command on the table it writes, and an error fails it") {
  std::string dsn = fresh_database("expect_command");
  // The command loads three rows, one of them negative, into the table it
  // `writes`, through the target's DSN (FLOW_TARGET_DSN).
  auto project = [](const std::string& check) {
    std::string flow = R"FLOW(route oncall {
  notify = [stderr()]
}

workflow loads {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  retry      = retry(2)
  param ds: date = logical_date

  task load {
    writes     = "app.loaded"
    run        = command(["sh", "load.sh"], env = [env("FLOW_TARGET_DSN")])
    idempotent = true
    expect row_count() > 0
    expect CHECK
  }

  task report {
    writes = "app.report"
    sql    = "select count(*) as n from ${load}"
  }
}
)FLOW";
    flow.replace(flow.find("CHECK"), 5, check);
    return std::vector<std::pair<std::string, std::string>>{
        {"loads.flow", flow},
        {"load.sh",
         "psql -X -q -v ON_ERROR_STOP=1 -d \"$FLOW_TARGET_DSN\" -c 'create table if not exists "
         "app.loaded (v int); insert into app.loaded values (1), (2), (-3)'\n"}};
  };
  query_one(dsn, "create schema app; select 1");
  std::string failing =
      write_project("expect_command_fail",
                    project("sql(\"select count(*) from ${self} where v < 0\") == 0 as \"no negatives\""));
  auto run = run_flowc(failing, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  // Failed at once, not retried (bad data is permanent), the command's rows
  // left where they are (a command's effects cannot be rolled back), the
  // downstream blocked, the results recorded.
  CHECK(query_one(dsn, "select state || ' ' || attempts from flow.task_runs where task = 'load'") ==
        "failed 1");
  CHECK(query_one(dsn, "select message from flow.task_runs where task = 'load'") ==
        "expectation `no negatives` failed: sql(\"select count(*) from ${self} where v < 0\") = 1");
  CHECK(query_one(dsn, "select state from flow.task_runs where task = 'report'") == "upstream_failed");
  CHECK(query_one(dsn, "select count(*) from app.loaded") == "3");
  CHECK(query_one(dsn,
                  "select string_agg(expectation || '=' || passed, ',' order by expectation) from "
                  "flow.expectation_results where task = 'load'") ==
        "no negatives=false,row_count() > 0=true");

  // A warn-level check that fails is recorded and the task succeeds.
  std::string warning = write_project(
      "expect_command_warn",
      project("sql(\"select count(*) from ${self} where v < 0\") == 0 else warn as \"no negatives\""));
  auto warned = run_flowc(warning, {"run", ".", "--ds", "2026-11-25", "--dsn", dsn});
  INFO(warned.output);
  CHECK(warned.exit_code == 0);
  CHECK(contains(warned.output, "1 warning"));
  CHECK(query_one(dsn,
                  "select state from flow.task_runs t join flow.runs r on r.id = t.run_id "
                  "where r.ds = '2026-11-25' and task = 'report'") == "succeeded");
}
