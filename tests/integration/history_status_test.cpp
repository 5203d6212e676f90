// `flowc history` and `flowc status` end to end: a migrated state database
// seeded by SQL with fixed timestamps, the built binary run against it with
// --state-dsn, and its exact output compared.
#include <doctest/doctest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "cli/run_report_format.h"
#include "cli/state_database.h"
#include "runtime/connect/secrets.h"
#include "runtime/process/process.h"
#include "runtime/state/migrate.h"
#include "tests/support/pg_harness.h"

namespace {

using nlohmann::json;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs the built flowc in `cwd` (default: an empty scratch directory, so no
/// project is found) with a clean environment: no FLOW_STATE_DSN leaks in.
Result run_flowc(std::vector<std::string> args, std::string cwd = "", std::vector<std::string> env = {}) {
  flowc::runtime::ProcessOptions options;
  options.argv = {FLOWC_BINARY};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"};
  options.env.insert(options.env.end(), env.begin(), env.end());
  options.cwd = cwd.empty() ? flowc::testing::scratch_dir("cwd") : cwd;
  options.timeout = std::chrono::seconds(120);
  flowc::runtime::ProcessResult r = flowc::runtime::run_process(options);
  REQUIRE_MESSAGE(r.started, r.error);
  return {r.exit_code, r.output};
}

void exec(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

/// A fresh database with the state schema `schema` migrated into it.
std::string state_database(const std::string& schema = "flow") {
  std::string dsn = flowc::testing::fresh_database("history");
  pqxx::connection c(dsn);
  flowc::runtime::state::MigrateOutcome m = flowc::runtime::state::migrate(c, schema);
  REQUIRE_MESSAGE(m.ok, m.error);
  return dsn;
}

// Last night: a mirror run of daily_kpi that failed in stage_orders (one
// transient, then one permanent error), blocking revenue_daily, with
// expectation results, two alerts and a parity report; the night before, a
// clean run; and today a finance run in progress and a pending backfill.
constexpr const char* kSeed = R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, created_at, started_at, finished_at, plan_hash, plan, parity) values
 (1, 'daily_kpi', '2026-11-23', '', 'mirror', 'schedule', 'succeeded', '2026-11-24 07:00:00Z', '2026-11-24 07:00:03Z', '2026-11-24 07:01:15.4Z', 'aaaa1111bbbb2222', '{}', null),
 (2, 'daily_kpi', '2026-11-24', '', 'mirror', 'schedule', 'failed', '2026-11-25 07:00:00Z', '2026-11-25 07:00:03Z', '2026-11-25 07:02:15Z', 'd6b097cd4265f1b6', '{}',
     '{"staging.orders": {"legacy_rows": 1204, "mirror_rows": 1200, "missing_keys": 4}, "passed": false}'),
 (3, 'finance_close', '2026-11-24', 'staging', 'model', 'manual', 'running', '2026-11-25 08:10:00Z', '2026-11-25 08:10:00.5Z', null, 'cccc3333dddd4444', '{}', null),
 (4, 'daily_kpi', '2026-11-20', '', 'mirror', 'backfill', 'pending', '2026-11-25 09:00:00Z', null, null, 'd6b097cd4265f1b6', '{}', null);
select setval(pg_get_serial_sequence('flow.runs', 'id'), 4);

insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, started_at, finished_at, rows_written, error_class, message) values
 (1, 'orders',        0, 'succeeded', 1, 1, '2026-11-24 07:00:03Z', '2026-11-24 07:00:03.4Z', null, null, null),
 (1, 'stage_orders',  1, 'succeeded', 1, 3, '2026-11-24 07:00:03.5Z', '2026-11-24 07:01:15Z', 1180, null, null),
 (2, 'orders',        0, 'succeeded', 1, 1, '2026-11-25 07:00:03Z', '2026-11-25 07:00:03.4Z', null, null, null),
 (2, 'stage_orders',  1, 'failed', 2, 3, '2026-11-25 07:00:03.5Z', '2026-11-25 07:01:08Z', null, 'permanent', 'relation "raw.orders_v2" does not exist'),
 (2, 'customers',     2, 'succeeded', 1, 1, '2026-11-25 07:00:03.5Z', '2026-11-25 07:00:15.9Z', 1200, null, null),
 (2, 'revenue_daily', 3, 'upstream_failed', 0, 3, null, null, null, null, null),
 (2, 'export_csv',    4, 'timed_out', 1, 1, '2026-11-25 07:00:16Z', '2026-11-25 07:02:15Z', null, 'timeout', 'timed out after 2m'),
 (3, 'ledger',        0, 'running', 1, 1, '2026-11-25 08:10:01Z', null, null, null, null),
 (4, 'orders',        0, 'pending', 0, 1, null, null, null, null, null);

insert into flow.attempts (run_id, task, attempt, worker, lease_token, started_at, finished_at, outcome, sqlstate, exit_code, error_class, message, rows_written, log_path) values
 (2, 'orders', 1, 'host:1:0', gen_random_uuid(), '2026-11-25 07:00:03Z', '2026-11-25 07:00:03.4Z', 'succeeded', null, null, null, null, null, '/srv/etl/.flow/logs/2/orders.1.log'),
 (2, 'stage_orders', 1, 'host:1:1', gen_random_uuid(), '2026-11-25 07:00:03.5Z', '2026-11-25 07:00:04.7Z', 'failed', '08006', null, 'transient',
     E'server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally', null, '/srv/etl/.flow/logs/2/stage_orders.1.log'),
 (2, 'stage_orders', 2, 'host:1:0', gen_random_uuid(), '2026-11-25 07:01:04.7Z', '2026-11-25 07:01:08Z', 'failed', '42P01', null, 'permanent',
     'relation "raw.orders_v2" does not exist', null, '/srv/etl/.flow/logs/2/stage_orders.2.log'),
 (2, 'customers', 1, 'host:1:2', gen_random_uuid(), '2026-11-25 07:00:03.5Z', '2026-11-25 07:00:15.9Z', 'succeeded', null, null, null, null, 1200, '/srv/etl/.flow/logs/2/customers.1.log'),
 (2, 'export_csv', 1, 'host:1:3', gen_random_uuid(), '2026-11-25 07:00:16Z', '2026-11-25 07:02:15Z', 'failed', null, 143, 'timeout', 'timed out after 2m', null, '/srv/etl/.flow/logs/2/export_csv.1.log'),
 (3, 'ledger', 1, 'host:2:0', gen_random_uuid(), '2026-11-25 08:10:01Z', null, null, null, null, null, null, null, '/srv/etl/.flow/logs/3/ledger.1.log');

insert into flow.expectation_results (run_id, task, attempt, expectation, severity, metric, value, passed, recorded_at) values
 (2, 'customers', 1, 'unique(customer_id)', 'error', 'duplicate_count(customer_id)', '0', true, '2026-11-25 07:00:15Z'),
 (2, 'customers', 1, 'row_count > 1000', 'warn', 'row_count', '1200', true, '2026-11-25 07:00:15Z'),
 (2, 'customers', 1, 'freshness(updated_at) < 1h', 'warn', 'freshness(updated_at)', '7260', false, '2026-11-25 07:00:15Z'),
 (2, 'orders', 1, 'not_null(order_id)', 'error', 'null_count(order_id)', null, true, '2026-11-25 07:00:03Z');

insert into flow.alerts (run_id, workflow, task, kind, route, channel, severity, dedup_key, payload, status, error, tries, created_at) values
 (2, 'daily_kpi', 'customers', 'warning', 'analytics_oncall', 'webhook', 'low', 'k1', '{}', 'suppressed', null, 0, '2026-11-25 07:00:16Z'),
 (2, 'daily_kpi', 'stage_orders', 'failure', 'analytics_oncall', 'webhook', 'high', 'k2', '{}', 'delivered', null, 1, '2026-11-25 07:01:09Z'),
 (2, 'daily_kpi', 'stage_orders', 'failure', 'analytics_oncall', 'jsonl', 'high', 'k2', '{}', 'failed', 'cannot open /var/log/flow/alerts.jsonl: Permission denied', 3, '2026-11-25 07:01:09Z'),
 (2, 'daily_kpi', null, 'parity', 'analytics_oncall', 'webhook', 'high', 'k3', '{}', 'delivered', null, 1, '2026-11-25 07:02:15Z');
)sql";

