// The execution model when things break, against a real PostgreSQL: the
// state database as the target (write and success in one commit), unknown
// commits, state database restarts, cancellation, leases that cannot be
// renewed, the bookkeeping budget per task, and the retry/wait policy.
#include <doctest/doctest.h>

#include <thread>

#include "tests/integration/exec_support.h"

using namespace flowc::testing::exec_support;

namespace {

// A SQL task that writes one row into `out` on the target (= the state
// database) and records its success inside the same transaction, after
// `write_seconds` of writing.
AttemptResult write_and_record(const AttemptContext& context, double write_seconds = 0) {
  pqxx::work tx(*context.target);
  tx.exec("create table if not exists public.out (n integer)");
  tx.exec("insert into public.out values (1)");
  if (write_seconds > 0) tx.exec("select pg_sleep(" + std::to_string(write_seconds) + ")");
  AttemptResult result = succeeded();
  result.rows_written = 1;
  if (!context.record_success_in || !context.record_success_in(tx, result)) {
    tx.abort();
    return failed(ErrorClass::Transient, "lease lost before commit");
  }
  tx.commit();
  result.recorded_in_transaction = true;
  return result;
}

plan::Plan sql_plan() {
  plan::Plan p = make_plan({{"write", {}}, {"after", {0}}});
  p.tasks[0].kind = plan::TaskKind::Sql;
  p.tasks[0].retry.retries = 1;
  p.tasks[0].retry.initial_seconds = 0;
  return p;
}

}  // namespace

TEST_CASE("state database = target: the write and its success commit together") {
  Harness h;
  plan::Plan p = sql_plan();
  h.runner.behaviour["write"] = [](const AttemptContext& context, int) { return write_and_record(context, 0.5); };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.scalar("select count(*) from public.out") == "1");
  CHECK(h.scalar("select outcome || ':' || rows_written from flow.attempts where task = 'write'") == "succeeded:1");
  CHECK(h.runner.calls_of("after").size() == 1);
  // The success record in the write's transaction also handed `after` over.
  CHECK(h.scalar("select count(*) from flow.attempts a, flow.attempts w "
                 "where a.task = 'after' and w.task = 'write' and a.started_at = w.finished_at") == "1");
  // At the time it committed, not when the write's transaction began: the
  // write took its half second, and `after` started after it.
  CHECK(h.scalar("select bool_and(finished_at - started_at >= interval '0.5 s') from flow.attempts "
                 "where task = 'write'") == "t");
  CHECK(h.scalar("select bool_and(finished_at - started_at >= interval '0.5 s') from flow.task_runs "
                 "where task = 'write'") == "t");
  CHECK(h.scalar("select bool_and(finished_at - started_at < interval '0.5 s') from flow.attempts "
                 "where task = 'after'") == "t");
}

TEST_CASE("state database = target: a fenced attempt rolls its write back (exactly once)") {
  Harness h;
  plan::Plan p = sql_plan();
  std::string dsn = h.dsn;
  h.runner.behaviour["write"] = [dsn](const AttemptContext& context, int call) {
    if (call == 1) {
      pqxx::connection c(dsn);
      pqxx::nontransaction tx(c);
      tx.exec("update flow.task_runs set lease_token = gen_random_uuid(), "
              "lease_until = now() + interval '300 milliseconds' where task = 'write'");
    }
    return write_and_record(context);
  };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  request.poll = 200ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("write").size() == 2);
  CHECK(result.stale_writes == 1);
  CHECK(h.scalar("select count(*) from public.out") == "1");
}

TEST_CASE("a commit whose outcome is unknown is reconciled from the recorded state") {
  Harness h;
  plan::Plan p = sql_plan();
  h.runner.behaviour["write"] = [](const AttemptContext& context, int) {
    AttemptResult committed = write_and_record(context);
    REQUIRE(committed.recorded_in_transaction);
    // The connection "dropped during COMMIT": the runner cannot know.
    AttemptResult unknown = failed(ErrorClass::Transient, "server closed the connection unexpectedly");
    unknown.sqlstate = "08006";
    unknown.outcome_unknown = true;
    unknown.reconnect = true;
    return unknown;
  };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("write").size() == 1);  // not retried: it had committed
  CHECK(h.scalar("select count(*) from public.out") == "1");
  // The same commit had handed `after` over to this executor: it is taken
  // up, not left to lose its lease (which, on its only attempt, would fail it).
  CHECK(h.scalar("select string_agg(outcome, ',') from flow.attempts where task = 'after'") == "succeeded");
  CHECK(result.summary.task_attempts[0] == 1);
}

