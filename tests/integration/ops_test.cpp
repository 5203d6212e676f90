// `flowc ops`: the pure figures (time to recovery, alert counting, on-time
// rate) on hand-made rows, then the built binary against a state database
// seeded by SQL with fixed timestamps, its JSON compared with figures
// computed by hand below and its exact human output.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "runtime/process/process.h"
#include "runtime/report/ops.h"
#include "runtime/state/migrate.h"
#include "tests/integration/run_support.h"
#include "tests/support/pg_harness.h"

namespace {

using flowc::runtime::report::TimePoint;
using nlohmann::json;
using namespace std::chrono_literals;

/// The built flowc in an empty scratch directory with a clean environment
/// (no FLOW_STATE_DSN or WAREHOUSE_DSN leaks in).
flowc::runtime::ProcessResult run_flowc(std::vector<std::string> args) {
  return flowc::testing::run_flowc(flowc::testing::scratch_dir("cwd"), std::move(args));
}

std::string seeded(const std::string& seed) { return flowc::testing::seeded_state_database("ops", seed); }

TimePoint at(int64_t seconds) { return TimePoint{std::chrono::seconds(seconds)}; }

// Two workflows in November 2026.
//
// daily_kpi, deadline 09:00 UTC the day after ds:
//   run  status     finished          deadline          on time?
//   1    succeeded  11-02 07:30       11-02 09:00       yes
//   2    failed     11-03 07:20       11-03 09:00       yes (finished before it; the failure counts below)
//   3    succeeded  11-04 09:45       11-04 09:00       no
//   4    failed     11-05 08:10       11-05 09:00       yes
//   5    succeeded  11-06 07:40       none              not counted (a manual rerun of ds 11-04)
//   6    running    -                 11-07 09:00       no (deadline passed unfinished)
//   7    failed     11-08 07:25       11-08 09:00       yes
//   runs 7: 3 succeeded, 4 failed (run 6 is still running, but its stage_orders timed out), 0 unfinished
//   on time 4 of 6 = 0.6667; failure rate 4 failed / 7 = 0.5714
//
// Task runs (no run was retried: each task run ended once, by its last
// attempt; its class; tries = attempts that reached an outcome):
//   stage_orders: r1 S 11-02 07:20 (1 try)      r2 F 11-03 07:20 transient (3 tries)
//                 r3 S 11-04 09:40 (2 tries)     r4 S 11-05 07:30 (1)   r5 S 11-06 07:10 (1)
//                 r6 timed_out 11-07 07:30 timeout (2 tries)   r7 F 11-08 07:25 transient (2 tries)
//   revenue_daily: r1 S 11-02 07:30, r3 S 11-04 09:45, r4 F 11-05 08:10 permanent, r5 S 11-06 07:40;
//                  r2, r6, r7 upstream_failed (not failures of its own)
//   orders (source): r1 one not_ready poll, then succeeded: 1 try
//   recurring: stage_orders/transient x2 (r2, r7; last 11-08 07:25); stage_orders/timeout and
//              revenue_daily/permanent once each: not recurring
//   retries: r2 2 + r3 1 + r6 1 + r7 1 = 5
//   recovery (the same task succeeding for the same ds): stage_orders r2 (ds 11-02), r6, r7 never
//             recovered (r3 succeeded for another ds); revenue_daily r4 (ds 11-04) 11-05 08:10 ->
//             r5 (ds 11-04) 11-06 07:40 = 23h30m = 84600 s: 1 recovery, 3 unrecovered
//   alerts, one per (dedup key, created at), rows per channel:
//     r2 failure stage_orders: delivered + failed -> sent
//     r3 late: failed + failed                    -> failed
//     r4 failure revenue_daily: delivered         -> sent
//     r6 late: delivered                          -> sent
//     r7 failure stage_orders: suppressed x2      -> suppressed
//     = 3 sent, 1 suppressed, 1 failed (by rows it would be 3 delivered, 2 suppressed, 3 failed)
//
// finance_close, no deadline:
//   r8 failed 11-10 06:30 (ledger permanent), r9 succeeded 11-10 08:00 (ledger)
//   on time n/a; failure rate 1/2 = 0.5; recovery 1h30m = 5400 s, 1 recovery; retries 0; no alerts
constexpr const char* kSeed = R"sql(
insert into flow.runs (id, workflow, ds, stage, trigger, status, created_at, started_at, finished_at, deadline, plan_hash, plan) values
 (1, 'daily_kpi', '2026-11-01', 'mirror', 'schedule', 'succeeded', '2026-11-02 07:00Z', '2026-11-02 07:00Z', '2026-11-02 07:30Z', '2026-11-02 09:00Z', 'h', '{}'),
 (2, 'daily_kpi', '2026-11-02', 'mirror', 'schedule', 'failed',    '2026-11-03 07:00Z', '2026-11-03 07:00Z', '2026-11-03 07:20Z', '2026-11-03 09:00Z', 'h', '{}'),
 (3, 'daily_kpi', '2026-11-03', 'mirror', 'schedule', 'succeeded', '2026-11-04 07:00Z', '2026-11-04 07:00Z', '2026-11-04 09:45Z', '2026-11-04 09:00Z', 'h', '{}'),
 (4, 'daily_kpi', '2026-11-04', 'mirror', 'schedule', 'failed',    '2026-11-05 07:00Z', '2026-11-05 07:00Z', '2026-11-05 08:10Z', '2026-11-05 09:00Z', 'h', '{}'),
 (5, 'daily_kpi', '2026-11-04', 'mirror', 'manual',   'succeeded', '2026-11-06 07:00Z', '2026-11-06 07:00Z', '2026-11-06 07:40Z', null,                 'h', '{}'),
 (6, 'daily_kpi', '2026-11-06', 'mirror', 'schedule', 'running',   '2026-11-07 07:00Z', '2026-11-07 07:00Z', null,                 '2026-11-07 09:00Z', 'h', '{}'),
 (7, 'daily_kpi', '2026-11-07', 'mirror', 'schedule', 'failed',    '2026-11-08 07:00Z', '2026-11-08 07:00Z', '2026-11-08 07:25Z', '2026-11-08 09:00Z', 'h', '{}'),
 (8, 'finance_close', '2026-11-09', 'model', 'schedule', 'failed',    '2026-11-10 06:00Z', '2026-11-10 06:00Z', '2026-11-10 06:30Z', null, 'h', '{}'),
 (9, 'finance_close', '2026-11-09', 'model', 'manual',   'succeeded', '2026-11-10 07:30Z', '2026-11-10 07:30Z', '2026-11-10 08:00Z', null, 'h', '{}');

insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, finished_at, error_class) values
 (1, 'orders', 0, 'succeeded', 2, 1, '2026-11-02 07:05Z', null),
 (1, 'stage_orders', 1, 'succeeded', 1, 3, '2026-11-02 07:20Z', null),
 (1, 'revenue_daily', 2, 'succeeded', 1, 3, '2026-11-02 07:30Z', null),
 (2, 'stage_orders', 1, 'failed', 3, 3, '2026-11-03 07:20Z', 'transient'),
 (2, 'revenue_daily', 2, 'upstream_failed', 0, 3, null, null),
 (3, 'stage_orders', 1, 'succeeded', 2, 3, '2026-11-04 09:40Z', null),
 (3, 'revenue_daily', 2, 'succeeded', 1, 3, '2026-11-04 09:45Z', null),
 (4, 'stage_orders', 1, 'succeeded', 1, 3, '2026-11-05 07:30Z', null),
 (4, 'revenue_daily', 2, 'failed', 1, 3, '2026-11-05 08:10Z', 'permanent'),
 (5, 'stage_orders', 1, 'succeeded', 1, 3, '2026-11-06 07:10Z', null),
 (5, 'revenue_daily', 2, 'succeeded', 1, 3, '2026-11-06 07:40Z', null),
 (6, 'stage_orders', 1, 'timed_out', 2, 3, '2026-11-07 07:30Z', 'timeout'),
 (6, 'revenue_daily', 2, 'upstream_failed', 0, 3, null, null),
 (7, 'stage_orders', 1, 'failed', 2, 3, '2026-11-08 07:25Z', 'transient'),
 (7, 'revenue_daily', 2, 'upstream_failed', 0, 3, null, null),
 (8, 'ledger', 0, 'failed', 1, 1, '2026-11-10 06:30Z', 'permanent'),
 (9, 'ledger', 0, 'succeeded', 1, 1, '2026-11-10 08:00Z', null);