std::string seeded() {
  std::string dsn = state_database();
  exec(dsn, kSeed);
  return dsn;
}

// Goldens read as the terminal shows them.
// clang-format off
constexpr const char* kHistory =
    "  ID  WORKFLOW       DS          ENV         STAGE   TRIGGER   STATUS     STARTED               DURATION  FAILED TASKS\n"
    "  4   daily_kpi      2026-11-20  production  mirror  backfill  pending    -                     -\n"
    "  3   finance_close  2026-11-24  staging     model   manual    running    2026-11-25T08:10:00Z  -\n"
    "  2   daily_kpi      2026-11-24  production  mirror  schedule  failed     2026-11-25T07:00:03Z  2m12s     stage_orders, export_csv\n"
    "  1   daily_kpi      2026-11-23  production  mirror  schedule  succeeded  2026-11-24T07:00:03Z  1m12s\n"
    "\n"
    "4 runs in the last 3650d: 1 pending, 1 running, 1 failed, 1 succeeded\n"
    "run 3 is recorded running, but its process is gone: `flowc retry 3` finishes it\n";
// clang-format on

}  // namespace

TEST_CASE("history: every run newest first, with status, start, duration and failed tasks") {
  std::string dsn = seeded();
  Result r = run_flowc({"history", "--since", "3650d", "--state-dsn", dsn});
  CHECK(r.exit_code == 0);
  CHECK(r.output == kHistory);
}

