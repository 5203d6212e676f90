// Running the built `flowc` binary on scratch projects against the test
// cluster: for the end-to-end tests of `flowc run` and the commands around it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/process/process.h"
#include "runtime/state/migrate.h"
#include "tests/support/file_text.h"
#include "tests/support/pg_harness.h"
#include "tests/support/process_state.h"

extern char** environ;

namespace flowc::testing {

/// Writes `files` (path relative to the project, text) into a new scratch
/// directory and returns it.
inline std::string write_project(std::string_view name, const std::vector<std::pair<std::string, std::string>>& files) {
  std::filesystem::path dir = scratch_dir(name);
  for (const auto& [path, text] : files) {
    std::filesystem::create_directories((dir / path).parent_path());
    std::ofstream(dir / path) << text;
  }
  return dir.string();
}

/// A production workflow `name`, its failures routed to `oncall` (owner
/// data-eng, stderr), with a `ds` param: `settings` after its header, then
/// `body` (more params, its tasks). The route comes first in the text.
inline std::string production_workflow(const std::string& name, const std::string& body,
                                       const std::string& settings = "") {
  return "route oncall {\n  owner  = \"data-eng\"\n  notify = [stderr()]\n}\n\nworkflow " + name +
         " {\n  owner      = \"data-eng\"\n  stage      = production\n  on_failure = alert(oncall)\n" +
         settings + "\n  param ds: date = logical_date\n\n" + body + "}\n";
}

/// The environment every flowc child gets: nothing inherited but PATH
/// (runuser lives in /usr/sbin), plus `extra`.
inline std::vector<std::string> child_env(std::vector<std::string> extra = {}) {
  extra.push_back("PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  extra.push_back("NO_COLOR=1");
  return extra;
}

/// Runs `flowc ARGS...` in `cwd` to completion.
inline runtime::ProcessResult run_flowc(const std::string& cwd, std::vector<std::string> args,
                                    std::vector<std::string> env = {}) {
  runtime::ProcessOptions options;
  options.argv = {FLOWC_BINARY};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = child_env(std::move(env));
  options.cwd = cwd;
  options.timeout = std::chrono::seconds(120);
  return runtime::run_process(options);
}

/// `flowc retry RUN` in `project` with and then without --dry-run: what the
/// dry run refuses, the retry must refuse alike (the caller checks both).
inline std::vector<runtime::ProcessResult> retry_both_ways(const std::string& project, const std::string& dsn,
                                                           const std::string& run) {
  std::vector<runtime::ProcessResult> results;
  for (bool dry_run : {true, false}) {
    std::vector<std::string> args = {"retry", run, ".", "--dsn", dsn};
    if (dry_run) args.push_back("--dry-run");
    results.push_back(run_flowc(project, args));
  }
  return results;
}

/// A flowc started in the background; its output goes to `output_path`.
struct Background {
  pid_t pid = -1;
  std::string output_path;

  /// Waits for it to end; returns its exit code (128 + signal when killed).
  int wait() {
    int status = 0;
    if (pid <= 0 || ::waitpid(pid, &status, 0) != pid) return -1;
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  [[nodiscard]] std::string output() const { return file_text(output_path); }
};

inline Background start_flowc(const std::string& cwd, std::vector<std::string> args, std::vector<std::string> env = {}) {
  Background b;
  b.output_path = cwd + "/background-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()) + ".out";
  std::vector<std::string> argv = {FLOWC_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> envs = child_env(std::move(env));
  std::vector<char*> argv_c, env_c;
  for (auto& a : argv) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  for (auto& e : envs) env_c.push_back(e.data());
  env_c.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, b.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  if (::posix_spawn(&b.pid, argv_c[0], &actions, nullptr, argv_c.data(), env_c.data()) != 0) b.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return b;
}

/// One scalar query against `dsn`, as text ("" for NULL or no row).
inline std::string query_one(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

/// Polls `sql` until it returns `expected` or `seconds` pass.
inline bool wait_for(const std::string& dsn, const std::string& sql, const std::string& expected, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    try {
      if (query_one(dsn, sql) == expected) return true;
    } catch (const std::exception&) {
      // the schema may not exist yet
    }
    ::usleep(50 * 1000);
  }
  return false;
}

/// A project whose one workflow, `daily`, is scheduled at midnight UTC, runs
/// `true` in its one task `work` and alerts route `oncall` on stderr.
inline constexpr const char* kDailyTrue = R"FLOW(target warehouse {
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow daily {
  owner      = "data-eng"
  stage      = production
  schedule   = cron("0 0 * * *")
  on_failure = alert(oncall)

  param ds: date = logical_date

  task work {
    run = command(["true"])
  }
}
)FLOW";

/// Polls for `path` to exist until `seconds` pass.
/// A production workflow `workflow` whose one task `task` runs `sh -c
/// script` (the script is written into a string: no `"` in it), with the
/// task's other attribute lines `extra`.
inline std::string one_command_workflow(const std::string& workflow, const std::string& task,
                                        const std::string& script, const std::string& extra = "") {
  return R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow )FLOW" +
         workflow + R"FLOW( {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  param ds: date = logical_date

  task )FLOW" +
         task + R"FLOW( {
    run        = command(["sh", "-c", ")FLOW" +
         script + R"FLOW("])
)FLOW" + extra +
         R"FLOW(  }
}
)FLOW";
}

inline bool wait_for_file(const std::filesystem::path& path, int seconds) {
  for (int i = 0; i < seconds * 50; ++i) {
    if (std::filesystem::exists(path)) return true;
    ::usleep(20 * 1000);
  }
  return false;
}

/// The pid a script writes to `path` (`echo $$ > path`), once the whole line
/// is there: the file exists, empty, between the shell's open and its write.
/// 0 when no pid arrives within `seconds`.
inline pid_t wait_for_pid(const std::filesystem::path& path, int seconds) {
  for (int i = 0; i < seconds * 50; ++i) {
    std::ifstream in(path);
    std::string line;
    if (std::getline(in, line) && !in.eof() && !line.empty()) return static_cast<pid_t>(std::stol(line));
    ::usleep(20 * 1000);
  }
  return 0;
}

/// A fresh state database (schema `flow`, migrated) with the SQL `seed` run
/// in it: a history to report on. Fails the test when it cannot be made.
inline std::string seeded_state_database(std::string_view prefix, const std::string& seed) {
  std::string dsn = fresh_database(prefix);
  pqxx::connection c(dsn);
  runtime::state::MigrateOutcome m = runtime::state::migrate(c, "flow");
  if (!m.ok) throw std::runtime_error("migrating the state database: " + m.error);
  pqxx::nontransaction tx(c);
  tx.exec(seed);
  return dsn;
}

/// A checksum of a whole table's rows, independent of their order.
inline std::string table_checksum(const std::string& dsn, const std::string& table) {
  return query_one(dsn, "select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from " + table + " t");
}

}  // namespace flowc::testing
