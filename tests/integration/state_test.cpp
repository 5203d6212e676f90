// The state database against a real PostgreSQL: migrations, runs, the run
// lock, claims with leases, fencing.
#include <doctest/doctest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "runtime/state/migrate.h"
#include "runtime/state/schema.h"
#include "runtime/state/store.h"
#include "tests/support/pg_harness.h"
#include "tests/support/stopped_backend.h"

namespace {

using namespace flowc::runtime;
using namespace flowc::runtime::state;
using namespace std::chrono_literals;

int last_version() { return migrations().back().version; }

// A run of `workflow` whose task i depends on deps[i].
NewRun make_run(const std::vector<std::vector<uint32_t>>& deps, std::string trigger = "manual",
                std::string workflow = "daily_kpi", uint32_t max_attempts = 1) {
  NewRun run;
  run.workflow = workflow;
  run.ds = "2026-11-24";
  run.trigger = trigger;
  run.plan_hash = "h";
  for (uint32_t i = 0; i < deps.size(); ++i)
    run.tasks.push_back({"t" + std::to_string(i), i, deps[i], max_attempts});
  return run;
}

struct Db {
  std::string dsn = flowc::testing::fresh_database("state");
  StateStore store;
  explicit Db(std::chrono::milliseconds statement_limit = StateStore::kStatementLimit)
      : store(dsn, "flow", statement_limit) {
    REQUIRE(store.migrate());
  }
  int64_t run(const NewRun& r) {
    CreatedRun created = store.create_run(r);
    REQUIRE_MESSAGE(created.status.ok, created.status.error);
    REQUIRE(created.run_id > 0);
    return created.run_id;
  }
  std::string scalar(const std::string& sql) {
    pqxx::connection c(dsn);
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec(sql);
    return r[0][0].is_null() ? "<null>" : r[0][0].as<std::string>();
  }
};

ClaimRequest request(int64_t run_id, std::string owner = "test:1:0", std::chrono::milliseconds lease = 30s) {
  ClaimRequest r;
  r.run_id = run_id;
  r.owner = owner;
  r.lease = lease;
  r.log_dir = "/logs";
  return r;
}

// `dependents`: the tasks that depend directly on the claimed one (the plan's word).
Finish finish_of(const Claim& claim, TaskState state, std::vector<uint32_t> dependents = {}) {
  Finish f;
  f.dependents = std::move(dependents);
  f.run_id = claim.run_id;
  f.task = claim.task;
  f.token = claim.token;
  f.attempt = claim.attempt;
  f.state = state;
  f.outcome = state == TaskState::Succeeded ? "succeeded" : "failed";
  return f;
}

}  // namespace

TEST_CASE("migrations apply once and record their version and are idempotent") {
  std::string dsn = flowc::testing::fresh_database("migrate");
  pqxx::connection c(dsn);
  MigrateOutcome first = migrate(c, "flow");
  REQUIRE_MESSAGE(first.ok, first.error);
  CHECK(first.applied == static_cast<int>(migrations().size()));
  CHECK(first.version == last_version());
  MigrateOutcome second = migrate(c, "flow");
  REQUIRE(second.ok);
  CHECK(second.applied == 0);
  CHECK(second.version == last_version());
  {
    pqxx::nontransaction tx(c);
    CHECK(tx.exec("select count(*) from flow.schema_version")[0][0].as<int>() == static_cast<int>(migrations().size()));
    CHECK(tx.exec("select max(version) from flow.schema_version")[0][0].as<int>() == last_version());
  }
  // A schema name that needs quoting works the same.
  MigrateOutcome odd = migrate(c, "Flow State");
  CHECK_MESSAGE(odd.ok, odd.error);
}

TEST_CASE("concurrent migrations all succeed and apply each version once") {
  std::string dsn = flowc::testing::fresh_database("migrate_concurrent");
  std::vector<MigrateOutcome> outcomes(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < outcomes.size(); ++i)
    threads.emplace_back([&, i] {
      pqxx::connection c(dsn);
      outcomes[i] = migrate(c, "flow");
    });
  for (auto& t : threads) t.join();
  int applied = 0;
  for (const auto& outcome : outcomes) {
    CHECK_MESSAGE(outcome.ok, outcome.error);
    CHECK(outcome.version == last_version());
    applied += outcome.applied;
  }
  CHECK(applied == static_cast<int>(migrations().size()));
}