insert into flow.attempts (run_id, task, attempt, worker, lease_token, started_at, finished_at, outcome, error_class, log_path) values
 (1, 'orders', 1, 'w', gen_random_uuid(), '2026-11-02 07:00Z', '2026-11-02 07:00Z', 'not_ready', null, 'l'),
 (1, 'orders', 2, 'w', gen_random_uuid(), '2026-11-02 07:05Z', '2026-11-02 07:05Z', 'succeeded', null, 'l'),
 (1, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-02 07:10Z', '2026-11-02 07:20Z', 'succeeded', null, 'l'),
 (1, 'revenue_daily', 1, 'w', gen_random_uuid(), '2026-11-02 07:20Z', '2026-11-02 07:30Z', 'succeeded', null, 'l'),
 (2, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-03 07:00Z', '2026-11-03 07:01Z', 'failed', 'transient', 'l'),
 (2, 'stage_orders', 2, 'w', gen_random_uuid(), '2026-11-03 07:05Z', '2026-11-03 07:06Z', 'failed', 'transient', 'l'),
 (2, 'stage_orders', 3, 'w', gen_random_uuid(), '2026-11-03 07:15Z', '2026-11-03 07:20Z', 'failed', 'transient', 'l'),
 (3, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-04 07:00Z', '2026-11-04 07:01Z', 'failed', 'transient', 'l'),
 (3, 'stage_orders', 2, 'w', gen_random_uuid(), '2026-11-04 09:30Z', '2026-11-04 09:40Z', 'succeeded', null, 'l'),
 (3, 'revenue_daily', 1, 'w', gen_random_uuid(), '2026-11-04 09:40Z', '2026-11-04 09:45Z', 'succeeded', null, 'l'),
 (4, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-05 07:00Z', '2026-11-05 07:30Z', 'succeeded', null, 'l'),
 (4, 'revenue_daily', 1, 'w', gen_random_uuid(), '2026-11-05 07:30Z', '2026-11-05 08:10Z', 'failed', 'permanent', 'l'),
 (5, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-06 07:00Z', '2026-11-06 07:10Z', 'succeeded', null, 'l'),
 (5, 'revenue_daily', 1, 'w', gen_random_uuid(), '2026-11-06 07:10Z', '2026-11-06 07:40Z', 'succeeded', null, 'l'),
 (6, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-07 07:00Z', '2026-11-07 07:01Z', 'failed', 'transient', 'l'),
 (6, 'stage_orders', 2, 'w', gen_random_uuid(), '2026-11-07 07:10Z', '2026-11-07 07:30Z', 'failed', 'timeout', 'l'),
 (7, 'stage_orders', 1, 'w', gen_random_uuid(), '2026-11-08 07:00Z', '2026-11-08 07:01Z', 'failed', 'transient', 'l'),
 (7, 'stage_orders', 2, 'w', gen_random_uuid(), '2026-11-08 07:20Z', '2026-11-08 07:25Z', 'failed', 'transient', 'l'),
 (8, 'ledger', 1, 'w', gen_random_uuid(), '2026-11-10 06:00Z', '2026-11-10 06:30Z', 'failed', 'permanent', 'l'),
 (9, 'ledger', 1, 'w', gen_random_uuid(), '2026-11-10 07:30Z', '2026-11-10 08:00Z', 'succeeded', null, 'l');

insert into flow.alerts (run_id, workflow, task, kind, route, channel, severity, dedup_key, payload, status, tries, created_at) values
 (2, 'daily_kpi', 'stage_orders', 'failure', 'analytics_oncall', 'webhook', 'high', 'a/daily_kpi/stage_orders/transient', '{}', 'delivered', 1, '2026-11-03 07:20Z'),
 (2, 'daily_kpi', 'stage_orders', 'failure', 'analytics_oncall', 'jsonl', 'high', 'a/daily_kpi/stage_orders/transient', '{}', 'failed', 3, '2026-11-03 07:20Z'),
 (3, 'daily_kpi', null, 'late', 'analytics_oncall', 'webhook', 'medium', 'a/daily_kpi/late', '{}', 'failed', 3, '2026-11-04 09:00Z'),
 (3, 'daily_kpi', null, 'late', 'analytics_oncall', 'jsonl', 'medium', 'a/daily_kpi/late', '{}', 'failed', 3, '2026-11-04 09:00Z'),
 (4, 'daily_kpi', 'revenue_daily', 'failure', 'analytics_oncall', 'webhook', 'high', 'a/daily_kpi/revenue_daily/permanent', '{}', 'delivered', 1, '2026-11-05 08:10Z'),
 (6, 'daily_kpi', null, 'late', 'analytics_oncall', 'webhook', 'medium', 'a/daily_kpi/late', '{}', 'delivered', 1, '2026-11-07 09:00Z'),
 (7, 'daily_kpi', 'stage_orders', 'failure', 'analytics_oncall', 'webhook', 'high', 'a/daily_kpi/stage_orders/transient', '{}', 'suppressed', 0, '2026-11-08 07:25Z'),
 (7, 'daily_kpi', 'stage_orders', 'failure', 'analytics_oncall', 'jsonl', 'high', 'a/daily_kpi/stage_orders/transient', '{}', 'suppressed', 0, '2026-11-08 07:25Z');
)sql";

/// A task run's end for task `task` of ds `ds` at `seconds`.
flowc::runtime::report::TaskEnd task_end(const std::string& task, const std::string& ds, int64_t seconds,
                                         bool succeeded) {
  return {1, "w", task, ds, "", at(seconds), succeeded, succeeded ? "" : "permanent"};
}

}  // namespace

TEST_CASE("mean time to recovery: each failure to the next later success of the same task and ds") {
  // a/d1: fails at 100 and 200, succeeds at 500 (both recover: 400 s and
  // 300 s), fails at 900 (never recovers); b/d1: fails at 50, succeeds at 50
  // (not later: no recovery) and at 80 (30 s); a/d2 fails at 600: a/d1's
  // success is not its recovery, nor is a success in another env. Given out of order.
  flowc::runtime::report::TaskEnd other_env = task_end("a", "d2", 700, true);
  other_env.env = "dev";
  flowc::runtime::report::Recovery r = flowc::runtime::report::mean_time_to_recovery(
      {task_end("a", "d1", 500, true), task_end("b", "d1", 50, false), task_end("a", "d1", 200, false),
       task_end("a", "d2", 600, false), task_end("a", "d1", 900, false), task_end("b", "d1", 80, true),
       task_end("a", "d1", 100, false), task_end("b", "d1", 50, true), other_env});
  CHECK(r.recoveries == 3);
  CHECK(r.unrecovered == 2);
  REQUIRE(r.mean);
  CHECK(r.mean->count() == (400 + 300 + 30) * 1000 / 3);
  CHECK_FALSE(flowc::runtime::report::mean_time_to_recovery({task_end("a", "d1", 1, false)}).mean);
}

TEST_CASE("alerts count once per (dedup key, created at): sent when any channel delivered") {
  using flowc::runtime::report::OpsAlert;
  flowc::runtime::report::AlertCounts c = flowc::runtime::report::count_alerts({
      {"w", "", 1, "t", "failure", "k", "delivered", at(10)},
      {"w", "", 1, "t", "failure", "k", "failed", at(10)},  // same alert, another channel
      {"w", "", 1, "t", "failure", "k", "suppressed",
       at(20)},  // a retry failing again: a new, suppressed alert
      {"w", "", 1, "t", "failure", "k", "suppressed", at(20)},
      {"w", "", 3, "", "late", "l", "failed", at(30)},
      {"w", "", 3, "", "late", "l", "suppressed", at(30)},  // neither delivered nor all suppressed
  });
  CHECK(c.sent == 1);
  CHECK(c.suppressed == 1);
  CHECK(c.failed == 1);
}

TEST_CASE("on time: a run still going before its deadline is not counted yet, one past it is late") {
  flowc::runtime::report::OpsData data;
  data.runs = {{1, "w", "", "running", "schedule", std::nullopt, at(1000)},
               {2, "w", "", "running", "schedule", std::nullopt, at(100)},
               {3, "w", "", "succeeded", "schedule", at(100), at(100)},   // finished at the deadline: on time
               {4, "w", "", "succeeded", "backfill", at(900), at(100)}};  // late by construction: left out
  std::vector<flowc::runtime::report::WorkflowOps> ops = flowc::runtime::report::compute_ops(data, at(500));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].runs == 4);
  CHECK(ops[0].with_deadline == 2);
  CHECK(ops[0].on_time == 1);
  CHECK(ops[0].backfill_runs_not_counted == 1);
}

TEST_CASE("recurring failures: a source whose readiness wait ran out, day after day") {
  flowc::runtime::report::OpsData data;
  data.runs = {{1, "w", "", "failed", "schedule", at(100), std::nullopt},
               {2, "w", "", "failed", "schedule", at(200), std::nullopt}};
  // The failing attempt is the last readiness probe (outcome not_ready, class timeout), read as a failed end.
  data.ends = {{1, "w", "orders", "d1", "", at(100), false, "timeout"},
               {2, "w", "orders", "d2", "", at(200), false, "timeout"}};
  std::vector<flowc::runtime::report::WorkflowOps> ops = flowc::runtime::report::compute_ops(data, at(500));
  REQUIRE(ops.size() == 1);
  REQUIRE(ops[0].recurring.size() == 1);
  CHECK(ops[0].recurring[0].task == "orders");
  CHECK(ops[0].recurring[0].error_class == "timeout");
  CHECK(ops[0].recurring[0].count == 2);
  CHECK(ops[0].recurring[0].last_seen == at(200));
  CHECK(ops[0].recovery.unrecovered == 2);
}

TEST_CASE("ops --format json: the figures computed by hand") {
  std::string dsn = seeded(kSeed);
  auto r = run_flowc({"ops", "--since", "3650d", "--format", "json", "--state-dsn", dsn});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["since"] == "3650d");
  CHECK(j["workflow"].is_null());
  REQUIRE(j["workflows"].size() == 2);
  const json& kpi = j["workflows"][0];
  CHECK(kpi["workflow"] == "daily_kpi");
  CHECK(kpi["runs"] == 7);
  CHECK(kpi["succeeded"] == 3);
  CHECK(kpi["failed"] == 4);
  CHECK(kpi["failed_then_fixed_by_retry"] == 0);
  CHECK(kpi["with_deadline"] == 6);
  CHECK(kpi["on_time"] == 4);
  CHECK(kpi["backfill_runs_not_counted"] == 0);
  CHECK(kpi["on_time_rate"].get<double>() == doctest::Approx(4.0 / 6.0));
  CHECK(kpi["failure_rate"].get<double>() == doctest::Approx(4.0 / 7.0));
  CHECK(kpi["recurring_failures"] == json::array({{{"task", "stage_orders"},
                                                   {"error_class", "transient"},
                                                   {"count", 2},
                                                   {"last_seen", "2026-11-08T07:25:00Z"}}}));
  CHECK(kpi["mean_time_to_recovery_ms"] == 84600 * 1000);
  CHECK(kpi["recoveries"] == 1);
  CHECK(kpi["unrecovered_failures"] == 3);
  CHECK(kpi["retries"] == 5);
  CHECK(kpi["alerts"] == json({{"sent", 3}, {"suppressed", 1}, {"failed", 1}}));

  const json& finance = j["workflows"][1];
  CHECK(finance["workflow"] == "finance_close");
  CHECK(finance["runs"] == 2);
  CHECK(finance["on_time_rate"].is_null());
  CHECK(finance["failure_rate"].get<double>() == doctest::Approx(0.5));
  CHECK(finance["mean_time_to_recovery_ms"] == 5400 * 1000);
  CHECK(finance["recoveries"] == 1);
  CHECK(finance["unrecovered_failures"] == 0);
  CHECK(finance["recurring_failures"] == json::array());
  CHECK(finance["retries"] == 0);
  CHECK(finance["alerts"] == json({{"sent", 0}, {"suppressed", 0}, {"failed", 0}}));
}

TEST_CASE("ops: attempts an operator's stop cancelled are no recurring failure and nothing to recover from") {
  // Two nights stopped by hand (SIGTERM) mid-task: the runs failed, the task did not.
  std::string dsn = seeded(R"sql(
insert into flow.runs (id, workflow, ds, stage, trigger, status, created_at, started_at, finished_at, deadline, plan_hash, plan) values
 (1, 's', '2026-02-01', 'model', 'schedule', 'failed', '2026-02-02 07:00Z', '2026-02-02 07:00Z', '2026-02-02 07:05Z', null, 'h', '{}'),
 (2, 's', '2026-02-02', 'model', 'schedule', 'failed', '2026-02-03 07:00Z', '2026-02-03 07:00Z', '2026-02-03 07:05Z', null, 'h', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, finished_at, error_class, message) values
 (1, 'load', 0, 'failed', 1, 3, '2026-02-02 07:05Z', 'transient', 'the run was stopped: interrupted (SIGTERM)'),
 (2, 'load', 0, 'failed', 1, 3, '2026-02-03 07:05Z', 'transient', 'the run was stopped: interrupted (SIGTERM)');
insert into flow.attempts (run_id, task, attempt, worker, lease_token, started_at, finished_at, outcome, error_class, message, log_path) values
 (1, 'load', 1, 'w', gen_random_uuid(), '2026-02-02 07:00Z', '2026-02-02 07:05Z', 'failed', 'transient', 'the run was stopped: interrupted (SIGTERM)', 'l'),
 (2, 'load', 1, 'w', gen_random_uuid(), '2026-02-03 07:00Z', '2026-02-03 07:05Z', 'failed', 'transient', 'the run was stopped: interrupted (SIGTERM)', 'l');
)sql");
  auto r = run_flowc({"ops", "--since", "3650d", "--format", "json", "--state-dsn", dsn});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const json s = json::parse(r.output)["workflows"][0];
  CHECK(s["failed"] == 2);  // the runs did fail
  CHECK(s["recurring_failures"] == json::array());
  CHECK(s["unrecovered_failures"] == 0);
}

TEST_CASE("ops: one block per workflow, exactly") {
  std::string dsn = seeded(kSeed);
  auto r = run_flowc({"ops", "--since", "3650d", "--state-dsn", dsn});
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "daily_kpi (last 3650d)\n"
        "  runs              7 (3 succeeded, 4 failed, 0 unfinished)\n"
        "  on time           4 of 6 (66.7%)\n"
        "  failure rate      4 of 7 (57.1%)\n"
        "  time to recovery  23h30m over 1 recovery, 3 not recovered\n"
        "  retries           5\n"
        "  alerts            3 sent, 1 suppressed, 1 failed\n"
        "  recurring failures (1):\n"
        "    TASK          CLASS      COUNT  LAST SEEN\n"
        "    stage_orders  transient  2      2026-11-08T07:25:00Z\n"
        "\n"
        "finance_close (last 3650d)\n"
        "  runs              2 (1 succeeded, 1 failed, 0 unfinished)\n"
        "  on time           n/a (no run with a deadline)\n"
        "  failure rate      1 of 2 (50.0%)\n"
        "  time to recovery  1h30m over 1 recovery\n"
        "  retries           0\n"
        "  alerts            0 sent, 0 suppressed, 0 failed\n"
        "  recurring failures: none\n");
}