TEST_CASE("history --format json: one object with the runs and their failed tasks") {
  std::string dsn = seeded();
  Result r = run_flowc({"history", "--since", "3650d", "--format", "json", "--state-dsn", dsn});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.output);
  CHECK(j["since"] == "3650d");
  CHECK(j["workflow"].is_null());
  REQUIRE(j["runs"].size() == 4);
  std::vector<int64_t> ids;
  for (const json& run : j["runs"]) ids.push_back(run["id"].get<int64_t>());
  CHECK(ids == std::vector<int64_t>{4, 3, 2, 1});
  const json& failed = j["runs"][2];
  CHECK(failed["workflow"] == "daily_kpi");
  CHECK(failed["ds"] == "2026-11-24");
  CHECK(failed["env"] == "production");
  CHECK(failed["stage"] == "mirror");
  CHECK(failed["trigger"] == "schedule");
  CHECK(failed["status"] == "failed");
  CHECK(failed["started"] == "2026-11-25T07:00:03Z");
  CHECK(failed["finished"] == "2026-11-25T07:02:15Z");
  CHECK(failed["duration_ms"] == 132000);
  CHECK(failed["failed_tasks"] == json::array({"stage_orders", "export_csv"}));
  CHECK(j["runs"][0]["started"].is_null());
  CHECK(j["runs"][1]["env"] == "staging");
}

TEST_CASE("status: the run's header, tasks in plan order, attempts, expectations, alerts and parity") {
  std::string dsn = seeded();
  Result r = run_flowc({"status", "2", "--state-dsn", dsn});
  CHECK(r.exit_code == 0);
  // clang-format off
  CHECK(r.output ==
        "run 2: workflow daily_kpi, ds 2026-11-24, production\n"
        "  status     failed\n"
        "  stage      mirror\n"
        "  trigger    schedule\n"
        "  started    2026-11-25T07:00:03Z\n"
        "  finished   2026-11-25T07:02:15Z\n"
        "  duration   2m12s\n"
        "  plan hash  d6b097cd4265f1b6\n"
        "\n"
        "tasks, in plan order (5):\n"
        "  TASK           STATE            ATTEMPTS  DURATION  ROWS  CLASS      ERROR\n"
        "  orders         succeeded        1/1       0.4s      -     -\n"
        "  stage_orders   failed           2/3       1m05s     -     permanent  relation \"raw.orders_v2\" does not exist\n"
        "  customers      succeeded        1/1       12.4s     1200  -\n"
        "  revenue_daily  upstream_failed  0/3       -         -     -\n"
        "  export_csv     timed_out        1/1       1m59s     -     timeout    timed out after 2m\n"
        "\n"
        "attempts (5):\n"
        "  TASK          #  OUTCOME    STARTED               DURATION  CODE      CLASS      WORKER    LOG                                       MESSAGE\n"
        "  orders        1  succeeded  2026-11-25T07:00:03Z  0.4s      -         -          host:1:0  /srv/etl/.flow/logs/2/orders.1.log\n"
        "  stage_orders  1  failed     2026-11-25T07:00:03Z  1.2s      08006     transient  host:1:1  /srv/etl/.flow/logs/2/stage_orders.1.log  server closed the connection unexpectedly\n"
        "  stage_orders  2  failed     2026-11-25T07:01:04Z  3.3s      42P01     permanent  host:1:0  /srv/etl/.flow/logs/2/stage_orders.2.log  relation \"raw.orders_v2\" does not exist\n"
        "  customers     1  succeeded  2026-11-25T07:00:03Z  12.4s     -         -          host:1:2  /srv/etl/.flow/logs/2/customers.1.log\n"
        "  export_csv    1  failed     2026-11-25T07:00:16Z  1m59s     exit 143  timeout    host:1:3  /srv/etl/.flow/logs/2/export_csv.1.log    timed out after 2m\n"
        "\n"
        "expectations (4):\n"
        "  TASK       #  CHECK                       SEVERITY  METRIC                        VALUE  RESULT\n"
        "  orders     1  not_null(order_id)          error     null_count(order_id)          null   passed\n"
        "  customers  1  unique(customer_id)         error     duplicate_count(customer_id)  0      passed\n"
        "  customers  1  row_count > 1000            warn      row_count                     1200   passed\n"
        "  customers  1  freshness(updated_at) < 1h  warn      freshness(updated_at)         7260   failed\n"
        "\n"
        "alerts (4):\n"
        "  KIND     TASK          ROUTE             CHANNEL  SEVERITY  STATUS      ERROR\n"
        "  warning  customers     analytics_oncall  webhook  low       suppressed\n"
        "  failure  stage_orders  analytics_oncall  webhook  high      delivered\n"
        "  failure  stage_orders  analytics_oncall  jsonl    high      failed      cannot open /var/log/flow/alerts.jsonl: Permission denied\n"
        "  parity   -             analytics_oncall  webhook  high      delivered\n"
        "\n"
        "parity:\n"
        "  {\"passed\":false,\"staging.orders\":{\"legacy_rows\":1204,\"mirror_rows\":1200,\"missing_keys\":4}}\n");
  // clang-format on
}