TEST_CASE("only one scheduled run per workflow and ds and env but manual runs may repeat") {
  Db db;
  int64_t first = db.run(make_run({{}}, "schedule"));
  CreatedRun again = db.store.create_run(make_run({{}}, "schedule"));
  REQUIRE(again.status.ok);
  CHECK(again.duplicate_scheduled);
  CHECK(again.existing_run_id == first);
  CHECK(again.run_id == 0);
  CHECK(db.run(make_run({{}}, "manual")) != first);
  CHECK(db.run(make_run({{}}, "manual")) != first);
  CHECK(db.scalar("select count(*) from flow.runs") == "3");
}

TEST_CASE("the run lock refuses a second run of the same workflow and ds and env") {
  Db db;
  RunLock::Acquired held = RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "");
  REQUIRE(held.status.ok);
  REQUIRE(held.lock);
  int64_t run = db.run(make_run({{}}));
  RunLock::Acquired refused = RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "");
  REQUIRE(refused.status.ok);
  CHECK_FALSE(refused.lock);
  CHECK(refused.refusal ==
        "a run of daily_kpi for 2026-11-24 is already in progress (run " + std::to_string(run) + ")");
  // Another ds, env or state schema is another lock.
  CHECK(RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-25", "").lock);
  CHECK(RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "staging").lock);
  held.lock.reset();  // the session ends: the lock is released
  CHECK(RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "").lock);
}

TEST_CASE("a refusal in the instant the holder has the lock but not yet its run still names the run") {
  Db db;
  RunLock::Acquired held = RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "");
  REQUIRE(held.lock);
  // The holder records its run a moment after taking the lock.
  int64_t run = 0;
  std::thread holder([&] {
    std::this_thread::sleep_for(300ms);
    run = db.run(make_run({{}}));
  });
  RunLock::Acquired refused = RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "");
  holder.join();
  REQUIRE(refused.status.ok);
  CHECK_FALSE(refused.lock);
  CHECK(refused.refusal ==
        "a run of daily_kpi for 2026-11-24 is already in progress (run " + std::to_string(run) + ")");
}

TEST_CASE("a run is driven while its run lock is held, whatever the holder") {
  Db db;
  int64_t run = db.run(make_run({{}}));
  NewRun staging = make_run({{}});
  staging.env = "staging";
  int64_t other = db.run(staging);
  bool driven = true;
  REQUIRE(db.store.run_driven(run, driven));
  CHECK_FALSE(driven);
  RunLock::Acquired held = RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "");
  REQUIRE(held.lock);
  REQUIRE(db.store.run_driven(run, driven));
  CHECK(driven);
  REQUIRE(db.store.run_driven(other, driven));
  CHECK_FALSE(driven);  // another env, another lock
  held.lock.reset();
  REQUIRE(db.store.run_driven(run, driven));
  CHECK_FALSE(driven);
  REQUIRE(db.store.run_driven(999999, driven));
  CHECK_FALSE(driven);
}

TEST_CASE("a large run refreshes the statistics of task_runs only when they are missing or the table doubled") {
  Db db;
  auto analyzed = [&] {
    return db.scalar("select analyze_count from pg_stat_user_tables where relid = 'flow.task_runs'::regclass");
  };
  int day = 10;
  auto create = [&](size_t tasks) {
    NewRun run = make_run(std::vector<std::vector<uint32_t>>(tasks));
    run.ds = "2026-11-" + std::to_string(day++);
    db.run(run);
  };
  create(1000);  // never analyzed
  CHECK(analyzed() == "1");
  create(300);  // 1,300 rows where the statistics saw 1,000
  CHECK(analyzed() == "1");
  create(1000);  // 2,300 rows: more than twice as many pages
  CHECK(analyzed() == "2");
  create(50);  // a small run never looks
  CHECK(analyzed() == "2");
}