// What a retry, another ds and a backfill must not change.
//
// p: run 2 (ds 03-01) succeeded, on its second attempt: the first was lost
// (its flowc killed), so the second is a retry of it. Run 3 (ds 03-02): u failed (division by
// zero, permanent) at 03-03 07:00:05 and alerted; the data was fixed and
// `flowc retry 3` (03-03 07:20) succeeded at 07:20:01. The run now says
// succeeded, but it failed once: 1 failed run of 2 (fixed by a retry since),
// one recovery of 19m56s.
//
// q: run 17 (ds 01-23): d timed out at 01-24 07:10 (alert delivered), its
// first retry timed out again at 01-25 08:10 (the same failure alerting
// again: a new alert, suppressed on both channels), its second retry
// succeeded at 09:05. Run 18 (ds 01-24): d timed out at 01-25 07:10 (alert
// delivered) and was never rebuilt. Backfill runs 19 (ds 01-10, d failed
// at 01-26 06:00:00.000) and 20 (ds 01-11, d succeeded 43 ms later): run 20
// rebuilt another day, so run 19 is not recovered.
//   runs 4: 1 succeeded (20), 3 failed (17 fixed by a retry since, 18, 19)
//   on time: 17 finished 01-25 09:05 after its deadline 01-24 09:00, 18
//     on time; 19 and 20 are backfills, not counted: 1 of 2
//   recovery: 17's failures at 01-24 07:10 and 01-25 08:10 -> 01-25 09:05:
//     93300 s and 3300 s, mean 48300 s = 13h25m; 18 and 19 not recovered
//   recurring: d/timeout 3 times (17 twice, 18), last 01-25 08:10
//   retries: run 17's d ran 3 attempts: 2
//   alerts: 17's first (2 channels) sent, 17's retry suppressed, 18 sent
constexpr const char* kRetried = R"sql(
insert into flow.runs (id, workflow, ds, stage, trigger, status, created_at, started_at, finished_at, deadline, retries, retried_at, retry_started_at, plan_hash, plan) values
 (2, 'p', '2026-03-01', 'model', 'schedule', 'succeeded', '2026-03-02 07:00Z', '2026-03-02 07:00Z', '2026-03-02 07:01Z', null, 0, null, '{}', 'h', '{}'),
 (3, 'p', '2026-03-02', 'model', 'manual', 'succeeded', '2026-03-03 07:00Z', '2026-03-03 07:00Z', '2026-03-03 07:20:01Z', null, 1, '2026-03-03 07:20Z', '{2026-03-03 07:20Z}', 'h', '{}'),
 (17, 'q', '2026-01-23', 'model', 'schedule', 'succeeded', '2026-01-24 07:00Z', '2026-01-24 07:00Z', '2026-01-25 09:05Z', '2026-01-24 09:00Z', 2, '2026-01-25 09:00Z', '{2026-01-25 08:00Z, 2026-01-25 09:00Z}', 'h', '{}'),
 (18, 'q', '2026-01-24', 'model', 'schedule', 'failed', '2026-01-25 07:00Z', '2026-01-25 07:00Z', '2026-01-25 07:10Z', '2026-01-25 09:00Z', 0, null, '{}', 'h', '{}'),
 (19, 'q', '2026-01-10', 'model', 'backfill', 'failed', '2026-01-26 05:59Z', '2026-01-26 05:59Z', '2026-01-26 06:00Z', '2026-01-11 09:00Z', 0, null, '{}', 'h', '{}'),
 (20, 'q', '2026-01-11', 'model', 'backfill', 'succeeded', '2026-01-26 05:59Z', '2026-01-26 05:59Z', '2026-01-26 06:00:00.043Z', '2026-01-12 09:00Z', 0, null, '{}', 'h', '{}');

insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, finished_at, error_class) values
 (2, 'u', 0, 'succeeded', 1, 1, '2026-03-02 07:01Z', null),
 (3, 'u', 0, 'succeeded', 2, 2, '2026-03-03 07:20:01Z', null),
 (17, 'd', 0, 'succeeded', 3, 3, '2026-01-25 09:05Z', null),
 (18, 'd', 0, 'timed_out', 1, 1, '2026-01-25 07:10Z', 'timeout'),
 (19, 'd', 0, 'failed', 1, 1, '2026-01-26 06:00Z', 'permanent'),
 (20, 'd', 0, 'succeeded', 1, 1, '2026-01-26 06:00:00.043Z', null);

insert into flow.attempts (run_id, task, attempt, worker, lease_token, started_at, finished_at, outcome, error_class, log_path) values
 (2, 'u', 1, 'w', gen_random_uuid(), '2026-03-02 06:50Z', '2026-03-02 06:55Z', 'lost', null, 'l'),
 (2, 'u', 2, 'w', gen_random_uuid(), '2026-03-02 07:00Z', '2026-03-02 07:01Z', 'succeeded', null, 'l'),
 (3, 'u', 1, 'w', gen_random_uuid(), '2026-03-03 07:00Z', '2026-03-03 07:00:05Z', 'failed', 'permanent', 'l'),
 (3, 'u', 2, 'w', gen_random_uuid(), '2026-03-03 07:20Z', '2026-03-03 07:20:01Z', 'succeeded', null, 'l'),
 (17, 'd', 1, 'w', gen_random_uuid(), '2026-01-24 07:00Z', '2026-01-24 07:10Z', 'failed', 'timeout', 'l'),
 (17, 'd', 2, 'w', gen_random_uuid(), '2026-01-25 08:00Z', '2026-01-25 08:10Z', 'failed', 'timeout', 'l'),
 (17, 'd', 3, 'w', gen_random_uuid(), '2026-01-25 09:00Z', '2026-01-25 09:05Z', 'succeeded', null, 'l'),
 (18, 'd', 1, 'w', gen_random_uuid(), '2026-01-25 07:00Z', '2026-01-25 07:10Z', 'failed', 'timeout', 'l'),
 (19, 'd', 1, 'w', gen_random_uuid(), '2026-01-26 05:59Z', '2026-01-26 06:00Z', 'failed', 'permanent', 'l'),
 (20, 'd', 1, 'w', gen_random_uuid(), '2026-01-26 05:59Z', '2026-01-26 06:00:00.043Z', 'succeeded', null, 'l');

