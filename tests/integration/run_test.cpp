// `flowc run` end to end: the built binary, a real PostgreSQL started by the
// harness, real subprocesses. What a production schedule relies on: a run of
// the example succeeds; secrets stay secret; a kill -9 mid-write and a rerun
// leave the target as one successful attempt would; two runs of the same
// (workflow, ds) never overlap; a bad database is a clear exit 2; a database
// restart mid-run is retried.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/localpg/localpg.h"
#include "tests/integration/run_support.h"
#include "tests/support/file_text.h"

namespace fs = std::filesystem;
using namespace flowc::testing;

namespace {

/// A production workflow with one slow overwrite_partition task: its
/// expectation sleeps `sleep_seconds` after the write, inside the
/// transaction, so a kill or a restart lands between the write and COMMIT.
std::vector<std::pair<std::string, std::string>> slow_project(int sleep_seconds, const std::string& retry = "") {
  std::string flow = R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow slow {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
)FLOW" + retry + R"FLOW(
  param ds: date = logical_date

  task numbers {
    writes  = "out.numbers"
    mode    = overwrite_partition(ds)
    sql     = "select ${ds} as ds, g as n, md5(g::text) as tag from generate_series(1, 500) as g"
    publish = true
    expect row_count() == 500
    expect sql("select count(*) from pg_sleep(SLEEP)") == 1 as "slow check"
  }
}
)FLOW";
  flow.replace(flow.find("SLEEP"), 5, std::to_string(sleep_seconds));
  return {{"slow.flow", flow}};
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string read_tree(const fs::path& dir) {
  std::string all;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    all += file_text(it->path());
  }
  return all;
}

}  // namespace

TEST_CASE("run: the daily_kpi example succeeds on its demo data, and no secret appears anywhere") {
  std::string dsn = fresh_database("run_example");
  fs::path project = scratch_dir("daily_kpi");
  fs::path example = fs::path(FLOWC_SOURCE_DIR) / "examples" / "daily_kpi";
  for (const char* part : {"flow.project", "daily_kpi.flow", "legacy.flow", "routes.flow", "targets.flow", "sql",
                           "scripts", "demo"})
    fs::copy(example / part, project / part, fs::copy_options::recursive);
  flowc::runtime::ProcessOptions psql;
  psql.argv = {"psql", dsn, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "demo/load_demo_data.sql"};
  psql.env = child_env({"PGOPTIONS=-c client_min_messages=warning"});
  psql.cwd = project.string();
  REQUIRE(flowc::runtime::run_process(psql).exit_code == 0);

  const std::string dsn_secret = "flowc-dsn-secret-7f3a";
  const std::string hook_secret = "flowc-hook-secret-91c2";
  std::vector<std::string> env = {"WAREHOUSE_DSN=" + dsn + " password=" + dsn_secret,
                                  "ANALYTICS_HOOK_URL=http://127.0.0.1:9/hook/" + hook_secret};
  auto first = run_flowc(project.string(), {"run", "."}, env);
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK(contains(first.output, "succeeded"));
  CHECK(query_one(dsn, "select count(*) from dash__mirror.kpi_daily") == "3");
  CHECK(query_one(dsn, "select status from flow.runs order by id desc limit 1") == "succeeded");
  // Started as `flowc run .`, the logs' paths are stored absolute: they mean
  // the same file wherever `status` or an alert is read.
  std::string log_dir = (fs::canonical(project) / ".flow" / "logs" / "1").string() + "/";
  CHECK(query_one(dsn, "select count(*) from flow.attempts where log_path not like '" + log_dir + "%'") == "0");

  // A failing source (its probe fails with division by zero; a table that
  // is merely missing would be waited for): the failure alert goes to the
  // (unreachable) secret webhook.
  query_one(dsn, "drop table raw.customers cascade; create view raw.customers as select g as customer_id "
                 "from generate_series(1, 2) as g where 1 / (g - 1) >= 0");
  auto second = run_flowc(project.string(), {"run", "."}, env);
  INFO(second.output);
  CHECK(second.exit_code == 1);
  CHECK(query_one(dsn, "select count(*) from flow.alerts where kind = 'failure'") != "0");
  CHECK(query_one(dsn, "select state from flow.task_runs where run_id = 2 and task = 'dim_customers'") ==
        "upstream_failed");

  auto plan = run_flowc(project.string(), {"plan", ".", "--format", "json"}, env);
  auto status = run_flowc(project.string(), {"status", "2", "."}, env);
  flowc::runtime::ProcessOptions dump;
  dump.argv = {"pg_dump", "--data-only", "--schema=flow", dsn};
  dump.env = child_env();
  std::string state = flowc::runtime::run_process(dump).output;
  REQUIRE(contains(state, "dim_customers"));  // the dump holds the run history
  for (const std::string& secret : {dsn_secret, hook_secret}) {
    CAPTURE(secret);
    CHECK_FALSE(contains(first.output + second.output, secret));
    CHECK_FALSE(contains(read_tree(project / ".flow" / "logs"), secret));
    CHECK_FALSE(contains(plan.output, secret));
    CHECK_FALSE(contains(status.output, secret));
    CHECK_FALSE(contains(state, secret));
  }
}

