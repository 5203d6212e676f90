// StateStore::stored_run(): what a process driving a run again (a retry, a
// worker taking up its tasks) reads of it.
#include <doctest/doctest.h>

#include <chrono>
#include <pqxx/pqxx>

#include "runtime/state/store.h"
#include "tests/support/pg_harness.h"

using namespace flowc::runtime;
using namespace flowc::runtime::state;
using namespace std::chrono_literals;

TEST_CASE("a stored run's drive starts at its latest retry: readiness waits count from there") {
  const std::string dsn = flowc::testing::fresh_database("stored_run");
  StateStore store(dsn, "flow");
  REQUIRE(store.migrate());
  NewRun r;
  r.workflow = "w";
  r.ds = "2026-11-24";
  r.plan_hash = "h";
  r.tasks.push_back({"t", 0, {}, 1});
  CreatedRun created = store.create_run(r);
  REQUIRE(created.status.ok);
  auto exec = [&](const std::string& sql) {
    pqxx::connection c(dsn);
    pqxx::nontransaction tx(c);
    tx.exec0(sql);
  };
  exec("update flow.runs set started_at = now() - interval '1 hour', status = 'failed'");
  StoredRun first = store.stored_run(created.run_id);
  REQUIRE(first.status);
  CHECK(first.drive_started == first.started);
  CHECK(Clock::now() - first.started > 59min);

  REQUIRE(store.reset_for_retry(created.run_id, {{0, 1, false}}));
  StoredRun retried = store.stored_run(created.run_id);
  REQUIRE(retried.status);
  CHECK(Clock::now() - retried.started > 59min);
  CHECK(Clock::now() - retried.drive_started < 1min);
}