TEST_CASE("status: a pending run has no attempts, expectations or alerts yet") {
  std::string dsn = seeded();
  Result r = run_flowc({"status", "4", "--state-dsn", dsn});
  CHECK(r.exit_code == 0);
  // clang-format off
  CHECK(r.output ==
        "run 4: workflow daily_kpi, ds 2026-11-20, production\n"
        "  status     pending\n"
        "  stage      mirror\n"
        "  trigger    backfill\n"
        "  started    -\n"
        "  finished   -\n"
        "  duration   -\n"
        "  plan hash  d6b097cd4265f1b6\n"
        "\n"
        "tasks, in plan order (1):\n"
        "  TASK    STATE    ATTEMPTS  DURATION  ROWS  CLASS  ERROR\n"
        "  orders  pending  0/1       -         -     -\n"
        "\n"
        "attempts: none\n"
        "\n"
        "expectations: none\n"
        "\n"
        "alerts: none\n");
  // clang-format on
}

TEST_CASE("status: a stopped run's tasks that had not finished say not_run or not_retried") {
  std::string dsn = seeded();
  exec(dsn, R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, created_at, started_at, finished_at, plan_hash, plan) values
 (5, 'daily_kpi', '2026-11-21', '', 'mirror', 'manual', 'failed', '2026-11-25 10:00:00Z', '2026-11-25 10:00:00Z', '2026-11-25 10:00:30Z', 'd6b097cd4265f1b6', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, started_at, finished_at, rows_written, error_class, message) values
 (5, 'orders',        0, 'waiting', 0, 1, null, null, null, null, null),
 (5, 'stage_orders',  1, 'retry_wait', 1, 3, '2026-11-25 10:00:01Z', null, null, 'transient', 'could not serialize access'),
 (5, 'revenue_daily', 2, 'pending', 0, 3, null, null, null, null, null);
)sql");
  Result r = run_flowc({"status", "5", "--state-dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("  TASK           STATE        ATTEMPTS  DURATION  ROWS  CLASS      ERROR\n"
                      "  orders         not_run      0/1       -         -     -\n"
                      "  stage_orders   not_retried  1/3       -         -     transient  could not serialize access\n"
                      "  revenue_daily  not_run      0/3       -         -     -\n") != std::string::npos);
  // The stored state is what JSON gives.
  Result j = run_flowc({"status", "5", "--state-dsn", dsn, "--format", "json"});
  CHECK(json::parse(j.output)["tasks"][0]["state"] == "waiting");
  // Failed with no failed task: the header and history say it was stopped.
  CHECK(r.output.find("  status     failed\n"
                      "             ended before 3 tasks finished (`flowc retry 5` runs them)\n") !=
        std::string::npos);
  Result h = run_flowc({"history", "--since", "3650d", "--state-dsn", dsn});
  INFO(h.output);
  CHECK(h.output.find("failed     2026-11-25T10:00:00Z  30.0s     ended before 3 tasks finished\n") !=
        std::string::npos);

  // The attempt the stop cancelled failed: status and history say it was
  // stopped there, not that the task failed, and what never ran.
  exec(dsn, R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, created_at, started_at, finished_at, plan_hash, plan) values
 (6, 'daily_kpi', '2026-11-22', '', 'mirror', 'manual', 'failed', '2026-11-25 11:00:00Z', '2026-11-25 11:00:00Z', '2026-11-25 11:00:30Z', 'd6b097cd4265f1b6', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts, started_at, finished_at, rows_written, error_class, message) values
 (6, 'orders',        0, 'failed', 1, 1, '2026-11-25 11:00:01Z', '2026-11-25 11:00:29Z', null, 'transient', 'the run was stopped'),
 (6, 'stage_orders',  1, 'pending', 0, 3, null, null, null, null, null),
 (6, 'revenue_daily', 2, 'pending', 0, 3, null, null, null, null, null);
)sql");
  Result six = run_flowc({"status", "6", "--state-dsn", dsn});
  INFO(six.output);
  CHECK(six.output.find(
            "  status     failed\n"
            "             stopped during orders, before 2 tasks finished (`flowc retry 6` runs them)\n") !=
        std::string::npos);
  Result history = run_flowc({"history", "--since", "3650d", "--state-dsn", dsn});
  INFO(history.output);
  CHECK(history.output.find("30.0s     stopped during orders, before 2 tasks finished\n") !=
        std::string::npos);
  json runs = json::parse(
      run_flowc({"history", "--since", "3650d", "--state-dsn", dsn, "--format", "json"}).output)["runs"];
  auto run6 = std::find_if(runs.begin(), runs.end(), [](const json& run) { return run["id"] == 6; });
  REQUIRE(run6 != runs.end());
  CHECK((*run6)["failed_tasks"] == json::array());
  CHECK((*run6)["stopped_tasks"] == json({"orders"}));
  CHECK((*run6)["unfinished_tasks"] == 2);
  CHECK((*run6)["replaced_by"] == nullptr);

  // A later run of day 5 replaced it: `flowc retry 5` would be refused, so
  // status points at the later run instead.
  exec(dsn, R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, created_at, started_at, finished_at, plan_hash, plan) values
 (7, 'daily_kpi', '2026-11-21', '', 'mirror', 'manual', 'succeeded', '2026-11-25 12:00:00Z', '2026-11-25 12:00:00Z', '2026-11-25 12:00:30Z', 'd6b097cd4265f1b6', '{}');
)sql");
  Result five = run_flowc({"status", "5", "--state-dsn", dsn});
  INFO(five.output);
  CHECK(five.output.find(
            "  status     failed\n"
            "             ended before 3 tasks finished; run 7 (succeeded) of the same day replaced "
            "it: `flowc status 7`\n") != std::string::npos);
  CHECK(five.output.find("flowc retry 5") == std::string::npos);
  json five_json = json::parse(run_flowc({"status", "5", "--state-dsn", dsn, "--format", "json"}).output);
  CHECK(five_json["run"]["replaced_by"] == 7);
}

