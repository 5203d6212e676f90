// A state database this flowc cannot trust, as every command that opens it
// meets it: a schema written by a newer flowc, a damaged one (a table
// dropped, the version dropped), a run's stored plan edited by hand. Each is
// one clear line and exit 2, and nothing is written (docs/runtime.md "State
// tables", cli.md "Exit codes").
#include <doctest/doctest.h>

#include "runtime/state/migrate.h"
#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

const std::vector<std::pair<std::string, std::string>> kProject = {{"p.flow", kDailyTrue}};

/// A project whose one run (run 1, ds 2026-11-01) succeeded in a fresh
/// state database (also its target): the project and the database.
std::pair<std::string, std::string> project_with_a_run(std::string_view name) {
  std::string project = write_project(name, kProject);
  std::string dsn = fresh_database(name);
  auto first = run_flowc(project, {"run", "--ds", "2026-11-01", "--dsn", dsn});
  REQUIRE_MESSAGE(first.exit_code == 0, first.output);
  return {project, dsn};
}

void exec(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

/// Every command that opens the state database, as run against `dsn`.
std::vector<std::vector<std::string>> every_state_command(const std::string& dsn) {
  return {
      {"run", "--ds", "2026-11-02", "--dsn", dsn},
      {"retry", "1", "--dsn", dsn},
      {"backfill", "--workflow", "daily", "--from", "2026-11-03", "--to", "2026-11-04", "--dsn", dsn},
      {"schedule", "--once", "--dsn", dsn},
      {"schedule", "--dsn", dsn},  // long-running: a refusal ends it too
      {"worker", "--state-dsn", dsn},
      {"history", "--state-dsn", dsn},
      {"history", "--format", "json", "--state-dsn", dsn},
      {"status", "1", "--state-dsn", dsn},
      {"ops", "--state-dsn", dsn},
      {"impact", "work", "--run", "1", "--state-dsn", dsn},
      {"cutover", "daily", "--state-dsn", dsn},
  };
}

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

/// The one line of output after `flowc: `, whatever the command prefixes
/// to it (`schedule` names the run it did not start).
bool says_one_line(const std::string& output, const std::string& line) {
  return output.starts_with("flowc: ") && output.ends_with(line + "\n") &&
         output.find('\n') == output.size() - 1;
}

}  // namespace

TEST_CASE("a state schema newer than this flowc: every command refuses, exit 2, and writes nothing") {
  auto [project, dsn] = project_with_a_run("newer_schema");
  exec(dsn, "insert into flow.schema_version values (99, 'from a newer flowc', now())");
  const std::string line = "the state database's schema \"flow\" is at version 99; the newest this flowc knows is " +
                           std::to_string(flowc::runtime::state::latest_version()) + ": upgrade flowc";
  for (const std::vector<std::string>& args : every_state_command(dsn)) {
    CAPTURE(joined(args));
    auto r = run_flowc(project, args);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(says_one_line(r.output, line), r.output);
  }
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
  CHECK(query_one(dsn, "select count(*) from flow.attempts") == "1");
  CHECK(query_one(dsn, "select max(version) from flow.schema_version") == "99");
}

TEST_CASE("a state schema without its runs table is damaged: exit 2, not `no runs yet` or 0 clean runs") {
  auto [project, dsn] = project_with_a_run("no_runs_table");
  exec(dsn, "drop table flow.runs cascade");
  const std::string line = "the state database's schema \"flow\" is damaged: it is at version " +
                           std::to_string(flowc::runtime::state::latest_version()) + " but has no flow.runs";
  for (const std::vector<std::string>& args : every_state_command(dsn)) {
    CAPTURE(joined(args));
    auto r = run_flowc(project, args);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(says_one_line(r.output, line), r.output);
  }
  CHECK(query_one(dsn, "select to_regclass('flow.runs')") == "");
}

TEST_CASE("a state schema without its version is damaged: exit 2, nothing migrated over it") {
  auto [project, dsn] = project_with_a_run("no_schema_version");
  exec(dsn, "drop table flow.schema_version");
  const std::string line =
      "the state database's schema \"flow\" is damaged: it has flowc's tables but no version "
      "(flow.schema_version is missing)";
  for (const std::vector<std::string>& args : every_state_command(dsn)) {
    CAPTURE(joined(args));
    auto r = run_flowc(project, args);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(says_one_line(r.output, line), r.output);
  }
  CHECK(query_one(dsn, "select to_regclass('flow.schema_version')") == "");
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
}

TEST_CASE("a state database nothing ran in is still `no runs yet`") {
  std::string project = write_project("never_ran", kProject);
  std::string dsn = fresh_database("never_ran");
  auto history = run_flowc(project, {"history", "--state-dsn", dsn});
  CHECK(history.exit_code == 0);
  CHECK(history.output == "no runs yet\n");
  // A first migration that died after creating schema_version: nothing ran either.
  exec(dsn, "create schema flow; create table flow.schema_version (version integer primary key, "
            "description text not null, applied_at timestamptz not null default now())");
  history = run_flowc(project, {"history", "--state-dsn", dsn});
  CHECK(history.exit_code == 0);
  CHECK(history.output == "no runs yet\n");
  auto run = run_flowc(project, {"run", "--ds", "2026-11-01", "--dsn", dsn});
  CHECK_MESSAGE(run.exit_code == 0, run.output);
}

TEST_CASE("retry of a run whose stored plan is not a plan: which run, and that this flowc cannot retry it") {
  auto [project, dsn] = project_with_a_run("garbage_plan");
  exec(dsn, "update flow.task_runs set state = 'failed' where run_id = 1");
  exec(dsn, "update flow.runs set status = 'failed', plan = '{\"tasks\": 3}' where id = 1");
  auto r = run_flowc(project, {"retry", "1", "--dsn", dsn});
  CHECK(r.exit_code == 2);
  CHECK(r.output ==
        "flowc: run 1: its stored plan (runs.plan) cannot be read (not a flowc plan: no field `project`): this "
        "flowc cannot retry it\n");
  exec(dsn, "update flow.runs set plan = '[1, 2]' where id = 1");
  r = run_flowc(project, {"retry", "1", "--dsn", dsn});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("json.exception") == std::string::npos);
  CHECK(r.output.starts_with("flowc: run 1: its stored plan (runs.plan) cannot be read ("));
  CHECK(r.output.ends_with("): this flowc cannot retry it\n"));
}

TEST_CASE("a state database whose role may not create the schema: one line saying what would do, exit 2") {
  std::string project = write_project("state_no_create", kProject);
  std::string dsn = fresh_database("state_no_create");
  exec(dsn, "drop role if exists flowc_no_create");
  exec(dsn, "create role flowc_no_create login");
  exec(dsn, "revoke create on database " + query_one(dsn, "select current_database()") + " from public");
  std::string limited = dsn;
  limited.replace(limited.find("user="), limited.find(' ', limited.find("user=")) - limited.find("user="),
                  "user=flowc_no_create");
  auto r = run_flowc(project, {"run", "--ds", "2026-11-01", "--dsn", limited});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("migrating the state schema \"flow\": permission denied for database") !=
        std::string::npos);
  CHECK(r.output.find("the state database's role needs CREATE there") != std::string::npos);
  CHECK(r.output.find("ERROR:") == std::string::npos);
  CHECK(r.output.find("\n\n") == std::string::npos);
}