TEST_CASE("a state database restart mid-run: the executors reconnect and the run finishes") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
    return succeeded();
  };
  exec::RunRequest request = h.request(p);
  request.poll = 300ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("a").size() == 1);
  CHECK(h.runner.calls_of("b").size() == 1);
  CHECK(h.scalar("select status from flow.runs") == "succeeded");
}

TEST_CASE("a target connection the server ended while idle is replaced before the next attempt") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  p.concurrency = 1;  // b runs on a's executor, after a, on its connection
  for (plan::Task& t : p.tasks) t.kind = plan::TaskKind::Sql;
  int ended = 0;
  h.runner.behaviour["a"] = [&](const AttemptContext& context, int) {
    ended = context.target->backendpid();
    pqxx::connection admin(h.dsn);
    pqxx::nontransaction tx(admin);
    tx.exec("select pg_terminate_backend(" + std::to_string(ended) + ")");
    while (tx.exec("select 1 from pg_stat_activity where pid = " + std::to_string(ended)).size() > 0)
      std::this_thread::sleep_for(10ms);
    return succeeded();
  };
  int used = 0;
  h.runner.behaviour["b"] = [&](const AttemptContext& context, int) {
    try {
      used = context.target->backendpid();
      pqxx::nontransaction(*context.target).exec("select 1");
      return succeeded();
    } catch (const std::exception& e) {
      return failed(ErrorClass::Transient, e.what());
    }
  };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("b").size() == 1);  // no attempt spent on the dead connection
  CHECK(used != ended);
}

TEST_CASE("a state database that stays away ends the run with a clear error") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    return succeeded();
  };
  exec::RunRequest request = h.request(p);
  request.poll = 300ms;
  request.state_reconnect_timeout = 2s;
  auto started = SteadyClock::now();
  exec::RunResult result = exec::execute_run(request);
  auto took = SteadyClock::now() - started;
  std::string error;
  REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
  CHECK(result.outcome == exec::RunResult::Outcome::Error);
  CHECK(exec::exit_code(result) == 2);
  CHECK(result.message.find("state database") != std::string::npos);
  CHECK(result.message.find("run " + std::to_string(result.summary.run_id) + " stopped") == 0);
  CHECK(took < 30s);
  CHECK(h.runner.calls_of("b").empty());
}

TEST_CASE("a task that fails while the state database is away is paged, and so is the run's stop") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    AttemptResult r = failed(ErrorClass::Permanent, "exit 3");
    r.exit_code = 3;
    return r;
  };
  exec::RunRequest request = h.request(p);
  request.poll = 300ms;
  request.state_reconnect_timeout = 2s;
  exec::RunResult result = exec::execute_run(request);
  std::string error;
  REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
  CHECK(result.outcome == exec::RunResult::Outcome::Error);
  // The failure could not be recorded, yet it happened: one incident for it,
  // then one for the run that stopped (no task).
  auto incidents = h.alerts.incidents();
  REQUIRE(incidents.size() == 2);
  CHECK(incidents[0].kind == Incident::Kind::Failure);
  CHECK(incidents[0].task == std::optional<uint32_t>(0));
  CHECK(incidents[0].message == "exit 3");
  CHECK(incidents[0].exit_code == std::optional<int>(3));
  CHECK(incidents[0].error_class == ErrorClass::Permanent);
  CHECK(incidents[1].kind == Incident::Kind::Failure);
  CHECK_FALSE(incidents[1].task);
  CHECK(incidents[1].message == result.message);
  CHECK(incidents[1].message.find("state database") != std::string::npos);
  CHECK(h.runner.calls_of("b").empty());
}