TEST_CASE("abandoned runs: scheduled runs of any ds recorded running whose run lock is free") {
  Db db;
  int64_t today = db.run(make_run({{}}, "schedule"));
  NewRun older = make_run({{}}, "schedule");
  older.ds = "2026-11-20";
  int64_t old_run = db.run(older);
  NewRun manual = make_run({{}});
  manual.ds = "2026-11-21";
  db.run(manual);  // not a scheduled run
  NewRun staging = make_run({{}}, "schedule");
  staging.env = "staging";
  db.run(staging);  // another env
  auto listed = [&] {
    DayRuns abandoned = db.store.abandoned_runs("daily_kpi", "", "schedule");
    REQUIRE(abandoned.status);
    std::string out;
    for (const DayRun& run : abandoned.runs) out += run.ds + "=" + std::to_string(run.run_id) + " ";
    return out;
  };
  CHECK(listed() == "2026-11-20=" + std::to_string(old_run) + " 2026-11-24=" + std::to_string(today) + " ");
  RunLock::Acquired held = RunLock::acquire(db.dsn, "flow", "daily_kpi", "2026-11-24", "");
  REQUIRE(held.lock);
  CHECK(listed() == "2026-11-20=" + std::to_string(old_run) + " ");  // today's has a driver
  held.lock.reset();
  db.scalar("update flow.runs set status = 'succeeded' where id = " + std::to_string(old_run) + " returning id");
  CHECK(listed() == "2026-11-24=" + std::to_string(today) + " ");  // an ended run is nobody's to adopt
}

TEST_CASE("claims follow dependencies and record the attempt with its log path") {
  Db db;
  int64_t run = db.run(make_run({{}, {0}, {0}, {1, 2}}));
  // Tasks without dependencies start ready, the others pending.
  CHECK(db.scalar("select string_agg(state, ',' order by task_index) from flow.task_runs") ==
        "ready,pending,pending,pending");
  ClaimOutcome a = db.store.claim(request(run));
  REQUIRE_MESSAGE(a.status.ok, a.status.error);
  REQUIRE(a.claim);
  CHECK(a.claim->task == "t0");
  CHECK(a.claim->attempt == 1);
  CHECK(a.claim->log_path == "/logs/" + std::to_string(run) + "/t0.1.log");
  CHECK_FALSE(db.store.claim(request(run)).claim);  // t1, t2 wait for t0
  FinishOutcome done = db.store.finish(finish_of(*a.claim, TaskState::Succeeded, {1, 2}));
  REQUIRE(done.status.ok);
  CHECK(done.applied);
  CHECK(done.promoted == std::vector<uint32_t>{1, 2});
  ClaimOutcome b = db.store.claim(request(run));
  ClaimOutcome c = db.store.claim(request(run));
  REQUIRE((b.claim && c.claim));
  CHECK(b.claim->task == "t1");
  CHECK(c.claim->task == "t2");
  CHECK_FALSE(db.store.claim(request(run)).claim);
  // The two upstreams of t3 finish; the second one promotes it.
  CHECK(db.store.finish(finish_of(*b.claim, TaskState::Succeeded, {3})).promoted.empty());
  CHECK(db.store.finish(finish_of(*c.claim, TaskState::Succeeded, {3})).promoted == std::vector<uint32_t>{3});
  ClaimOutcome d = db.store.claim(request(run));
  REQUIRE(d.claim);
  CHECK(d.claim->task == "t3");
  CHECK(db.scalar("select log_path from flow.attempts where task = 't3'") ==
        "/logs/" + std::to_string(run) + "/t3.1.log");
  CHECK(db.scalar("select string_agg(state, ',' order by task_index) from flow.task_runs") ==
        "succeeded,succeeded,succeeded,running");
}

TEST_CASE("wake_waiting makes waiting instances claimable now and says how many of them are running") {
  Db db;
  int64_t run = db.run(make_run({{}, {}}));
  ClaimOutcome held = db.store.claim(request(run));  // t0 running
  REQUIRE(held.claim);
  db.scalar(
      "update flow.task_runs set state = 'waiting', not_before = now() + interval '1 minute' "
      "where task = 't1' returning 1");
  int64_t running = -1;
  REQUIRE(db.store.wake_waiting(run, {0, 1}, running));
  CHECK(running == 1);  // t0: its executor may be about to record that it waits
  CHECK(db.scalar("select (state = 'waiting' and not_before <= clock_timestamp())::text from flow.task_runs "
                  "where task = 't1'") == "true");
  CHECK(db.scalar("select state from flow.task_runs where task = 't0'") == "running");
}