TEST_CASE("history and status: a run a retry repaired says so, not only that it succeeded") {
  std::string dsn = seeded();
  exec(dsn, "update flow.runs set retries = 1, retried_at = '2026-11-25 09:00:00Z' where id = 1");
  Result h = run_flowc({"history", "--since", "3650d", "--state-dsn", dsn});
  INFO(h.output);
  CHECK(
      h.output.find("  1   daily_kpi      2026-11-23  production  mirror  schedule  succeeded (1 retry)  ") !=
      std::string::npos);
  json runs = json::parse(
      run_flowc({"history", "--since", "3650d", "--state-dsn", dsn, "--format", "json"}).output)["runs"];
  auto one = std::find_if(runs.begin(), runs.end(), [](const json& run) { return run["id"] == 1; });
  REQUIRE(one != runs.end());
  CHECK((*one)["retries"] == 1);
  Result r = run_flowc({"status", "1", "--state-dsn", dsn});
  INFO(r.output);
  CHECK(r.output.find("  retries    1 (`flowc retry`), the last started 2026-11-25T09:00:00Z\n") !=
        std::string::npos);
}

TEST_CASE(
    "status: who owns the run, from its stored plan: the workflow's owner and the route its failures page") {
  std::string dsn = seeded();
  exec(
      dsn,
      R"sql(update flow.runs set plan = '{"owner": "analytics-eng", "on_failure": {"route": 1, "severity": "high"},
    "routes": [{"name": "quiet", "owner": "nobody"}, {"name": "analytics_oncall", "owner": "data-eng"}]}' where id = 1)sql");
  Result r = run_flowc({"status", "1", "--state-dsn", dsn});
  INFO(r.output);
  CHECK(
      r.output.find("  owner      analytics-eng (failures page route analytics_oncall, owner data-eng)\n") !=
      std::string::npos);
  json j = json::parse(run_flowc({"status", "1", "--state-dsn", dsn, "--format", "json"}).output);
  CHECK(j["run"]["owner"] == "analytics-eng");
  CHECK(j["run"]["on_failure"] == json({{"route", "analytics_oncall"}, {"owner", "data-eng"}}));
  // A plan without them (an older run's) says nothing rather than guessing.
  Result two = run_flowc({"status", "2", "--state-dsn", dsn});
  CHECK(two.output.find("  owner ") == std::string::npos);
}

TEST_CASE("status --format json: one object with the run, tasks, attempts, expectations, alerts and parity") {
  std::string dsn = seeded();
  Result r = run_flowc({"status", "2", "--format", "json", "--state-dsn", dsn});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.output);
  CHECK(j["run"]["id"] == 2);
  CHECK(j["run"]["status"] == "failed");
  CHECK(j["run"]["plan_hash"] == "d6b097cd4265f1b6");
  CHECK(j["run"]["duration_ms"] == 132000);
  REQUIRE(j["tasks"].size() == 5);
  std::vector<std::string> order;
  for (const json& t : j["tasks"]) order.push_back(t["task"]);
  CHECK(order ==
        std::vector<std::string>{"orders", "stage_orders", "customers", "revenue_daily", "export_csv"});
  const json& stage = j["tasks"][1];
  CHECK(stage["state"] == "failed");
  CHECK(stage["attempts"] == 2);
  CHECK(stage["max_attempts"] == 3);
  CHECK(stage["error_class"] == "permanent");
  CHECK(stage["message"] == "relation \"raw.orders_v2\" does not exist");
  CHECK(j["tasks"][2]["rows_written"] == 1200);
  CHECK(j["tasks"][3]["started"].is_null());
  REQUIRE(j["attempts"].size() == 5);
  const json& first = j["attempts"][1];
  CHECK(first["task"] == "stage_orders");
  CHECK(first["attempt"] == 1);
  CHECK(first["sqlstate"] == "08006");
  CHECK(first["exit_code"].is_null());
  CHECK(first["error_class"] == "transient");
  // The whole message, not only the first line the table shows.
  CHECK(first["message"] ==
        "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally");
  CHECK(first["log_path"] == "/srv/etl/.flow/logs/2/stage_orders.1.log");
  CHECK(first["duration_ms"] == 1200);
  CHECK(j["attempts"][4]["exit_code"] == 143);
  REQUIRE(j["expectations"].size() == 4);
  CHECK(j["expectations"][3]["check"] == "freshness(updated_at) < 1h");
  CHECK(j["expectations"][3]["passed"] == false);
  CHECK(j["expectations"][0]["value"].is_null());
  REQUIRE(j["alerts"].size() == 4);
  CHECK(j["alerts"][2]["channel"] == "jsonl");
  CHECK(j["alerts"][2]["status"] == "failed");
  CHECK(j["alerts"][3]["task"].is_null());
  CHECK(j["parity"]["staging.orders"]["missing_keys"] == 4);
  CHECK(j["parity"]["passed"] == false);
}