insert into flow.alerts (run_id, workflow, task, kind, route, channel, severity, dedup_key, payload, status, tries, created_at) values
 (3, 'p', 'u', 'failure', 'oncall', 'stderr', 'high', 'oncall/p/u/permanent', '{}', 'delivered', 1, '2026-03-03 07:00:05Z'),
 (17, 'q', 'd', 'failure', 'oncall', 'webhook', 'high', 'oncall/q/d/timeout', '{}', 'delivered', 1, '2026-01-24 07:10Z'),
 (17, 'q', 'd', 'failure', 'oncall', 'jsonl', 'high', 'oncall/q/d/timeout', '{}', 'delivered', 1, '2026-01-24 07:10Z'),
 (18, 'q', 'd', 'failure', 'oncall', 'webhook', 'high', 'oncall/q/d/timeout', '{}', 'delivered', 1, '2026-01-25 07:10Z'),
 (18, 'q', 'd', 'failure', 'oncall', 'jsonl', 'high', 'oncall/q/d/timeout', '{}', 'delivered', 1, '2026-01-25 07:10Z'),
 (17, 'q', 'd', 'failure', 'oncall', 'webhook', 'high', 'oncall/q/d/timeout', '{}', 'suppressed', 0, '2026-01-25 08:10Z'),
 (17, 'q', 'd', 'failure', 'oncall', 'jsonl', 'high', 'oncall/q/d/timeout', '{}', 'suppressed', 0, '2026-01-25 08:10Z');
)sql";