TEST_CASE("run: kill -9 between the write and the commit, then a rerun, leaves the target as one run would") {
  std::string reference_dsn = fresh_database("run_reference");
  std::string reference = write_project("reference", slow_project(0));
  REQUIRE(run_flowc(reference, {"run", ".", "--ds", "2026-11-24", "--dsn", reference_dsn}).exit_code == 0);
  std::string expected = table_checksum(reference_dsn, "out.numbers");
  REQUIRE(!expected.empty());

  std::string dsn = fresh_database("run_killed");
  std::string project = write_project("killed", slow_project(4));
  Background killed = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  // Inside the write transaction, sleeping in the expectation: the write is done, COMMIT is not.
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "1", 30));
  ::kill(killed.pid, SIGKILL);
  CHECK(killed.wait() == 128 + SIGKILL);
  // Nothing half-written: the table was created in the rolled-back transaction.
  CHECK(query_one(dsn, "select to_regclass('out.numbers') is null") == "t");

  auto rerun = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  CHECK(table_checksum(dsn, "out.numbers") == expected);
  auto again = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  CHECK(again.exit_code == 0);
  CHECK(table_checksum(dsn, "out.numbers") == expected);
}

TEST_CASE("run: kill -9 mid-statement, the server ends the orphaned statement within seconds") {
  std::string dsn = fresh_database("run_orphan_statement");
  std::string project = write_project("orphan_statement", slow_project(120));
  Background killed = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  const std::string sleeping =
      "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid() "
      "and datname = current_database()";
  REQUIRE(wait_for(dsn, sleeping, "1", 30));
  ::kill(killed.pid, SIGKILL);
  CHECK(killed.wait() == 128 + SIGKILL);
  // Not after its 120 s: the locks of the write it was in are released, so
  // a retry or another run does not wait behind a dead flowc's statement.
  CHECK(wait_for(dsn, sleeping, "0", 15));
}

TEST_CASE("run: a second run of the same workflow and ds refuses while the first is in progress") {
  std::string dsn = fresh_database("run_twice");
  std::string project = write_project("twice", slow_project(3));
  Background first = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'running'", "1", 30));
  auto second = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 2);
  CHECK(contains(second.output, "already in progress"));
  CHECK(first.wait() == 0);
  auto other_day = run_flowc(project, {"run", ".", "--ds", "2026-11-25", "--dsn", dsn});
  CHECK(other_day.exit_code == 0);  // another ds is another run
}

TEST_CASE("run: --concurrency above the run's tasks opens no session for executors it could not use") {
  std::string dsn = fresh_database("run_wide");
  std::string project = write_project("wide", slow_project(3));
  // One task: 200 executors, each with its own sessions, would pass the server's max_connections.
  Background run =
      start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn, "--concurrency", "200"});
  INFO(run.output());
  REQUIRE(wait_for(
      dsn,
      "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid() "
      "and datname = current_database()",
      "1", 30));
  const int sessions = std::stoi(query_one(dsn,
                                           "select count(*) from pg_stat_activity where datname = "
                                           "current_database() and pid <> pg_backend_pid()"));
  CHECK(sessions <= 6);
  CHECK(run.wait() == 0);
}