namespace {

/// A run whose first task stops the state database's server and then waits
/// until its unrenewed lease stops it (a 2 s lease is stopped after 1 s,
/// well before the run gives the database up), ending with `ending`: the
/// alerts the run raised.
std::vector<Incident> pages_when_the_lease_runs_out(const AttemptResult& ending, exec::RunResult& result) {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [&ending](const AttemptContext& context, int) {
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    for (int i = 0; i < 200 && !context.stop.stop_requested(); ++i) std::this_thread::sleep_for(50ms);
    CHECK(context.stop.stop_requested());
    return ending;
  };
  exec::RunRequest request = h.request(p);
  request.poll = 300ms;
  request.lease = 2s;
  request.state_reconnect_timeout = 6s;
  result = exec::execute_run(request);
  std::string error;
  REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
  CHECK(result.outcome == exec::RunResult::Outcome::Error);
  return h.alerts.incidents();
}

}  // namespace

TEST_CASE(
    "an attempt its lost lease cancelled while the state database is away is the run's stop: one page") {
  exec::RunResult result;
  auto incidents = pages_when_the_lease_runs_out(cancelled(), result);
  // The task did not fail on its own: the one page is the run's stop, which
  // says why (runtime.md: one failure is one incident).
  REQUIRE(incidents.size() == 1);
  CHECK_FALSE(incidents[0].task);
  CHECK(incidents[0].message == result.message);
  CHECK(incidents[0].message.find("state database") != std::string::npos);
}

TEST_CASE("a task that fails on its own as its lease runs out, the state database away, is still paged") {
  AttemptResult own = failed(ErrorClass::Permanent, "exit 3");
  own.exit_code = 3;
  exec::RunResult result;
  auto incidents = pages_when_the_lease_runs_out(own, result);
  REQUIRE(incidents.size() == 2);
  CHECK(incidents[0].task == std::optional<uint32_t>(0));
  CHECK(incidents[0].message == "exit 3");
  CHECK_FALSE(incidents[1].task);
}

TEST_CASE("bookkeeping: a long chain of no-op tasks runs without poll delays") {
  Harness h;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> tasks;
  for (uint32_t i = 0; i < 40; ++i)
    tasks.push_back({"t" + std::to_string(i), i == 0 ? std::vector<uint32_t>{} : std::vector<uint32_t>{i - 1}});
  plan::Plan p = make_plan(tasks);
  h.runner.work = 0ms;
  exec::RunRequest request = h.request(p);
  request.poll = 5s;
  auto started = SteadyClock::now();
  exec::RunResult result = exec::execute_run(request);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  REQUIRE(result.summary.status == RunStatus::Succeeded);
  MESSAGE("40-task chain: " << took.count() << " ms");
  CHECK(took < 5s);  // one poll interval: every hand-off was immediate
}

TEST_CASE("bookkeeping: at most 2 commits and 4 round trips per task, and a finish hands over the next task") {
  Harness h;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> tasks;
  for (uint32_t i = 0; i < 30; ++i)  // a chain of 10, then a fan-out of 20
    tasks.push_back({"t" + std::to_string(i), i == 0 ? std::vector<uint32_t>{} : std::vector<uint32_t>{i < 10 ? i - 1 : 9}});
  plan::Plan p = make_plan(tasks);
  h.runner.work = 0ms;
  exec::RunRequest request = h.request(p);
  request.poll = 10s;  // no polling: every statement counted is bookkeeping
  // The server logs every statement of this database (log_statement is per
  // database): count them between two markers.
  REQUIRE(state::StateStore(h.dsn, "flow").migrate());  // migrations are not per-task bookkeeping
  {
    pqxx::connection c(h.dsn);
    pqxx::nontransaction tx(c);
    tx.exec("alter database " + c.quote_name(c.dbname()) + " set log_statement = 'all'");
  }
  h.scalar("select 'flowc-marker-begin'");
  REQUIRE(exec::execute_run(request).summary.status == RunStatus::Succeeded);
  h.scalar("select 'flowc-marker-end'");
  std::ifstream log(testing::test_cluster_dir() + "/server.log");
  int statements = 0, claims = 0, finishes = 0;
  bool inside = false;
  for (std::string line; std::getline(log, line);) {
    if (line.find("flowc-marker-begin") != std::string::npos) inside = true;
    if (line.find("flowc-marker-end") != std::string::npos) break;
    if (!inside || line.find("flowc-marker") != std::string::npos) continue;
    if (line.find("LOG:  statement: ") == std::string::npos && line.find("LOG:  execute ") == std::string::npos)
      continue;
    ++statements;
    claims += line.find("with candidate as") != std::string::npos;
    finishes += line.find("with clock as (") != std::string::npos;  // the first line of the finish
  }
  // The fixed cost of a run: migrate check, lock, live leases, create, LISTEN, a few reads, final status.
  const int fixed = 21;
  MESSAGE(statements << " statements for " << tasks.size() << " tasks: " << claims << " claims, " << finishes
                     << " finishes");
  CHECK(finishes == 30);                  // one statement and commit per finish
  // t1 .. t10 are handed over inside their upstream's finish (the claim's
  // start is the finish's one clock reading); the 19 other dependents of t9 need claims.
  CHECK(h.scalar("select count(*) from flow.attempts d join flow.task_runs dt on dt.run_id = d.run_id and dt.task = d.task "
                 "join flow.task_runs ut on ut.run_id = dt.run_id and ut.task_index = any (dt.deps) "
                 "join flow.attempts u on u.run_id = ut.run_id and u.task = ut.task "
                 "where d.started_at = u.finished_at") == "10");
  CHECK(claims >= 19);
  // ... plus a few that find nothing (executors going idle); an empty claim
  // is two statements: the fast form over claimable instances, then the
  // full form that also looks at pending ones.
  CHECK(claims <= 45);
  CHECK(statements - fixed <= 4 * 30);    // issue 3's budget: 4 round trips per task
  CHECK(statements - claims - finishes <= fixed);  // the scheduler does not read per task
}