TEST_CASE("a finish hands its first promoted dependent to the finishing executor and announces only the rest") {
  Db db;
  // t0 fans out to t1 and t2; t2 is followed by t3 alone.
  int64_t run = db.run(make_run({{}, {0}, {0}, {2}}));
  pqxx::connection listening(db.dsn);
  struct Counter : pqxx::notification_receiver {
    using pqxx::notification_receiver::notification_receiver;
    void operator()(const std::string&, int) override { ++count; }
    int count = 0;
  } announced(listening, notify_channel("flow"));
  // The announcements that arrive: waits for `expected` of them (delivery
  // is asynchronous), then a little longer for any beyond.
  auto announcements = [&](int expected) {
    announced.count = 0;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (announced.count < expected && std::chrono::steady_clock::now() < deadline)
      listening.await_notification(0, 100000);
    listening.await_notification(0, 300000);
    while (listening.get_notifs() > 0) {
    }
    return announced.count;
  };

  ClaimOutcome a = db.store.claim(request(run, "host:1:0"));
  REQUIRE(a.claim);
  Finish fan_out = finish_of(*a.claim, TaskState::Succeeded, {1, 2});
  fan_out.claim_next = request(run, "host:1:0");
  FinishOutcome first = db.store.finish(fan_out);
  REQUIRE_MESSAGE(first.status.ok, first.status.error);
  CHECK(first.promoted == std::vector<uint32_t>{1, 2});
  REQUIRE(first.next);
  CHECK(first.next->task == "t1");
  CHECK(first.next->run_id == run);
  CHECK(first.next->attempt == 1);
  CHECK(first.next->more);  // t2 was left ready for another executor
  CHECK(first.next->log_path == "/logs/" + std::to_string(run) + "/t1.1.log");
  CHECK(announcements(1) == 1);  // t2 is there for the taking
  CHECK(db.scalar("select string_agg(state || ':' || coalesce(lease_owner, '-'), ',' order by task_index) "
                  "from flow.task_runs") == "succeeded:host:1:0,running:host:1:0,ready:-,pending:-");
  CHECK(db.scalar("select worker || ' ' || log_path from flow.attempts where task = 't1'") ==
        "host:1:0 /logs/" + std::to_string(run) + "/t1.1.log");

  // The handed-over claim is a claim like any other: its token fences.
  ClaimOutcome b = db.store.claim(request(run, "host:2:0"));
  REQUIRE(b.claim);
  CHECK(b.claim->task == "t2");
  Finish chain = finish_of(*b.claim, TaskState::Succeeded, {3});
  chain.claim_next = request(run, "host:2:0");
  FinishOutcome second = db.store.finish(chain);
  REQUIRE(second.next);
  CHECK(second.next->task == "t3");
  CHECK_FALSE(second.next->more);
  CHECK(announcements(0) == 0);  // a chain hands over without a NOTIFY
  CHECK(db.store.finish(finish_of(*first.next, TaskState::Succeeded)).applied);
  Finish stale = finish_of(*second.next, TaskState::Succeeded);
  stale.token = "00000000-0000-0000-0000-000000000002";
  CHECK_FALSE(db.store.finish(stale).applied);
  FinishOutcome last = db.store.finish(finish_of(*second.next, TaskState::Succeeded));
  CHECK(last.applied);
  CHECK_FALSE(last.next);
  CHECK(announcements(2) == 2);  // leaves that promote nothing are announced (the scheduler sees the end)
  CHECK(db.scalar("select string_agg(state, ',' order by task_index) from flow.task_runs") ==
        "succeeded,succeeded,succeeded,succeeded");
}

TEST_CASE("held_by finds the instance a lost reply claimed for an owner, as its claim") {
  Db db;
  int64_t run = db.run(make_run({{}, {0}}));
  ClaimOutcome a = db.store.claim(request(run, "host:1:0"));
  REQUIRE(a.claim);
  ClaimOutcome held = db.store.held_by(run, "host:1:0", {0, 1});
  REQUIRE_MESSAGE(held.status.ok, held.status.error);
  REQUIRE(held.claim);
  CHECK(held.claim->task == "t0");
  CHECK(held.claim->token == a.claim->token);
  CHECK(held.claim->attempt == a.claim->attempt);
  CHECK(held.claim->max_attempts == a.claim->max_attempts);
  CHECK(held.claim->log_path == a.claim->log_path);
  CHECK_FALSE(db.store.held_by(run, "host:2:0", {0, 1}).claim);  // another executor's
  CHECK_FALSE(db.store.held_by(run, "host:1:0", {1}).claim);     // not among the candidates
  Finish done = finish_of(*a.claim, TaskState::Succeeded, {1});
  done.claim_next = request(run, "host:1:0");
  FinishOutcome finished = db.store.finish(done);
  REQUIRE(finished.next);
  ClaimOutcome again = db.store.held_by(run, "host:1:0", {1});
  REQUIRE(again.claim);
  CHECK(again.claim->token == finished.next->token);
  CHECK(again.claim->log_path == finished.next->log_path);
}