TEST_CASE("ops: a failure a retry fixed stays a failure, recovery is per ds, backfills are not late") {
  std::string dsn = seeded(kRetried);
  auto r = run_flowc({"ops", "--since", "3650d", "--format", "json", "--state-dsn", dsn});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  REQUIRE(j["workflows"].size() == 2);
  const json& p = j["workflows"][0];
  CHECK(p["runs"] == 2);
  CHECK(p["succeeded"] == 1);
  CHECK(p["failed"] == 1);
  CHECK(p["failed_then_fixed_by_retry"] == 1);
  CHECK(p["failure_rate"].get<double>() == doctest::Approx(0.5));
  CHECK(p["mean_time_to_recovery_ms"] == (19 * 60 + 56) * 1000);
  CHECK(p["recoveries"] == 1);
  CHECK(p["unrecovered_failures"] == 0);
  CHECK(p["alerts"] == json({{"sent", 1}, {"suppressed", 0}, {"failed", 0}}));

  const json& q = j["workflows"][1];
  CHECK(q["runs"] == 4);
  CHECK(q["succeeded"] == 1);
  CHECK(q["failed"] == 3);
  CHECK(q["failed_then_fixed_by_retry"] == 1);
  CHECK(q["with_deadline"] == 2);
  CHECK(q["on_time"] == 1);
  CHECK(q["backfill_runs_not_counted"] == 2);
  CHECK(q["mean_time_to_recovery_ms"] == 48300 * 1000);
  CHECK(q["recoveries"] == 2);
  CHECK(q["unrecovered_failures"] == 2);
  CHECK(q["recurring_failures"] == json::array({{{"task", "d"},
                                                 {"error_class", "timeout"},
                                                 {"count", 3},
                                                 {"last_seen", "2026-01-25T08:10:00Z"}}}));
  CHECK(q["retries"] == 2);
  CHECK(q["alerts"] == json({{"sent", 2}, {"suppressed", 1}, {"failed", 0}}));

  r = run_flowc({"ops", "--since", "3650d", "--state-dsn", dsn});
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "p (last 3650d)\n"
        "  runs              2 (1 succeeded, 1 failed, 0 unfinished); 1 failed run fixed by a retry since\n"
        "  on time           n/a (no run with a deadline)\n"
        "  failure rate      1 of 2 (50.0%)\n"
        "  time to recovery  19m56s over 1 recovery\n"
        "  retries           2\n"
        "  alerts            1 sent, 0 suppressed, 0 failed\n"
        "  recurring failures: none\n"
        "\n"
        "q (last 3650d)\n"
        "  runs              4 (1 succeeded, 3 failed, 0 unfinished); 1 failed run fixed by a retry since\n"
        "  on time           1 of 2 (50.0%); 2 backfill runs not counted\n"
        "  failure rate      3 of 4 (75.0%)\n"
        "  time to recovery  13h25m over 2 recoveries, 2 not recovered\n"
        "  retries           2\n"
        "  alerts            2 sent, 1 suppressed, 0 failed\n"
        "  recurring failures (1):\n"
        "    TASK  CLASS    COUNT  LAST SEEN\n"
        "    d     timeout  3      2026-01-25T08:10:00Z\n");
}