TEST_CASE("cancelling a run stops its attempts, records them as interrupted and fails the run") {
  // With attempts left, and on its last one (said as a lost lease before).
  for (uint32_t retries : {3u, 0u}) {
    CAPTURE(retries);
    Harness h;
    plan::Plan p = make_plan({{"slow", {}}, {"after", {0}}});
    p.tasks[0].retry.retries = retries;
    // Cancelled once `slow` runs (not after a fixed delay: on a loaded
    // machine the run may not have started it yet).
    std::atomic<bool> running{false};
    h.runner.behaviour["slow"] = [&](const AttemptContext& context, int) {
      running = true;
      auto deadline = SteadyClock::now() + 10s;
      while (!context.stop.stop_requested() && SteadyClock::now() < deadline)
        std::this_thread::sleep_for(10ms);
      return cancelled();
    };
    std::stop_source cancel;
    exec::RunRequest request = h.request(p);
    request.cancel = cancel.get_token();
    SteadyClock::time_point cancelled_at;
    std::thread canceller([&] {
      auto give_up = SteadyClock::now() + 30s;
      while (!running && SteadyClock::now() < give_up) std::this_thread::sleep_for(10ms);
      cancelled_at = SteadyClock::now();
      cancel.request_stop();
    });
    exec::RunResult result = exec::execute_run(request);
    canceller.join();
    CHECK(SteadyClock::now() - cancelled_at < 5s);  // the attempt stopped, not waited out
    REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
    CHECK(result.summary.status == RunStatus::Failed);
    CHECK(result.message == "the run was cancelled");
    CHECK(h.runner.calls_of("slow").size() == 1);  // not retried
    CHECK(h.runner.calls_of("after").empty());
    CHECK(h.scalar("select status from flow.runs") == "failed");
    // The record says it was the interrupt, not a lost lease.
    CHECK(h.scalar("select message from flow.task_runs where task = 'slow'") ==
          "the run was stopped: interrupted (SIGINT, SIGTERM or SIGHUP)");
    CHECK(h.scalar("select message from flow.attempts where task = 'slow'") ==
          "the run was stopped: interrupted (SIGINT, SIGTERM or SIGHUP)");
  }
}

TEST_CASE("a task that fails on its own as the run is cancelled keeps its own failure") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  std::atomic<bool> running{false};
  // Its process exits 3 in the moment of the interrupt: the runner does not
  // mark it cancelled, so it is the task's failure, not the stop's.
  h.runner.behaviour["a"] = [&](const AttemptContext& context, int) {
    running = true;
    auto deadline = SteadyClock::now() + 10s;
    while (!context.stop.stop_requested() && SteadyClock::now() < deadline) std::this_thread::sleep_for(10ms);
    AttemptResult own = failed(ErrorClass::Permanent, "exit 3");
    own.exit_code = 3;
    return own;
  };
  std::stop_source cancel;
  exec::RunRequest request = h.request(p);
  request.cancel = cancel.get_token();
  std::thread canceller([&] {
    auto give_up = SteadyClock::now() + 30s;
    while (!running && SteadyClock::now() < give_up) std::this_thread::sleep_for(10ms);
    cancel.request_stop();
  });
  exec::RunResult result = exec::execute_run(request);
  canceller.join();
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Failed);
  CHECK(h.scalar("select message from flow.task_runs where task = 'a'") == "exit 3");
  CHECK(h.scalar("select state from flow.task_runs where task = 'b'") == "upstream_failed");
}

