// The machine key recorded with every lease (task_runs.lease_machine,
// migration 6) against a real PostgreSQL: what sets and clears it, and the
// operations on a holder judged gone (exec::worker_gone: only this
// machine's), which must never touch another machine's lease of the same
// name (two containers started with one --hostname name their executors
// alike).
#include <doctest/doctest.h>

#include <chrono>
#include <pqxx/pqxx>

#include "runtime/exec/exec.h"
#include "runtime/state/machine_key.h"
#include "runtime/state/migrate.h"
#include "runtime/state/schema.h"
#include "runtime/state/store.h"
#include "tests/integration/old_schema.h"
#include "tests/support/pg_harness.h"

namespace {

using namespace flowc::runtime;
using namespace flowc::runtime::state;
using namespace std::chrono_literals;

/// The key of a machine that is not this one.
const std::string kOtherMachine = "00000000-0000-0000-0000-000000000000/pid:[4026531836]";

/// One scalar query, as text ("<null>" for NULL or no row).
std::string query(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? "<null>" : r[0][0].as<std::string>();
}

struct Db {
  std::string dsn = flowc::testing::fresh_database("lease_machine");
  StateStore store{dsn, "flow"};
  Db() { REQUIRE(store.migrate()); }
  /// A run of daily_kpi whose task i depends on deps[i].
  int64_t run(const std::vector<std::vector<uint32_t>>& deps) {
    NewRun r;
    r.workflow = "daily_kpi";
    r.ds = "2026-11-24";
    r.plan_hash = "h";
    for (uint32_t i = 0; i < deps.size(); ++i) r.tasks.push_back({"t" + std::to_string(i), i, deps[i], 1});
    CreatedRun created = store.create_run(r);
    REQUIRE_MESSAGE(created.status.ok, created.status.error);
    return created.run_id;
  }
  std::string scalar(const std::string& sql) { return query(dsn, sql); }
  void exec(const std::string& sql) {
    pqxx::connection c(dsn);
    pqxx::nontransaction tx(c);
    tx.exec0(sql);
  }
};

ClaimRequest request(int64_t run_id, std::string owner) {
  ClaimRequest r;
  r.run_id = run_id;
  r.owner = std::move(owner);
  r.lease = 30s;
  return r;
}

}  // namespace

TEST_CASE("migration 6 adds task_runs.lease_machine to a version 5 schema and migrating again does nothing") {
  std::string dsn = flowc::testing::fresh_database("lease_machine_migrate");
  pqxx::connection c(dsn);
  {
    // The schema as a flowc of version 5 left it, with a lease it took.
    pqxx::work tx(c);
    flowc::testing::create_schema_at_version(tx, "flow", 5);
    tx.exec("insert into flow.runs (id, workflow, ds, stage, trigger, status, plan_hash, plan) "
            "values (1, 'daily_kpi', '2026-11-24', 'model', 'manual', 'running', 'h', '{}')");
    tx.exec("insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, "
            "lease_token, lease_owner, lease_until) values (1, 't0', 0, 'running', 1, 1, gen_random_uuid(), "
            "'host:1:0', now() + interval '30 seconds')");
    tx.commit();
  }
  MigrateOutcome first = migrate(c, "flow");
  REQUIRE_MESSAGE(first.ok, first.error);
  CHECK(first.version == latest_version());
  CHECK(first.applied == latest_version() - 5);
  const std::string column =
      "select data_type || ' ' || is_nullable from information_schema.columns where table_schema = 'flow' "
      "and table_name = 'task_runs' and column_name = 'lease_machine'";
  CHECK(query(dsn, column) == "text YES");
  CHECK(query(dsn, "select description from flow.schema_version where version = 6") ==
        "the machine and PID namespace of each lease's holder: only they can tell the holder is gone");
  // The lease taken before has no machine: never judged gone, waited out.
  CHECK(query(dsn, "select lease_machine from flow.task_runs") == "<null>");
  StateStore store(dsn, "flow");
  TaskRows rows = store.task_rows(1);
  REQUIRE(rows.status);
  REQUIRE(rows.rows.size() == 1);
  CHECK(rows.rows[0].owner == "host:1:0");
  CHECK(rows.rows[0].machine.empty());
  CHECK_FALSE(exec::worker_gone(rows.rows[0].owner, rows.rows[0].machine));

  MigrateOutcome second = migrate(c, "flow");
  REQUIRE_MESSAGE(second.ok, second.error);
  CHECK(second.applied == 0);
  CHECK(second.version == latest_version());
  CHECK(query(dsn, "select count(*) from flow.schema_version") == std::to_string(latest_version()));
  CHECK(query(dsn, column) == "text YES");
}