TEST_CASE("history --since and --workflow choose the runs: started, retried or finished in the window") {
  std::string dsn = state_database();
  exec(dsn, R"sql(
insert into flow.runs (workflow, ds, stage, trigger, status, started_at, finished_at, plan_hash, plan) values
 ('daily_kpi',     '2026-11-29', 'model', 'schedule', 'succeeded', now() - interval '2 hours',  now() - interval '1 hour', 'h', '{}'),
 ('finance_close', '2026-11-29', 'model', 'schedule', 'failed',    now() - interval '5 hours',  now() - interval '4 hours', 'h', '{}'),
 ('daily_kpi',     '2026-11-26', 'model', 'schedule', 'succeeded', now() - interval '3 days',   now() - interval '3 days', 'h', '{}'),
 ('daily_kpi',     '2026-11-19', 'model', 'schedule', 'succeeded', now() - interval '10 days',  now() - interval '10 days', 'h', '{}');
-- never started: its creation time counts
insert into flow.runs (workflow, ds, stage, trigger, status, created_at, plan_hash, plan) values
 ('daily_kpi', '2026-11-18', 'model', 'backfill', 'pending', now() - interval '20 days', 'h', '{}');
-- started five days ago, repaired by a retry half an hour ago: it ran in the last 24h
insert into flow.runs (workflow, ds, stage, trigger, status, started_at, retried_at, finished_at, plan_hash, plan) values
 ('daily_kpi', '2026-11-24', 'model', 'schedule', 'succeeded', now() - interval '5 days',
  now() - interval '30 minutes', now() - interval '20 minutes', 'h', '{}');
)sql");
  auto ids = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "history");
    for (const char* a : {"--format", "json", "--state-dsn"}) args.push_back(a);
    args.push_back(dsn);
    Result r = run_flowc(args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    json parsed = json::parse(r.output);
    std::vector<int64_t> out;
    for (const json& run : parsed["runs"]) out.push_back(run["id"].get<int64_t>());
    return out;
  };
  // A run is in the window if it started, was retried or finished in it;
  // newest first by when it last started (run 6: its retry, 30 minutes ago).
  CHECK(ids({}) == std::vector<int64_t>{6, 1, 2});  // the default: 24h
  CHECK(ids({"--since", "7d"}) == std::vector<int64_t>{6, 1, 2, 3});
  CHECK(ids({"--since", "3h"}) == std::vector<int64_t>{6, 1});
  CHECK(ids({"--since", "1h30m"}) == std::vector<int64_t>{6, 1});  // run 1 finished an hour ago
  CHECK(ids({"--since", "10m"}).empty());
  CHECK(ids({"--since", "30d"}) == std::vector<int64_t>{6, 1, 2, 3, 4, 5});
  CHECK(ids({"--since", "7d", "--workflow", "daily_kpi"}) == std::vector<int64_t>{6, 1, 3});
  CHECK(ids({"--since", "7d", "--workflow", "finance_close"}) == std::vector<int64_t>{2});
  CHECK(ids({"--workflow", "no_such_workflow"}).empty());

  Result none = run_flowc({"history", "--since", "10m", "--state-dsn", dsn});
  CHECK(none.exit_code == 0);
  CHECK(none.output == "no runs in the last 10m\n");
}

TEST_CASE("a state database nothing has run in: history says so, status finds no run") {
  std::string dsn = flowc::testing::fresh_database("empty");  // not migrated: no schema
  Result history = run_flowc({"history", "--state-dsn", dsn});
  CHECK(history.exit_code == 0);
  CHECK(history.output == "no runs yet\n");
  Result json_history = run_flowc({"history", "--format", "json", "--state-dsn", dsn});
  REQUIRE(json_history.exit_code == 0);
  CHECK(json::parse(json_history.output)["runs"] == json::array());
  Result status = run_flowc({"status", "1", "--state-dsn", dsn});
  CHECK(status.exit_code == 2);
  CHECK(status.output == "flowc: no run 1 in the state database\n");
}