TEST_CASE("an executor that cannot renew its lease stops its attempt before the lease runs out") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  p.tasks[0].retry.retries = 1;
  p.tasks[0].retry.initial_seconds = 0;
  std::atomic<int64_t> stopped_after_ms{-1};
  h.runner.behaviour["a"] = [&](const AttemptContext& context, int call) {
    if (call > 1) return succeeded();
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    auto down = SteadyClock::now();
    while (!context.stop.stop_requested() && SteadyClock::now() - down < 10s) std::this_thread::sleep_for(5ms);
    stopped_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - down).count();
    REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
    return cancelled();
  };
  exec::RunRequest request = h.request(p);
  request.lease = 1500ms;
  request.poll = 200ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  auto calls = h.runner.calls_of("a");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].stop_requested);
  CHECK(stopped_after_ms.load() >= 0);
  CHECK(stopped_after_ms.load() < 1500);  // fenced within one lease of the last possible renewal
  CHECK(result.summary.status == RunStatus::Succeeded);
}

TEST_CASE(
    "a state database restarted across a lease renewal costs no attempt: the renewal is tried again soon") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  std::atomic<bool> stopped{false};
  // Lease 15 s: renewed every 5 s, fenced 7.5 s after the last renewal.
  // The server is down from 4.5 s to about 6 s, across the renewal at 5 s;
  // the next one, a third of a lease later (10 s), would come too late.
  h.runner.behaviour["a"] = [&](const AttemptContext& context, int) {
    const auto start = SteadyClock::now();
    std::this_thread::sleep_for(4500ms);
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    std::this_thread::sleep_for(700ms);
    REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
    while (!context.stop.stop_requested() && SteadyClock::now() - start < 11s)
      std::this_thread::sleep_for(5ms);
    stopped = context.stop.stop_requested();
    return stopped ? cancelled() : succeeded();
  };
  exec::RunRequest request = h.request(p);
  request.lease = 15s;
  request.poll = 200ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK_FALSE(stopped.load());
  CHECK(h.runner.calls_of("a").size() == 1);
  CHECK(result.summary.status == RunStatus::Succeeded);
}

TEST_CASE("a task handed over by a finish keeps its lease while the finishing executor raises an incident") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    AttemptResult r = succeeded();
    r.warnings = true;  // a warn-level expectation failed: an incident after the finish
    r.message = "expectation failed: rows";
    return r;
  };
  h.alerts.delay = 1500ms;  // a slow channel: longer than the lease
  exec::RunRequest request = h.request(p);
  request.concurrency = 2;  // an idle executor that would reclaim b on an expired lease
  request.lease = 600ms;
  request.poll = 100ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("b").size() == 1);
  CHECK(result.stale_writes == 0);
  CHECK(h.scalar("select count(*) from flow.attempts where task = 'b'") == "1");
  CHECK(h.alerts.incidents().size() == 1);
}