TEST_CASE("held_by an owner alone finds its running instance in any run, with the run's id") {
  Db db;
  int64_t first = db.run(make_run({{}}));
  int64_t second = db.run(make_run({{}}));
  CHECK_FALSE(db.store.held_by("host:1:0").claim);
  ClaimRequest any = request(first, "host:1:0");
  any.run_id = std::nullopt;  // as a worker claims
  ClaimOutcome a = db.store.claim(any);
  REQUIRE(a.claim);
  CHECK(a.claim->run_id == first);  // oldest run first
  ClaimOutcome held = db.store.held_by("host:1:0");
  REQUIRE_MESSAGE(held.status.ok, held.status.error);
  REQUIRE(held.claim);
  CHECK(held.claim->run_id == first);
  CHECK(held.claim->token == a.claim->token);
  CHECK(held.claim->log_path == a.claim->log_path);
  CHECK_FALSE(db.store.held_by("host:2:0").claim);
  ClaimOutcome b = db.store.claim(any);
  REQUIRE(b.claim);
  CHECK(b.claim->run_id == second);
}

TEST_CASE("the downstream of a task comes from the recorded dependencies") {
  Db db;
  // t0 -> t1 -> t3, t0 -> t2 -> t3, t4 alone.
  int64_t run = db.run(make_run({{}, {0}, {0}, {1, 2}, {}}));
  std::vector<uint32_t> down;
  REQUIRE(db.store.downstream(run, 0, down));
  CHECK(down == std::vector<uint32_t>{1, 2, 3});
  REQUIRE(db.store.downstream(run, 2, down));
  CHECK(down == std::vector<uint32_t>{3});
  REQUIRE(db.store.downstream(run, 4, down));
  CHECK(down.empty());
}

TEST_CASE("a final failure blocks everything downstream") {
  Db db;
  int64_t run = db.run(make_run({{}, {0}, {1}, {}}));
  ClaimOutcome a = db.store.claim(request(run));
  REQUIRE(a.claim);
  Finish failed = finish_of(*a.claim, TaskState::Failed);
  failed.downstream = {1, 2};
  failed.blocked_message = "upstream t0 failed";
  failed.error_class = ErrorClass::Permanent;
  failed.message = "relation \"x\" does not exist";
  FinishOutcome done = db.store.finish(failed);
  CHECK(done.blocked == std::vector<uint32_t>{1, 2});
  CHECK(db.scalar("select string_agg(state, ',' order by task_index) from flow.task_runs") ==
        "failed,upstream_failed,upstream_failed,ready");
  CHECK(db.scalar("select error_class || ': ' || message from flow.attempts where task = 't0'") ==
        "permanent: relation \"x\" does not exist");
  ClaimOutcome independent = db.store.claim(request(run));
  REQUIRE(independent.claim);
  CHECK(independent.claim->task == "t3");
}

TEST_CASE("fencing: a write with a stale token is rejected and counted") {
  Db db;
  int64_t run = db.run(make_run({{}}));
  ClaimOutcome a = db.store.claim(request(run));
  REQUIRE(a.claim);
  Claim stale = *a.claim;
  stale.token = "00000000-0000-0000-0000-000000000001";
  FinishOutcome rejected = db.store.finish(finish_of(stale, TaskState::Succeeded));
  REQUIRE(rejected.status.ok);
  CHECK_FALSE(rejected.applied);
  CHECK(db.store.stale_writes() == 1);
  CHECK(db.scalar("select state from flow.task_runs") == "running");
  CHECK(db.store.finish(finish_of(*a.claim, TaskState::Succeeded)).applied);
  CHECK(db.store.stale_writes() == 1);
  // A second finish with the (now finished) token is stale too.
  CHECK_FALSE(db.store.finish(finish_of(*a.claim, TaskState::Failed)).applied);
  CHECK(db.store.stale_writes() == 2);
  CHECK(db.scalar("select state from flow.task_runs") == "succeeded");
}