TEST_CASE(
    "run: a run lock lost with its session is taken back, and a second run of the day meanwhile refuses") {
  std::string dsn = fresh_database("run_lock_lost");
  std::string project = write_project("lock_lost", slow_project(6));
  Background first = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(wait_for(
      dsn,
      "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid() "
      "and datname = current_database()",
      "1", 30));
  const std::string run_lock =
      "from pg_locks l where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and "
      "l.database = (select oid from pg_database where datname = current_database())";
  // The lock's session ends, as in a server restart: the lock goes with it
  // while the run goes on.
  REQUIRE(query_one(dsn, "select count(pg_terminate_backend(l.pid)) " + run_lock) == "1");
  auto second = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 2);
  CHECK(contains(second.output, "already in progress (run 1)"));
  CHECK(wait_for(dsn, "select count(*) " + run_lock, "1", 10));  // the driver took it back
  CHECK(first.wait() == 0);
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
  CHECK(query_one(dsn, "select string_agg(attempt || ':' || outcome, ',') from flow.attempts") ==
        "1:succeeded");
}

TEST_CASE(
    "run: a second Ctrl-C exits at once, kills the running command's group and what it moved out of it, and "
    "retry "
    "finishes the run") {
  std::string dsn = fresh_database("run_second_interrupt");
  fs::path dir = write_project("second_interrupt", {});
  // The command ignores the TERM that the first Ctrl-C's stop sends its
  // group (it notes it got one), so the stop would wait out its 2 s grace;
  // on the rerun (`again` exists) it succeeds at once.
  std::string script = "cd '" + dir.string() +
                       "'; test -e again && exit 0; echo $$ > command.pid; "
                       "setsid sleep 1000 & echo $! > moved_out.pid; "
                       "trap 'echo > got_term' TERM; while :; do sleep 0.1; done";
  std::ofstream(dir / "hold.flow") << one_command_workflow("hold", "stubborn", script);
  std::string project = dir.string();
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output());
  REQUIRE(wait_for_file(dir / "command.pid", 30));
  ::kill(run.pid, SIGINT);
  REQUIRE(wait_for_file(dir / "got_term", 10));  // the first Ctrl-C is stopping the run
  // Pressed again, as a person does: later than a signal delivered twice.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ::kill(run.pid, SIGINT);
  int code = run.wait();
  CHECK(code == 128 + SIGINT);  // died of the signal, as a shell loop around it expects
  CHECK(contains(run.output(), " stopping: cancelling the attempts in progress and recording them as failed "
                               "(interrupt again to exit at once)\n"));  // what the first one said
  CHECK(contains(run.output(), "flowc: interrupted again: exiting at once (killed 1 running command); what was "
                               "not recorded is finished by `flowc retry` or the scheduler, as after a crash\n"));
  pid_t command = 0;
  std::ifstream(dir / "command.pid") >> command;
  CHECK_FALSE(process_running(command));  // killed with flowc, not left behind
  pid_t moved_out = 0;
  std::ifstream(dir / "moved_out.pid") >> moved_out;
  REQUIRE(moved_out > 0);
  CHECK(gone_within(moved_out, 5));  // a group of its own (setsid), killed too

  std::string run_id = query_one(dsn, "select max(id) from flow.runs");
  std::ofstream(dir / "again") << "";
  auto retry = run_flowc(project, {"retry", run_id, ".", "--dsn", dsn});
  INFO(retry.output);
  CHECK(retry.exit_code == 0);
  CHECK(query_one(dsn, "select status from flow.runs where id = " + run_id) == "succeeded");
}