TEST_CASE("claims and hand-offs record this machine's key with the lease, a reset and an abandon clear it") {
  Db db;
  REQUIRE_FALSE(machine_key().empty());
  int64_t run = db.run({{}, {0}});
  ClaimOutcome a = db.store.claim(request(run, "host:1:0"));
  REQUIRE(a.claim);
  CHECK(db.scalar("select lease_machine from flow.task_runs where task = 't0'") == machine_key());
  CHECK(db.scalar("select lease_machine from flow.task_runs where task = 't1'") == "<null>");
  Finish done;
  done.run_id = run;
  done.task = a.claim->task;
  done.token = a.claim->token;
  done.attempt = a.claim->attempt;
  done.state = TaskState::Succeeded;
  done.outcome = "succeeded";
  done.dependents = {1};
  done.claim_next = request(run, "host:1:0");
  FinishOutcome finished = db.store.finish(done);
  REQUIRE(finished.next);
  // The finished task keeps its owner and machine, as it keeps its token.
  const std::string ours = "(lease_machine = '" + machine_key() + "')::text";
  CHECK(db.scalar("select string_agg(task || ' ' || state || ' ' || lease_owner || ' ' || " + ours +
                  ", ', ' order by task) from flow.task_runs") ==
        "t0 succeeded host:1:0 true, t1 running host:1:0 true");
  TaskRows rows = db.store.task_rows(run);
  REQUIRE(rows.status);
  CHECK(rows.rows[1].machine == machine_key());

  // A retry's reset takes the expired lease back, owner and machine alike.
  db.exec("update flow.task_runs set lease_until = now() - interval '1 second' where task = 't1'");
  REQUIRE(db.store.reset_for_retry(run, {{1, 1, false}}));
  CHECK(db.scalar("select state || ' ' || coalesce(lease_owner, '-') || ' ' || coalesce(lease_machine, '-') "
                  "from flow.task_runs where task = 't1'") == "pending - -");

  // A run whose driver is gone is failed with its leases.
  REQUIRE(db.store.claim(request(run, "host:1:0")).claim);
  CHECK(db.scalar("select lease_machine from flow.task_runs where task = 't1'") == machine_key());
  std::vector<int64_t> abandoned;
  REQUIRE(db.store.abandon_runs("daily_kpi", "2026-11-24", "", 0, abandoned));
  CHECK(abandoned.size() == 1);
  CHECK(db.scalar("select state || ' ' || coalesce(lease_owner, '-') || ' ' || coalesce(lease_machine, '-') "
                  "from flow.task_runs where task = 't1'") == "failed - -");
}

TEST_CASE("a gone holder's name on another machine's live lease: a reset keeps it, end_leases leaves it") {
  Db db;
  int64_t run = db.run({{}});
  REQUIRE(db.store.claim(request(run, "host:1:0")).claim);
  const std::string lease = "select state || ' ' || coalesce(lease_owner, '-') || ' ' || "
                            "coalesce((lease_until > now())::text, '-') from flow.task_runs";
  // Another machine's executor with the same name, or one recorded before
  // leases had a machine: the caller's "gone" is about its own machine's.
  for (const std::string& machine : {"'" + kOtherMachine + "'", std::string("null")}) {
    CAPTURE(machine);
    db.exec("update flow.task_runs set lease_machine = " + machine);
    REQUIRE(db.store.end_leases(run, {"host:1:0"}));
    CHECK(db.scalar(lease) == "running host:1:0 true");
    REQUIRE(db.store.reset_for_retry(run, {{0, 1, false}}, {"host:1:0"}));
    CHECK(db.scalar(lease) == "running host:1:0 true");
    CHECK(db.scalar("select finished_at is null from flow.attempts") == "t");
  }
  // Recorded by this machine: its lease ends at once, and a reset takes it
  // up saying the process ended.
  db.exec("update flow.task_runs set lease_machine = '" + machine_key() + "'");
  REQUIRE(db.store.end_leases(run, {"host:1:0"}));
  CHECK(db.scalar(lease) == "running host:1:0 false");
  db.exec("update flow.task_runs set lease_until = now() + interval '30 seconds'");
  REQUIRE(db.store.reset_for_retry(run, {{0, 1, false}}, {"host:1:0"}));
  CHECK(db.scalar(lease) == "pending - -");
  CHECK(db.scalar("select outcome || ': ' || message from flow.attempts") ==
        "lost: the process host:1:0 ended before the attempt finished");
}

TEST_CASE("held_by does not take for its own another machine's lease of the same owner name") {
  Db db;
  int64_t run = db.run({{}});
  ClaimOutcome a = db.store.claim(request(run, "host:1:0"));
  REQUIRE(a.claim);
  db.exec("update flow.task_runs set lease_machine = '" + kOtherMachine + "'");
  ClaimOutcome by_run = db.store.held_by(run, "host:1:0", {0});
  REQUIRE(by_run.status);
  CHECK_FALSE(by_run.claim);
  ClaimOutcome any = db.store.held_by("host:1:0");
  REQUIRE(any.status);
  CHECK_FALSE(any.claim);
  db.exec("update flow.task_runs set lease_machine = '" + machine_key() + "'");
  CHECK(db.store.held_by(run, "host:1:0", {0}).claim);
  CHECK(db.store.held_by("host:1:0").claim);
}