TEST_CASE("errors: one line, exit 2") {
  std::string dsn = seeded();
  Result unknown = run_flowc({"status", "42", "--state-dsn", dsn});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output == "flowc: no run 42 in the state database\n");
  // Decimal, whatever its leading zeros (CLI11 alone would read 042 as octal, run 34).
  Result zeros = run_flowc({"status", "042", "--state-dsn", dsn});
  CHECK(zeros.exit_code == 2);
  CHECK(zeros.output == "flowc: no run 42 in the state database\n");

  Result not_a_number = run_flowc({"status", "abc", "--state-dsn", dsn});
  CHECK(not_a_number.exit_code == 2);
  // Said before any database is looked for: no run can have that id.
  CHECK(not_a_number.output ==
        "flowc: run_id: not a run id: \"abc\" (a whole number, as `flowc history` lists runs)\n");

  Result trailing = run_flowc({"status", "2x", "--state-dsn", dsn});
  CHECK(trailing.exit_code == 2);
  CHECK(trailing.output ==
        "flowc: run_id: not a run id: \"2x\" (a whole number, as `flowc history` lists runs)\n");
  Result no_database = run_flowc({"retry", "0", "--state-dsn", "host=/nonexistent"});
  CHECK(no_database.exit_code == 2);
  CHECK(no_database.output ==
        "flowc: run_id: not a run id: \"0\" (a whole number, as `flowc history` lists runs)\n");

  for (std::string since : {"3x", "24", "h", "30m1h"}) {
    CAPTURE(since);
    Result bad = run_flowc({"history", "--since", since, "--state-dsn", dsn});
    CHECK(bad.exit_code == 2);
    CHECK(bad.output ==
          "flowc: --since `" + since + "` is not a duration (write it like 30m, 24h, 7d or 1h30m)\n");
  }

  for (std::string since : {"0s", "0h"}) {
    Result empty = run_flowc({"history", "--since", since, "--state-dsn", dsn});
    CHECK(empty.exit_code == 2);
    CHECK(empty.output == "flowc: --since `" + since + "` is an empty window: give a duration longer than 0s\n");
  }

  Result format = run_flowc({"status", "2", "--format", "yaml", "--state-dsn", dsn});
  CHECK(format.exit_code == 2);
  CHECK(format.output == "flowc: unknown --format `yaml` (expected human or json)\n");

  // Nothing listens on port 1; the password never reaches the output.
  std::string unreachable = "postgresql://flow:sekret@127.0.0.1:1/state";
  const std::string refused =
      "flowc: cannot reach the state database: connection to server at \"127.0.0.1\", port 1 failed: "
      "Connection refused\n";
  Result history = run_flowc({"history", "--state-dsn", unreachable});
  CHECK(history.exit_code == 2);
  CHECK(history.output == refused);
  Result status = run_flowc({"status", "2", "--state-dsn", unreachable});
  CHECK(status.exit_code == 2);
  CHECK(status.output == refused);
}

TEST_CASE("the password of a DSN is masked in any text that echoes it") {
  CHECK(flowc::runtime::without_passwords("bad password sekret-42 for x",
                                          "host=h password=sekret-42 dbname=d") == "bad password *** for x");
  CHECK(flowc::runtime::without_passwords("at u:p4ssw0rd@h", "postgresql://u:p4ssw0rd@h:5432/d") ==
        "at u:***@h");
  CHECK(flowc::runtime::without_passwords("'two words'", "host=h password='two words'") == "'***'");
  CHECK(flowc::runtime::without_passwords("no secret here", "host=h dbname=d") == "no secret here");
}