TEST_CASE(
    "run: SIGTERM, or SIGHUP of a closed terminal, fails the attempt it stops, and the tasks it kept from "
    "starting "
    "stay not_run") {
  for (int signal : {SIGTERM, SIGHUP}) {
    CAPTURE(signal);
    std::string dsn = fresh_database("run_stopped_downstream");
    fs::path dir = write_project("stopped_downstream", {});
    std::string flow =
        one_command_workflow("stopped", "long", "echo $$ > '" + dir.string() + "/long.pid'; sleep 30");
    flow.replace(flow.rfind("}\n"), 2,
                 "\n  task after {\n    after = [long]\n    run   = command([\"true\"])\n  }\n}\n");
    std::ofstream(dir / "stopped.flow") << flow;
    Background run = start_flowc(dir.string(), {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
    INFO(run.output());
    REQUIRE(wait_for_file(dir / "long.pid", 30));
    ::kill(run.pid, signal);
    run.wait();
    CHECK(query_one(dsn, "select state || ': ' || message from flow.task_runs where task = 'long'")
              .starts_with("failed: the run was stopped"));
    pid_t command = 0;
    std::ifstream(dir / "long.pid") >> command;
    REQUIRE(command > 0);
    CHECK(gone_within(command, 5));
    // Not upstream_failed: `long` did not fail on its own, the operator stopped it.
    CHECK(query_one(dsn, "select state from flow.task_runs where task = 'after'") == "pending");
    auto status = run_flowc(dir.string(), {"status", "1", "--state-dsn", dsn});
    INFO(status.output);
    CHECK(contains(status.output, "  after  not_run "));
  }
}

TEST_CASE("run: under `timeout`, whose SIGTERM reaches flowc twice at once, the run stops and is recorded") {
  std::string dsn = fresh_database("run_under_timeout");
  fs::path dir = write_project("under_timeout", {});
  std::ofstream(dir / "slow.flow") << one_command_workflow(
      "slow", "long", "echo $$ > '" + dir.string() + "/long.pid'; sleep 30");
  // GNU timeout signals its child, then its own process group, flowc in it:
  // one stop, not the operator's second Ctrl-C that exits at once.
  flowc::runtime::ProcessOptions options;
  options.argv = {"timeout", "3", FLOWC_BINARY, "run", ".", "--ds", "2026-11-24", "--dsn", dsn};
  options.env = child_env();
  options.cwd = dir.string();
  options.timeout = std::chrono::seconds(60);
  flowc::runtime::ProcessResult run = flowc::runtime::run_process(options);
  INFO(run.output);
  CHECK(run.exit_code == 124);  // timeout's own: the command was stopped by it
  CHECK_FALSE(contains(run.output, "interrupted again"));
  CHECK(query_one(dsn, "select status from flow.runs") == "failed");
  CHECK(query_one(dsn, "select state || ': ' || message from flow.task_runs where task = 'long'")
            .starts_with("failed: the run was stopped"));

  // The same twice, 20 ms apart: the first signal's handler has run, and it
  // is still one stop.
  std::filesystem::remove(dir / "long.pid");
  Background again = start_flowc(dir.string(), {"run", ".", "--ds", "2026-11-25", "--dsn", dsn});
  INFO(again.output());
  REQUIRE(wait_for_file(dir / "long.pid", 30));
  ::kill(again.pid, SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(again.pid, SIGTERM);
  CHECK(again.wait() == 1);
  CHECK_FALSE(contains(again.output(), "interrupted again"));
  CHECK(query_one(dsn, "select status from flow.runs where ds = '2026-11-25'") == "failed");
}

TEST_CASE("run: an unreachable database is one clear line and exit 2, without the password") {
  std::string project = write_project("unreachable", slow_project(0));
  // Reachable nowhere, and DSNs libpq cannot parse (it quotes those whole).
  for (std::string dsn : {"host=/nonexistent-flowc port=1 password=pw-marker-55", "postgresql://u:pw-marker-55@[::1",
                          "postgresql://u:pw-marker%zz-55@127.0.0.1:1/x"}) {
    auto r = run_flowc(project, {"run", ".", "--dsn", dsn});
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "flowc: "));
    CHECK_FALSE(contains(r.output, "pw-marker"));
  }
}

TEST_CASE("run: every connection killed mid-write, as by a database restart, is retried and the run succeeds") {
  std::string dsn = fresh_database("run_restart");
  std::string project =
      write_project("restart", slow_project(3, "  retry      = retry(3, backoff = fixed(1s))\n"));
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "1", 30));
  // What a restart does to the run's sessions: every one of them is cut
  // (target, state, executors, heartbeat), the write's among them.
  query_one(dsn,
            "select count(pg_terminate_backend(pid)) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()");
  int code = run.wait();
  INFO(run.output());
  CHECK(code == 0);
  CHECK(query_one(dsn, "select attempts from flow.task_runs where task = 'numbers'") == "2");
  CHECK(query_one(dsn, "select count(*) from out.numbers") == "500");
}

namespace {

/// One production workflow with one replace task running `sql`, retrying
/// twice after 1s.
std::vector<std::pair<std::string, std::string>> one_task_project(const std::string& sql) {
  return {{"w.flow", R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  retry      = retry(2, backoff = fixed(1s))

  param ds: date = logical_date

  task t {
    writes  = "out.t"
    mode    = replace
    sql     = ")FLOW" + sql + R"FLOW("
    publish = true
    expect row_count() == 1
  }
}
)FLOW"}};
}

}  // namespace