TEST_CASE("an expired lease lets another executor reclaim and fences the old holder") {
  Db db;
  StateStore other(db.dsn, "flow");
  int64_t run = db.run(make_run({{}}, "manual", "daily_kpi", 3));
  ClaimOutcome a = db.store.claim(request(run, "host:1:0", 300ms));
  REQUIRE(a.claim);
  CHECK_FALSE(other.claim(request(run, "host:2:0")).claim);  // the lease is live
  std::this_thread::sleep_for(150ms);
  REQUIRE(db.store.renew({a.claim->token}, 300ms).tokens.size() == 1);  // its holder's last sign of life
  std::this_thread::sleep_for(700ms);
  ClaimOutcome reclaimed = other.claim(request(run, "host:2:0"));
  REQUIRE_MESSAGE(reclaimed.claim, reclaimed.status.error);
  CHECK(reclaimed.claim->task == "t0");
  CHECK(reclaimed.claim->reclaimed);
  CHECK(reclaimed.claim->lost == 1);
  CHECK(reclaimed.claim->attempt == 1);
  CHECK(reclaimed.claim->previous == TaskState::Running);
  CHECK(reclaimed.claim->token != a.claim->token);
  CHECK(db.scalar("select outcome from flow.attempts where attempt = 1") == "lost");
  // It ended at the renewal (150 ms in), not when the reclaim noticed (850 ms).
  CHECK(db.scalar("select a.finished_at - a.started_at >= interval '100 ms' and t.lease_renewed_at - "
                  "a.finished_at >= "
                  "interval '500 ms' from flow.attempts a join flow.task_runs t using (run_id, task)") ==
        "t");
  // The claimant starts the next attempt, counted against the retries here.
  ClaimOutcome b = other.restart(*reclaimed.claim, "host:2:0", "", false);
  REQUIRE_MESSAGE(b.claim, b.status.error);
  CHECK(b.claim->attempt == 2);
  CHECK(b.claim->max_attempts == 3);
  CHECK_FALSE(b.claim->reclaimed);
  // Renewing the lost lease fails; the old holder's finish is rejected.
  Renewed renewed = db.store.renew({a.claim->token}, 30s);
  REQUIRE(renewed.status.ok);
  CHECK(renewed.tokens.empty());
  CHECK_FALSE(db.store.finish(finish_of(*a.claim, TaskState::Succeeded)).applied);
  CHECK(db.store.stale_writes() == 1);
  CHECK(other.renew({b.claim->token}, 30s).tokens == std::vector<std::string>{b.claim->token});
  CHECK(other.finish(finish_of(*b.claim, TaskState::Succeeded)).applied);
  CHECK(db.scalar("select lease_owner from flow.task_runs") == "host:2:0");
}

TEST_CASE("a lease that expires on the last attempt is reclaimed, and a free restart keeps the retries") {
  Db db;
  int64_t run = db.run(make_run({{}}));
  ClaimOutcome a = db.store.claim(request(run, "host:1:0", 200ms));
  REQUIRE(a.claim);
  std::this_thread::sleep_for(500ms);
  ClaimOutcome b = db.store.claim(request(run, "host:2:0", 200ms));
  REQUIRE(b.claim);
  CHECK(b.claim->reclaimed);
  CHECK(b.claim->attempt == 1);
  CHECK(b.claim->lost == 1);
  CHECK(db.scalar("select count(*) from flow.attempts") == "1");
  ClaimOutcome c = db.store.restart(*b.claim, "host:2:0", "/logs", true);
  REQUIRE(c.claim);
  CHECK(c.claim->attempt == 2);
  CHECK(c.claim->max_attempts == 2);
  CHECK(c.claim->log_path == "/logs/" + std::to_string(run) + "/t0.2.log");
  // A repeat (its first reply lost) returns the attempt already started.
  ClaimOutcome again = db.store.restart(*b.claim, "host:2:0", "/logs", true);
  REQUIRE(again.claim);
  CHECK(again.claim->attempt == 2);
  CHECK(db.scalar("select string_agg(attempt || ' ' || coalesce(outcome, 'open') || ' ' || worker, ', ' "
                  "order by attempt) from flow.attempts") == "1 lost host:1:0, 2 open host:2:0");
  CHECK(db.scalar("select attempts || '/' || max_attempts from flow.task_runs") == "2/2");
  // Lost again: the count goes on (held_by finds a reclaim whose reply was lost).
  std::this_thread::sleep_for(500ms);
  ClaimOutcome d = db.store.claim(request(run, "host:3:0"));
  REQUIRE(d.claim);
  CHECK(d.claim->reclaimed);
  CHECK(d.claim->attempt == 2);
  CHECK(d.claim->lost == 2);
  ClaimOutcome held = db.store.held_by("host:3:0");
  REQUIRE(held.claim);
  CHECK(held.claim->reclaimed);
  CHECK(held.claim->lost == 2);
  CHECK(held.claim->attempt == 2);
  // Another lease holds it now: the old claim cannot restart it.
  ClaimOutcome fenced = db.store.restart(*b.claim, "host:2:0", "", true);
  REQUIRE(fenced.status.ok);
  CHECK_FALSE(fenced.claim);
}