TEST_CASE("what follows a failed attempt or a wait that has not held") {
  plan::RetryPolicy retry;
  retry.retries = 2;
  retry.exponential = false;
  retry.initial_seconds = 10;
  auto after = [&](ErrorClass error_class, uint32_t attempt, bool bad_data = false) {
    AttemptResult r = failed(error_class, "boom");
    r.expectation_failed = bad_data;
    return exec::decide_failure(retry, r, attempt, 1 + retry.retries, 0.0);
  };
  CHECK(after(ErrorClass::Transient, 1).state == TaskState::RetryWait);
  CHECK(after(ErrorClass::Transient, 1).not_before == 7500ms);
  CHECK(after(ErrorClass::Transient, 3).state == TaskState::Failed);
  CHECK(after(ErrorClass::Transient, 3).message == "boom (after 3 attempts)");
  // Only transient errors retry by default (runtime.md): a timeout ends the task.
  CHECK(after(ErrorClass::Timeout, 1).state == TaskState::TimedOut);
  CHECK(after(ErrorClass::Timeout, 1).message == "boom");
  CHECK(after(ErrorClass::Permanent, 1).state == TaskState::Failed);
  CHECK(after(ErrorClass::Permanent, 1).message == "boom");
  CHECK(after(ErrorClass::Transient, 1, true).state == TaskState::Failed);  // bad data never retries
  retry.on_any = true;
  CHECK(after(ErrorClass::Permanent, 1).state == TaskState::RetryWait);
  CHECK(after(ErrorClass::Timeout, 2).state == TaskState::RetryWait);
  CHECK(after(ErrorClass::Timeout, 3).state == TaskState::TimedOut);
  CHECK(after(ErrorClass::Permanent, 1, true).state == TaskState::Failed);

  // Exponential backoff starts again with a retry's fresh budget: attempt 4
  // of 6 (the run's 3, then the retry's 3) waits as a first failure does.
  retry.exponential = true;
  retry.initial_seconds = 1;
  retry.max_seconds = 600;
  CHECK(exec::decide_failure(retry, failed(ErrorClass::Transient, "boom"), 4, 6, 0.0).not_before == 750ms);
  CHECK(exec::decide_failure(retry, failed(ErrorClass::Transient, "boom"), 5, 6, 0.0).not_before == 1500ms);
  CHECK(exec::decide_failure(retry, failed(ErrorClass::Transient, "boom"), 2, 3, 0.0).not_before == 1500ms);

  using std::chrono::seconds;
  exec::Decision waiting = exec::decide_not_ready(seconds(60), seconds(10), 55s, "source s not ready");
  CHECK(waiting.state == TaskState::Waiting);
  CHECK(waiting.not_before == 5s);  // a last probe at the deadline, not after it
  exec::Decision late = exec::decide_not_ready(seconds(60), seconds(10), 60s, "source s not ready");
  CHECK(late.state == TaskState::TimedOut);
  CHECK(late.error_class == ErrorClass::Timeout);
  CHECK(late.message == "source s not ready after 1m");
  CHECK(exec::decide_not_ready(seconds(0), seconds(10), 0s, "x").final_failure());  // wait 0: probe once
}


TEST_CASE("what the executor that reclaims a lost attempt does with the task") {
  using Action = exec::ReclaimDecision::Action;
  plan::Task sql;
  sql.kind = plan::TaskKind::Sql;
  plan::Task command;
  command.kind = plan::TaskKind::Command;
  plan::Task idempotent_command = command;
  idempotent_command.idempotent = true;
  // SQL recorded in its write's transaction committed nothing: run it again,
  // without spending a retry, up to the bound of lost attempts.
  CHECK(exec::decide_reclaim(sql, true, 1, 1, 1).action == Action::RunFree);
  CHECK(exec::decide_reclaim(sql, true, 2, 2, 2).action == Action::RunFree);
  exec::ReclaimDecision bound = exec::decide_reclaim(sql, true, 3, 3, 3);
  CHECK(bound.action == Action::Fail);
  CHECK(bound.message ==
        "the executor running attempt 3 died mid-attempt: 3 attempts of this "
        "task were lost with their executors, so flowc does not run it again by itself (`flowc "
        "retry` does)");
  CHECK(exec::decide_reclaim(sql, true, 3, 3, 4).action == Action::RunSpending);  // past the bound, retries spend
  CHECK(exec::decide_reclaim(idempotent_command, false, 1, 1, 1).action == Action::RunFree);
  // A command that may have run partly runs again only as a retry.
  CHECK(exec::decide_reclaim(command, true, 1, 1, 2).action == Action::RunSpending);
  exec::ReclaimDecision partly = exec::decide_reclaim(command, true, 1, 1, 1);
  CHECK(partly.action == Action::Fail);
  CHECK(partly.message ==
        "the executor running attempt 1 died mid-attempt: the command may "
        "have run partly and the task is not idempotent, so flowc does not run it again by "
        "itself (`flowc retry` does)");
  // A SQL write whose success is recorded elsewhere may have committed.
  CHECK(exec::decide_reclaim(sql, false, 1, 1, 1).action == Action::Fail);
  sql.idempotent = true;
  CHECK(exec::decide_reclaim(sql, false, 1, 1, 1).action == Action::RunFree);
}