TEST_CASE("run: SQLSTATE 40001 on the first call is retried and succeeds, 42P01 fails at once without a retry") {
  std::string dsn = fresh_database("run_sqlstate");
  query_one(dsn, R"SQL(create function flaky() returns int language plpgsql as $$
    begin
      if nextval('flaky_calls') = 1 then
        raise exception 'could not serialize access' using errcode = '40001';
      end if;
      return 42;
    end $$)SQL");
  query_one(dsn, "create sequence flaky_calls");
  std::string flaky = write_project("flaky", one_task_project("select flaky() as answer"));
  auto retried = run_flowc(flaky, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(retried.output);
  CHECK(retried.exit_code == 0);
  CHECK(query_one(dsn, "select attempts from flow.task_runs where task = 't'") == "2");
  CHECK(query_one(dsn, "select sqlstate || ' ' || error_class from flow.attempts where attempt = 1") ==
        "40001 transient");
  CHECK(query_one(dsn, "select answer from out.t") == "42");

  std::string other = fresh_database("run_sqlstate_missing");
  std::string missing = write_project("missing", one_task_project("select * from no_such_table"));
  auto failed = run_flowc(missing, {"run", ".", "--ds", "2026-11-24", "--dsn", other});
  INFO(failed.output);
  CHECK(failed.exit_code == 1);
  CHECK(query_one(other, "select attempts from flow.task_runs where task = 't'") == "1");
  CHECK(query_one(other, "select sqlstate || ' ' || error_class from flow.attempts") == "42P01 permanent");
  CHECK(contains(failed.output, "no_such_table"));
}

TEST_CASE("run: a target role without permissions fails the task clearly and writes nothing") {
  std::string dsn = fresh_database("run_permissions");
  query_one(dsn, "drop role if exists flowc_limited");
  query_one(dsn, "create role flowc_limited login");
  std::string limited = dsn;
  limited.replace(limited.find("user="), limited.find(' ', limited.find("user=")) - limited.find("user="),
                  "user=flowc_limited");
  std::string project = write_project("permissions", one_task_project("select 1 as one"));
  auto r = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", limited, "--state-dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.output, "permission denied"));
  CHECK(query_one(dsn, "select to_regclass('out.t') is null") == "t");
  CHECK(query_one(dsn, "select sqlstate || ' ' || error_class from flow.attempts") == "42501 permanent");
}