TEST_CASE("retry_wait is claimable only after not_before and expectation results are recorded") {
  Db db;
  int64_t run = db.run(make_run({{}}, "manual", "daily_kpi", 2));
  ClaimOutcome a = db.store.claim(request(run));
  REQUIRE(a.claim);
  Finish retry = finish_of(*a.claim, TaskState::RetryWait);
  retry.not_before = 400ms;
  retry.error_class = ErrorClass::Transient;
  retry.expectations = {{"rows", false, {{"row_count()", "12"}}, true},
                        {"nulls", true, {{"null_rate(x)", std::nullopt}}, false}};
  REQUIRE(db.store.finish(retry).applied);
  CHECK_FALSE(db.store.claim(request(run)).claim);
  std::this_thread::sleep_for(600ms);
  ClaimOutcome b = db.store.claim(request(run));
  REQUIRE(b.claim);
  CHECK(b.claim->attempt == 2);
  CHECK(b.claim->previous == TaskState::RetryWait);
  CHECK(db.scalar("select string_agg(expectation || '=' || coalesce(value, 'null') || ':' || severity, ',' order by id) "
                  "from flow.expectation_results") == "rows=12:error,nulls=null:warn");
}

TEST_CASE("the previous value of a check comes from the latest earlier run in which the task succeeded") {
  Db db;
  auto run_with_value = [&](const std::string& value, TaskState end) {
    int64_t run = db.run(make_run({{}}));
    ClaimOutcome claimed = db.store.claim(request(run));
    REQUIRE(claimed.claim);
    Finish f = finish_of(*claimed.claim, end);
    f.expectations = {{"stable", false, {{"row_count()", value}}, true}};
    REQUIRE(db.store.finish(f).applied);
    return run;
  };
  int64_t first = run_with_value("100", TaskState::Succeeded);
  PreviousValue none = db.store.previous_value(first, "daily_kpi", "", "t0", "stable", "row_count()");
  REQUIRE(none.status.ok);
  CHECK_FALSE(none.value);  // its own run is not history
  run_with_value("120", TaskState::Succeeded);
  run_with_value("999", TaskState::Failed);  // a failed run is not a baseline
  PreviousValue previous = db.store.previous_value(0, "daily_kpi", "", "t0", "stable", "row_count()");
  REQUIRE(previous.value);
  CHECK(*previous.value == "120");
  CHECK_FALSE(db.store.previous_value(0, "other_workflow", "", "t0", "stable", "row_count()").value);
  CHECK_FALSE(db.store.previous_value(0, "daily_kpi", "dev", "t0", "stable", "row_count()").value);
}

TEST_CASE("the previous value of a check is found when its label's blanks changed (flowc fmt)") {
  Db db;
  int64_t run = db.run(make_run({{}}));
  ClaimOutcome claimed = db.store.claim(request(run));
  REQUIRE(claimed.claim);
  Finish f = finish_of(*claimed.claim, TaskState::Succeeded);
  f.expectations = {{"sum( revenue )  change < 1%", true, {{"sum( revenue )", "150"}}, true}};
  REQUIRE(db.store.finish(f).applied);
  PreviousValue previous =
      db.store.previous_value(0, "daily_kpi", "", "t0", "sum(revenue) change < 1%", "sum(revenue)");
  REQUIRE(previous.value);
  CHECK(*previous.value == "150");
  CHECK_FALSE(db.store.previous_value(0, "daily_kpi", "", "t0", "sum(cost) change < 1%", "sum(cost)").value);
}

TEST_CASE("a lost connection is reported as such and the store reconnects") {
  Db db;
  int64_t run = db.run(make_run({{}}));
  {
    pqxx::connection admin(db.dsn);
    pqxx::nontransaction tx(admin);
    tx.exec("select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()");
  }
  TaskRows rows = db.store.task_rows(run);
  CHECK_FALSE(rows.status.ok);
  CHECK(rows.status.connection_lost);
  TaskRows again = db.store.task_rows(run);
  REQUIRE_MESSAGE(again.status.ok, again.status.error);
  CHECK(again.rows.size() == 1);
}