TEST_CASE("ops --workflow and --since: only that workflow, only the window") {
  std::string dsn = seeded(kSeed);
  auto r = run_flowc(
      {"ops", "--since", "3650d", "--workflow", "finance_close", "--format", "json", "--state-dsn", dsn});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.output);
  CHECK(j["workflow"] == "finance_close");
  REQUIRE(j["workflows"].size() == 1);
  CHECK(j["workflows"][0]["runs"] == 2);

  // Relative to now: one run 40 days ago (outside 30d), one yesterday.
  std::string recent = seeded(R"sql(
insert into flow.runs (id, workflow, ds, stage, trigger, status, created_at, started_at, finished_at, plan_hash, plan) values
 (1, 'w', '2026-01-01', 'model', 'manual', 'failed', now() - interval '40 days', now() - interval '40 days', now() - interval '40 days', 'h', '{}'),
 (2, 'w', '2026-01-02', 'model', 'manual', 'succeeded', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', 'h', '{}');
)sql");
  r = run_flowc({"ops", "--format", "json", "--state-dsn", recent});
  REQUIRE(r.exit_code == 0);
  j = json::parse(r.output);
  REQUIRE(j["workflows"].size() == 1);
  CHECK(j["workflows"][0]["runs"] == 1);
  CHECK(j["workflows"][0]["failure_rate"] == 0.0);
}