TEST_CASE(
    "history and ops: a --workflow not in the project is one clear line and exit 2, unless it has runs") {
  std::string dsn = fresh_database("run_unknown_workflow");
  std::string project = write_project("unknown_workflow", slow_project(0));
  for (const char* command : {"history", "ops"}) {
    CAPTURE(command);
    auto r = run_flowc(project, {command, ".", "--workflow", "slwo", "--state-dsn", dsn});
    CHECK(r.exit_code == 2);
    CHECK(r.output == "flowc: no workflow `slwo` in the project; did you mean `slow`?\n");
  }

  // A workflow renamed since its runs: they are still found by its old name.
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 0);
  std::string flow = file_text(project + "/slow.flow");
  flow.replace(flow.find("workflow slow {"), 15, "workflow slower {");
  std::ofstream(project + "/slow.flow") << flow;
  for (const char* command : {"history", "ops"}) {
    CAPTURE(command);
    auto r = run_flowc(project, {command, ".", "--workflow", "slow", "--state-dsn", dsn, "--format", "json"});
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.output, "\"slow\""));
  }
  // Its runs older than the window: still not a typo.
  query_one(dsn,
            "update flow.runs set created_at = now() - interval '2 hours', started_at = now() - interval "
            "'2 hours', finished_at = now() - interval '2 hours'");
  for (const char* command : {"history", "ops"}) {
    CAPTURE(command);
    auto r = run_flowc(project, {command, ".", "--workflow", "slow", "--since", "1h", "--state-dsn", dsn});
    INFO(r.output);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("run: a task that fails while the state database is stopped is alerted, and so is the run's stop") {
  std::string target = fresh_database("state_away_target");
  // The state database on a server of its own, stopped mid-run.
  const std::string state_dir = scratch_dir("state_away") + "/pg";
  std::string error;
  std::optional<flowc::runtime::localpg::Cluster> state_cluster =
      flowc::runtime::localpg::ensure_running(state_dir, error);
  REQUIRE_MESSAGE(state_cluster, error);
  const std::string state = state_cluster->dsn("postgres");
  const std::string jsonl = scratch_dir("state_away_alerts") + "/alerts.jsonl";
  std::string project = write_project("state_away", {{"s.flow", R"FLOW(target warehouse {
  dsn = env("STATE_AWAY_DSN")
}

route oncall {
  owner  = "data-eng"
  notify = [jsonl(")FLOW" + jsonl + R"FLOW("), stderr()]
}

workflow away {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  param ds: date = logical_date

  task long {
    run = command(["sh", "-c", "sleep 6; exit 3"])
  }

  task after {
    after = [long]
    run   = command(["true"])
  }
}
)FLOW"}});
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--state-dsn", state},
                               {"STATE_AWAY_DSN=" + target});
  REQUIRE(wait_for(state, "select count(*) from flow.attempts where task = 'long'", "1", 30));
  REQUIRE_MESSAGE(flowc::runtime::localpg::stop(state_dir, error), error);
  // The executor gives up on the state database after 60 s.
  const int exit_code = run.wait();
  const std::string output = run.output();
  INFO(output);
  CHECK(exit_code == 2);
  CHECK(output.find("alerts are sent to their channels but not recorded or deduplicated: state database") != std::string::npos);
  std::ifstream in(jsonl);
  std::vector<nlohmann::json> alerts;
  for (std::string line; std::getline(in, line);) alerts.push_back(nlohmann::json::parse(line));
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0]["kind"] == "failure");
  CHECK(alerts[0]["task"] == "long");
  CHECK(alerts[0]["exit_code"] == 3);
  CHECK(alerts[0]["impact"]["tasks"] == nlohmann::json::array({"after"}));
  CHECK(alerts[1]["kind"] == "failure");
  CHECK(alerts[1]["task"].is_null());
  CHECK(alerts[1]["message"].get<std::string>().starts_with("run 1 stopped: "));
  CHECK(output.find(alerts[1]["message"].get<std::string>()) != std::string::npos);
}

namespace {

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("run: run 1 of another state database writes its logs in a directory of its own") {
  std::string project =
      write_project("two_states", {{"w.flow", one_command_workflow("w", "t", "echo from-$FLOW_RUN_ID")}});
  std::string first_state = fresh_database("run_logs_first"),
              second_state = fresh_database("run_logs_second");
  auto first = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", first_state});
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  auto second = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", second_state});
  INFO(second.output);
  REQUIRE(second.exit_code == 0);
  const std::string logs = (fs::canonical(project) / ".flow" / "logs").string();
  CHECK(query_one(first_state, "select run_id || ' ' || log_path from flow.attempts") ==
        "1 " + logs + "/1/t.1.log");
  CHECK(query_one(second_state, "select run_id || ' ' || log_path from flow.attempts") ==
        "1 " + logs + "/1-2/t.1.log");
  // Each file holds one attempt: its header once, its output once.
  for (const std::string& log : {logs + "/1/t.1.log", logs + "/1-2/t.1.log"}) {
    CAPTURE(log);
    std::string text = file_text(log);
    CHECK(count_of(text, "attempt 1 of command task `t`") == 1);
    CHECK(count_of(text, "| from-1") == 1);
  }
  // The first state database's run again (a retry of it): its own directory still.
  auto retried = run_flowc(project, {"retry", "1", ".", "--task", "t", "--dsn", first_state});
  INFO(retried.output);
  CHECK(retried.exit_code == 0);
  CHECK(query_one(first_state, "select log_path from flow.attempts where attempt = 2") ==
        logs + "/1/t.2.log");
}

TEST_CASE("run: an attempt that cannot connect to the target writes the error in the log its record names") {
  std::string state = fresh_database("run_no_target");
  std::string project = write_project("no_target", one_task_project("select 1 as one"));
  std::string target = state;
  target.replace(target.find("user="), target.find(' ', target.find("user=")) - target.find("user="),
                 "user=flowc_no_such_role");
  auto r = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", target, "--state-dsn", state});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(query_one(state, "select count(*) from flow.attempts") == "3");  // transient: retried twice
  for (int attempt = 1; attempt <= 3; ++attempt) {
    CAPTURE(attempt);
    std::string path =
        query_one(state, "select log_path from flow.attempts where attempt = " + std::to_string(attempt));
    REQUIRE(fs::exists(path));
    std::string log = file_text(path);
    CHECK(contains(log, "error: cannot connect to the target database: "));
    CHECK(contains(log, "flowc_no_such_role"));
    CHECK(contains(log, "outcome: failed (transient)"));
  }
  CHECK(query_one(state, "select sqlstate || ' ' || error_class from flow.attempts where attempt = 1") ==
        "08006 transient");
}

TEST_CASE(
    "run, backfill, retry and worker refuse a project whose attempt logs cannot be written, naming why") {
  std::string dsn = fresh_database("run_logs_unwritable");
  std::string project =
      write_project("logs_unwritable", {{"w.flow", one_command_workflow("w", "t", "true")},
                                        {".flow/logs", "a file where the directory should be\n"}});
  const std::string logs = (fs::canonical(project) / ".flow" / "logs").string();
  const std::string expected = "flowc: the attempt log directory " + logs + " cannot be created: ";
  for (std::vector<std::string> args :
       {std::vector<std::string>{"run", ".", "--ds", "2026-11-24", "--dsn", dsn},
        {"backfill", ".", "--workflow", "w", "--from", "2026-11-20", "--to", "2026-11-22", "--dsn", dsn},
        {"worker", ".", "--dsn", dsn}}) {
    CAPTURE(args[0]);
    auto r = run_flowc(project, args);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, expected));
    CHECK(count_of(r.output, "\n") == 1);
  }
  CHECK(query_one(dsn, "select count(*) from pg_tables where schemaname = 'flow' and tablename = 'runs'") ==
        "0");

  // A run that failed while the logs could be written, retried once they cannot.
  fs::remove(logs);
  auto ran = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(ran.exit_code == 0);
  fs::remove_all(logs);
  std::ofstream(logs) << "in the way again\n";
  auto retried = run_flowc(project, {"retry", "1", ".", "--task", "t", "--dsn", dsn});
  CHECK(retried.exit_code == 2);
  CHECK(contains(retried.output, expected));
  CHECK(query_one(dsn, "select count(*) from flow.attempts") == "1");
}