TEST_CASE("a wedged state server: the operation is cancelled at the limit, its connection closed after the grace") {
  Db db(1s);
  int64_t run = db.run(make_run({{}}));
  TaskRows rows;
  std::chrono::steady_clock::duration took{};
  {
    flowc::testing::StoppedBackend stopped(db.dsn);
    auto start = std::chrono::steady_clock::now();
    rows = db.store.task_rows(run);
    took = std::chrono::steady_clock::now() - start;
  }
  CHECK_FALSE(rows.status.ok);
  CHECK(rows.status.connection_lost);
  CHECK(rows.status.error ==
        "the state database did not answer within 1s, nor a cancel within 5s: flowc closed the connection");
  CHECK(took >= 1s + StatementWatchdog::kCancelGrace);
  CHECK(took < 1s + StatementWatchdog::kCancelGrace + 10s);
  // The next operation reconnects.
  TaskRows again = db.store.task_rows(run);
  REQUIRE_MESSAGE(again.status.ok, again.status.error);
  CHECK(again.rows.size() == 1);
}

TEST_CASE("a state statement the server can cancel ends at the limit and the store goes on") {
  Db db(1s);
  int64_t run = db.run(make_run({{}}));
  ClaimOutcome claimed = db.store.claim(request(run));
  REQUIRE(claimed.claim);
  pqxx::connection other(db.dsn);
  pqxx::work holder(other);
  holder.exec("select * from flow.task_runs for update");
  FinishOutcome blocked = db.store.finish(finish_of(*claimed.claim, TaskState::Succeeded));
  CHECK_FALSE(blocked.status.ok);
  CHECK_FALSE(blocked.status.connection_lost);
  CHECK(blocked.status.sqlstate == "57014");
  CHECK(blocked.status.error == "the state database did not answer within 1s: flowc cancelled the statement");
  holder.abort();
  FinishOutcome finished = db.store.finish(finish_of(*claimed.claim, TaskState::Succeeded));
  REQUIRE_MESSAGE(finished.status.ok, finished.status.error);
  CHECK(finished.applied);
}

TEST_CASE("the limit is per operation: operations that answer are never cancelled however long the store lives") {
  Db db(1s);
  int64_t run = db.run(make_run({{}}));
  auto start = std::chrono::steady_clock::now();
  int operations = 0;
  while (std::chrono::steady_clock::now() - start < 3s) {
    TaskRows rows = db.store.task_rows(run);
    REQUIRE_MESSAGE(rows.status.ok, rows.status.error);
    ++operations;
    std::this_thread::sleep_for(200ms);
  }
  CHECK(operations >= 10);
}

TEST_CASE("runs left running by a process that is gone are marked failed") {
  Db db;
  int64_t crashed = db.run(make_run({{}, {0}}));
  ClaimOutcome held = db.store.claim(request(crashed));  // t0 running under a lease, its attempt open
  REQUIRE(held.claim);
  int64_t scheduled = db.run(make_run({{}}, "schedule"));
  int64_t other_ds = db.run([] {
    NewRun r = make_run({{}});
    r.ds = "2026-11-25";
    return r;
  }());
  std::vector<int64_t> abandoned;
  REQUIRE(db.store.abandon_runs("daily_kpi", "2026-11-24", "", 0, abandoned));
  CHECK(abandoned == std::vector<int64_t>{crashed});
  CHECK(db.scalar("select status from flow.runs where id = " + std::to_string(crashed)) == "failed");
  std::string of_crashed = " where run_id = " + std::to_string(crashed);
  CHECK(db.scalar("select string_agg(task || ' ' || state || ' ' || (lease_token is null)::text, ', ' order by task) "
                  "from flow.task_runs" + of_crashed) == "t0 failed true, t1 pending true");
  CHECK(db.scalar("select outcome || ' ' || (finished_at is not null)::text from flow.attempts" + of_crashed) ==
        "lost true");
  // The executor that held it is fenced: its finish is refused.
  CHECK_FALSE(db.store.finish(finish_of(*held.claim, TaskState::Succeeded)).applied);
  CHECK(db.scalar("select status from flow.runs where id = " + std::to_string(scheduled)) == "running");
  CHECK(db.scalar("select status from flow.runs where id = " + std::to_string(other_ds)) == "running");
}
