// A source's readiness probe end to end: the built binary against the test
// cluster. The wait bounds the probe itself (one blocked on a lock is
// cancelled when the wait ends), and a probe that fails for a reason that
// passes (a serialization failure, a lost connection) is probed again
// within the wait instead of failing the run.
#include <doctest/doctest.h>

#include <chrono>
#include <pqxx/pqxx>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

/// Workflow `w`: source `src` (table `raw.src`, `ready` and `wait` as
/// given, polled every second) and task `load`, which reads it.
std::vector<std::pair<std::string, std::string>> waiting_project(const std::string& ready,
                                                                 const std::string& wait) {
  std::string tasks = R"FLOW(  source src {
    table = "raw.src"
    ready = READY
    wait  = WAIT
    poll  = 1s
  }

  task load {
    writes = "out.load"
    sql    = "select count(*) as n from ${src}"
  }
)FLOW";
  tasks.replace(tasks.find("READY"), 5, ready);
  tasks.replace(tasks.find("WAIT"), 4, wait);
  return {{"w.flow", production_workflow("w", tasks)}};
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("readiness: a probe blocked on a lock is cancelled when the wait ends, and the source times out") {
  std::string dsn = fresh_database("probe_locked");
  query_one(dsn, "create schema raw; create table raw.src (a int); insert into raw.src values (1)");
  std::string project = write_project("probe_locked", waiting_project("row_count() > 0", "2s"));
  // Another session holds the table for longer than the whole wait.
  pqxx::connection holder(dsn);
  pqxx::work lock(holder);
  lock.exec0("lock table raw.src in access exclusive mode");

  const auto started = std::chrono::steady_clock::now();
  auto r = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(took < std::chrono::seconds(15));
  CHECK(query_one(dsn, "select state from flow.task_runs where task = 'src'") == "timed_out");
  CHECK(query_one(dsn, "select message from flow.task_runs where task = 'src'") ==
        "source src not ready after 2s (ready: row_count() > 0): the probe was still running when the wait "
        "ended: canceling statement due to statement timeout");
  CHECK(query_one(dsn, "select state from flow.task_runs where task = 'load'") == "upstream_failed");
  lock.abort();
}

TEST_CASE("readiness: a probe that fails with a transient error is probed again within the wait") {
  std::string dsn = fresh_database("probe_transient");
  // Its first call raises a serialization failure (40001); the sequence is
  // not rolled back with it.
  query_one(dsn, R"(create schema raw; create table raw.src (a int); insert into raw.src values (1);
create sequence raw.calls;
create function raw.flaky() returns int language plpgsql as $$
begin
  if nextval('raw.calls') = 1 then raise exception 'could not serialize' using errcode = '40001'; end if;
  return 1;
end $$)");
  std::string project =
      write_project("probe_transient", waiting_project("sql(\"select raw.flaky()\") == 1", "30s"));
  auto r = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(query_one(dsn,
                  "select string_agg(task || '=' || state || '/' || attempts, ',' order by task) from "
                  "flow.task_runs") == "load=succeeded/1,src=succeeded/1");
  CHECK(query_one(dsn, "select last_value from raw.calls") == "2");
  // What the failed probe said is in the attempt's log.
  CHECK(
      contains(file_text(query_one(dsn, "select log_path from flow.attempts where task = 'src'")), "40001"));
}