TEST_CASE("ops: nothing in the window, no schema yet, a bad --since") {
  std::string dsn = seeded("");
  auto r = run_flowc({"ops", "--state-dsn", dsn});
  CHECK(r.exit_code == 0);
  CHECK(r.output == "no runs in the last 30d\n");
  r = run_flowc({"ops", "--state-dsn", flowc::testing::fresh_database("ops_empty")});
  CHECK(r.exit_code == 0);
  CHECK(r.output == "no runs yet\n");
  r = run_flowc({"ops", "--since", "3x", "--state-dsn", dsn});
  CHECK(r.exit_code == 2);
  CHECK(r.output == "flowc: --since `3x` is not a duration (write it like 30m, 24h, 7d or 1h30m)\n");
}

TEST_CASE("a workflow's runs in each environment are counted apart, production first") {
  flowc::runtime::report::OpsData data;
  data.runs = {{1, "w", "", "succeeded", "schedule", at(100), std::nullopt},
               {2, "w", "dev", "failed", "manual", at(200), std::nullopt},
               {3, "w", "dev", "failed", "manual", at(300), std::nullopt}};
  data.ends = {{2, "w", "t", "d1", "dev", at(200), false, "permanent"},
               {3, "w", "t", "d2", "dev", at(300), false, "permanent"}};
  std::vector<flowc::runtime::report::WorkflowOps> ops = flowc::runtime::report::compute_ops(data, at(500));
  REQUIRE(ops.size() == 2);
  CHECK(ops[0].env.empty());
  CHECK(ops[0].runs == 1);
  CHECK(ops[0].failed == 0);
  CHECK(ops[0].recurring.empty());
  CHECK(ops[1].env == "dev");
  CHECK(ops[1].runs == 2);
  CHECK(ops[1].failed == 2);
  REQUIRE(ops[1].recurring.size() == 1);
  CHECK(ops[1].recurring[0].count == 2);
}
