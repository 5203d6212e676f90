// After flowc itself dies (`kill -9`), what its commands left running: the
// next attempt (`flowc retry`) or the next run of the same day ends it before
// it starts, and never what belongs to another project. The built binary, a
// real PostgreSQL started by the harness, real subprocesses.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/integration/run_support.h"
#include "tests/support/file_text.h"

namespace fs = std::filesystem;
using namespace flowc::testing;

namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

/// Runs the project in `dir` for 2026-11-24 and kills flowc with -9 once
/// its command runs (a script that writes command.pid and, from a child of
/// its own, child.pid): the pids of the command and the child, both still
/// running after the crash.
std::pair<pid_t, pid_t> crash_leaving_command(const fs::path& dir, const std::string& dsn) {
  Background run = start_flowc(dir.string(), {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output());
  const pid_t child = wait_for_pid(dir / "child.pid", 30);
  REQUIRE(child > 0);
  ::kill(run.pid, SIGKILL);
  CHECK(run.wait() == 128 + SIGKILL);
  const pid_t command = wait_for_pid(dir / "command.pid", 1);
  REQUIRE(command > 0);
  REQUIRE(process_running(command));  // left behind by the crash
  REQUIRE(process_running(child));
  return {command, child};
}

}  // namespace

TEST_CASE("run: after kill -9, the retry ends what the lost attempt left running before it starts") {
  std::string dsn = fresh_database("run_orphan_command");
  fs::path dir = write_project("orphan_command", {});
  // The command's group: the shell and a child loop, which outlive a flowc
  // killed with -9. On the retry (`again` exists) it succeeds at once.
  std::string script = "cd '" + dir.string() +
                       "'; test -e again && exit 0; echo $$ > command.pid; "
                       "sh -c 'echo $$ > child.pid; while :; do sleep 0.1; done' & wait";
  std::ofstream(dir / "orphan.flow") << one_command_workflow("orphan", "long_load", script,
                                                             "    idempotent = true\n");
  std::string project = dir.string();
  const auto [command, child] = crash_leaving_command(dir, dsn);

  std::string run_id = query_one(dsn, "select max(id) from flow.runs");
  std::ofstream(dir / "again") << "";
  auto retry = run_flowc(project, {"retry", run_id, ".", "--dsn", dsn});
  INFO(retry.output);
  CHECK(retry.exit_code == 0);
  CHECK_FALSE(process_running(command));
  CHECK_FALSE(process_running(child));
  // The killed flowc ran on this machine and is gone: its attempt was taken
  // up at once, not after its lease ran out.
  CHECK(query_one(dsn, "select message from flow.attempts where task = 'long_load' and attempt = 1") ==
        "the process " +
            query_one(dsn, "select worker from flow.attempts where task = 'long_load' and attempt = 1") +
            " ended before the attempt finished");
  std::string log =
      query_one(dsn, "select log_path from flow.attempts where task = 'long_load' and attempt = 2");
  std::string text = file_text(fs::path(log).is_absolute() ? fs::path(log) : dir / log);
  CHECK(contains(text,
                 "killed 1 process group left running by an earlier attempt of this task (its flowc was "
                 "gone)\n"));
}

TEST_CASE(
    "run: after kill -9, a new run of the same day ends what the dead run left running before it starts") {
  std::string dsn = fresh_database("run_orphan_new_run");
  fs::path dir = write_project("orphan_new_run", {});
  // Not idempotent: the new run's command must never run beside the dead
  // run's copy. The second time (`again` exists) it records whether the
  // first copy still runs (a zombie, not reaped where PID 1 does not, has
  // ended), then succeeds.
  std::string script = "cd '" + dir.string() +
                       "'; if test -e again; then grep -qs 'State:.[RSD]' /proc/$(cat command.pid)/status "
                       "&& touch overlapped; exit 0; fi; echo $$ > command.pid; "
                       "sh -c 'echo $$ > child.pid; while :; do sleep 0.1; done' & wait";
  std::ofstream(dir / "orphan.flow") << one_command_workflow("orphan", "export", script);
  std::string project = dir.string();
  const auto [command, child] = crash_leaving_command(dir, dsn);

  std::ofstream(dir / "again") << "";
  auto rerun = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "overlapped"));
  CHECK_FALSE(process_running(command));
  CHECK_FALSE(process_running(child));
  CHECK(query_one(dsn, "select string_agg(status, ' ' order by id) from flow.runs") == "failed succeeded");
}

TEST_CASE(
    "run: a new run ends only its own project's leftovers, not another project's with the same run id") {
  // Two projects, each with its own state database: both runs are run 1 of
  // workflow `orphan` for the same day, and both flowc are killed with -9.
  std::string script_tail =
      "; if test -e again; then exit 0; fi; echo $$ > command.pid; "
      "sh -c 'echo $$ > child.pid; while :; do sleep 0.1; done' & wait";
  std::string other_dsn = fresh_database("run_orphan_other");
  fs::path other = write_project("orphan_other_project", {});
  std::ofstream(other / "orphan.flow")
      << one_command_workflow("orphan", "export", "cd '" + other.string() + "'" + script_tail);
  const auto [other_command, other_child] = crash_leaving_command(other, other_dsn);

  std::string dsn = fresh_database("run_orphan_own");
  fs::path dir = write_project("orphan_own_project", {});
  std::ofstream(dir / "orphan.flow") << one_command_workflow("orphan", "export",
                                                             "cd '" + dir.string() + "'" + script_tail);
  const auto [command, child] = crash_leaving_command(dir, dsn);

  std::ofstream(dir / "again") << "";
  auto rerun = run_flowc(dir.string(), {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  CHECK_FALSE(process_running(command));
  CHECK_FALSE(process_running(child));
  CHECK(process_running(other_command));  // the other project's own next run deals with it
  CHECK(process_running(other_child));
  ::kill(-other_command, SIGKILL);
}