TEST_CASE("the state database is found from FLOW_STATE_DSN, the project's target, or its private cluster") {
  // A project whose runs live in schema `ops` of its target's database.
  std::string project = flowc::testing::scratch_dir("project");
  std::ofstream(project + "/flow.project")
      << "project p {\n  default_target = wh\n  state_schema   = \"ops\"\n}\n\n"
         "target wh {\n  dsn = env(\"HIST_TEST_DSN\")\n}\n";
  std::string dsn = state_database("ops");
  exec(dsn, R"sql(
insert into ops.runs (workflow, ds, stage, trigger, status, started_at, finished_at, plan_hash, plan) values
 ('nightly', '2026-11-24', 'production', 'schedule', 'succeeded', '2026-11-25 03:00:00Z', '2026-11-25 03:00:42Z', 'h', '{}');
)sql");
  const std::string row =
      "  ID  WORKFLOW  DS          ENV         STAGE       TRIGGER   STATUS     STARTED               "
      "DURATION  FAILED TASKS\n"
      "  1   nightly   2026-11-24  production  production  schedule  succeeded  2026-11-25T03:00:00Z  42.0s\n"
      "\n"
      "1 run in the last 3650d: 1 succeeded\n";

  Result target = run_flowc({"history", "--since", "3650d"}, project, {"HIST_TEST_DSN=" + dsn});
  CHECK(target.exit_code == 0);
  CHECK(target.output == row);

  // --state-dsn and FLOW_STATE_DSN name the database; the schema is still the project's.
  Result flag = run_flowc({"history", "--since", "3650d", "--state-dsn", dsn}, project);
  CHECK(flag.output == row);
  Result env = run_flowc({"history", "--since", "3650d"}, project, {"FLOW_STATE_DSN=" + dsn});
  CHECK(env.output == row);
  Result path = run_flowc({"history", project, "--since", "3650d"}, "", {"FLOW_STATE_DSN=" + dsn});
  CHECK(path.output == row);
  // A PATH that is not there is a typo, not the history in the default schema.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"history", project + "/nope"},
                                               std::vector<std::string>{"status", "1", project + "/nope"},
                                               std::vector<std::string>{"ops", project + "/nope"}}) {
    Result typo = run_flowc(args, "", {"FLOW_STATE_DSN=" + dsn});
    CHECK(typo.exit_code == 2);
    CHECK(typo.output == "flowc: " + project + "/nope: no such file or directory\n");
  }

  Result nothing = run_flowc({"history"}, project);
  CHECK(nothing.exit_code == 2);
  CHECK(
      nothing.output ==
      "flowc: no state database: pass --state-dsn or set FLOW_STATE_DSN or HIST_TEST_DSN (the DSN of target "
      "`wh`); there is no private cluster in .flow/pg either\n");

  // The private cluster, when the project has one: here the test cluster
  // itself stands in for `.flow/pg` (it runs, so nothing is started).
  std::string embedded = flowc::testing::scratch_dir("embedded");
  std::ofstream(embedded + "/flow.project") << "project e {\n  state_schema = \"embedded_history\"\n}\n";
  std::filesystem::create_directories(embedded + "/.flow");
  std::filesystem::create_directory_symlink(flowc::testing::test_cluster_dir(), embedded + "/.flow/pg");
  std::string cluster_dsn = flowc::testing::fresh_database("unused");  // same cluster, other database
  std::string postgres_dsn = cluster_dsn.substr(0, cluster_dsn.rfind("dbname=")) + "dbname=postgres";
  {
    pqxx::connection c(postgres_dsn);
    auto m = flowc::runtime::state::migrate(c, "embedded_history");
    REQUIRE_MESSAGE(m.ok, m.error);
  }
  exec(postgres_dsn, R"sql(
insert into embedded_history.runs (workflow, ds, stage, trigger, status, started_at, finished_at, plan_hash, plan) values
 ('local', '2026-11-24', 'model', 'manual', 'failed', '2026-11-25 03:00:00Z', '2026-11-25 03:00:01Z', 'h', '{}');
)sql");
  Result local = run_flowc({"status", "1"}, embedded);
  CHECK(local.exit_code == 0);
  // (Stdout and stderr together here: the line that says which cluster, then the status.)
  const std::string uses = "flowc: using the private PostgreSQL cluster in " + embedded +
                           "/.flow/pg (stop it with `flowc db stop`)\n";
  CHECK(local.output.rfind(uses + "run 1: workflow local, ds 2026-11-24, production\n  status     failed\n",
                           0) == 0);

  // The hint to stop the cluster is a command that works from where the
  // user stands: `flowc db stop` alone would look for `./.flow/pg`.
  Result here = run_flowc({"db", "start"}, embedded);
  CHECK(here.exit_code == 0);
  CHECK(here.output.find("(stop it with `flowc db stop`)\n") != std::string::npos);
  std::filesystem::path parent = std::filesystem::path(embedded).parent_path();
  std::string name = std::filesystem::path(embedded).filename().string();
  Result below = run_flowc({"db", "start", name}, parent.string());
  CHECK(below.exit_code == 0);
  CHECK(below.output.find("(stop it with `flowc db stop " + name + "`)\n") != std::string::npos);
  Result elsewhere = run_flowc({"db", "start", embedded});
  CHECK(elsewhere.exit_code == 0);
  CHECK(elsewhere.output.find("(stop it with `flowc db stop " + embedded + "`)\n") != std::string::npos);
}

TEST_CASE("colour only when asked for, on the status words, never in the padding") {
  flowc::runtime::report::RunRecord run;
  run.id = 7;
  run.workflow = "daily_kpi";
  run.ds = "2026-11-24";
  run.stage = "model";
  run.trigger = "manual";
  run.status = "failed";
  run.failed_tasks = {"stage_orders"};
  std::string plain = flowc::cli::history_human({run}, "24h", false, "");
  CHECK(plain.find('\x1b') == std::string::npos);
  std::string coloured = flowc::cli::history_human({run}, "24h", true, "");
  CHECK(coloured.find("\x1b[31mfailed\x1b[0m  ") != std::string::npos);
  CHECK(coloured.find("\x1b[31mstage_orders\x1b[0m\n") != std::string::npos);
  for (const std::string& text : {plain, coloured}) {
    CHECK(text.find(" \n") == std::string::npos);  // no line ends in spaces
  }
}