TEST_CASE("run and retry refuse a project whose path is not UTF-8 before creating or touching a run") {
  std::string dsn = fresh_database("run_not_utf8");
  fs::path parent = scratch_dir("not_utf8");
  fs::path project = parent / "utf8dir";
  fs::create_directories(project);
  std::ofstream(project / "w.flow") << one_command_workflow("w", "t", "true");
  auto ran = run_flowc(project.string(), {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(ran.exit_code == 0);

  fs::path renamed = parent / (std::string("nonutf\xff") + "dir");
  fs::rename(project, renamed);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"run", ".", "--ds", "2026-11-25", "--dsn", dsn},
        {"retry", "1", ".", "--task", "t", "--dsn", dsn}}) {
    CAPTURE(args[0]);
    auto r = run_flowc(renamed.string(), args);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output,
                   "/nonutf\\xffdir/.flow/logs is not a UTF-8 path: the state database (PostgreSQL) "
                   "cannot store the paths of the logs; rename the directory\n"));
    CHECK_FALSE(contains(r.output, "\xff"));
  }
  CHECK(query_one(dsn, "select count(*) || ' ' || max(status) from flow.runs") == "1 succeeded");
  CHECK(query_one(dsn, "select count(*) from flow.attempts") == "1");
}

TEST_CASE("what a task's command writes never drives the terminal: summary, progress, alert block, status") {
  std::string dsn = fresh_database("control_characters");
  // ESC ] 0 ; title BEL: sets the terminal's title; ESC [ 2 J clears it.
  std::string project = write_project("control_characters", {{"c.flow", R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow c {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  task loud {
    run = command(["sh", "-c", "printf 'bad \\033]0;pwned\\007\\033[2J\\n' >&2; exit 1"])
  }
}
)FLOW"}});
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  auto status = run_flowc(project, {"status", "1", ".", "--state-dsn", dsn});
  INFO(status.output);
  CHECK(status.exit_code == 0);
  for (const std::string& output : {run.output, status.output}) {
    CHECK(output.find('\x1b') == std::string::npos);
    CHECK(output.find('\a') == std::string::npos);
    CHECK(contains(output, "bad ␛]0;pwned␇␛[2J"));
  }
}
