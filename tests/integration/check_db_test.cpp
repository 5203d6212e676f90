// `flowc check --db` against a real PostgreSQL: each tests/golden/check-db
// case is a project (split by `# --- path` lines) plus the `# SETUP:` SQL
// that makes its database, and its expected diagnostics as `# CHECK:` lines
// (the exact human rendering); `# ROLE: name` checks as that role (the
// setup, as the superuser, creates it). FLOWC_AUTOUPDATE=1 rewrites the
// expectations.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "runtime/process/process.h"
#include "tests/support/loopback_listener.h"
#include "tests/support/pg_harness.h"

namespace fs = std::filesystem;

namespace {

struct DbCase {
  std::vector<std::string> setup;                        // SQL statements
  std::string role;                                      // the role checking, when not the superuser
  std::vector<std::pair<std::string, std::string>> files;  // path, text
  std::vector<std::string> expected;                     // CHECK lines
  std::string without_checks;                            // the file minus its CHECK lines
};

DbCase read_case(const fs::path& path) {
  std::ifstream in(path);
  DbCase c;
  std::string* current = nullptr;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# CHECK:")) {
      std::string rest = line.substr(8);
      if (rest.starts_with(" ")) rest.erase(0, 1);
      c.expected.push_back(rest);
      continue;
    }
    c.without_checks += line + "\n";
    if (line.starts_with("# SETUP: ")) {
      c.setup.push_back(line.substr(9));
    } else if (line.starts_with("# ROLE: ")) {
      c.role = line.substr(8);
    } else if (line.starts_with("# --- ")) {
      c.files.emplace_back(line.substr(6), "");
      current = &c.files.back().second;
    } else if (current != nullptr) {
      *current += line + "\n";
    }
  }
  while (c.without_checks.ends_with("\n\n")) c.without_checks.pop_back();
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

/// Runs `flowc check --db` on the case's project; returns its stderr lines.
std::vector<std::string> run_case(const DbCase& c, const std::string& name, int& exit_code) {
  std::string dsn = flowc::testing::fresh_database("check_db");
  {
    pqxx::connection connection(dsn);
    pqxx::work tx(connection);
    for (const std::string& statement : c.setup) tx.exec0(statement);
    tx.commit();
  }
  fs::path dir = flowc::testing::scratch_dir(name);
  for (const auto& [path, text] : c.files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path) << text;
  }
  flowc::runtime::ProcessOptions options;
  // A later keyword of a connection string wins over an earlier one.
  options.argv = {FLOWC_BINARY, "check", "--db", c.role.empty() ? dsn : dsn + " user=" + c.role, "."};
  options.env = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
  options.cwd = dir.string();
  flowc::runtime::ProcessResult result = flowc::runtime::run_process(options);
  exit_code = result.exit_code;
  return lines_of(result.output);
}

/// raw.orders in the database of `connection`, and a project in a new
/// directory whose task `a.total` reads it.
fs::path project_on_orders(pqxx::connection& connection, const std::string& name) {
  pqxx::work tx(connection);
  tx.exec0("create schema raw");
  tx.exec0("create table raw.orders (ds date, amount numeric)");
  tx.commit();
  fs::path dir = fs::path(flowc::testing::scratch_dir(name));
  std::ofstream(dir / "a.flow")
      << "workflow a {\n  owner = \"x\"\n  source orders {\n    table = \"raw.orders\"\n"
         "  }\n  task total {\n    writes = \"total\"\n    mode   = replace\n"
         "    sql    = \"select sum(amount) as amount from ${orders}\"\n  }\n}\n";
  return dir;
}

}  // namespace

TEST_CASE("check --db: every golden case renders exactly its expected diagnostics") {
  fs::path dir = fs::path(FLOWC_SOURCE_DIR) / "tests" / "golden" / "check-db";
  bool autoupdate = std::getenv("FLOWC_AUTOUPDATE") != nullptr;
  size_t cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().stem().string();
    CAPTURE(name);
    DbCase c = read_case(entry.path());
    int exit_code = -1;
    std::vector<std::string> actual = run_case(c, name, exit_code);
    ++cases;
    if (autoupdate) {
      std::ofstream out(entry.path());
      out << c.without_checks;
      if (!actual.empty()) out << "\n";
      for (const std::string& line : actual) out << "# CHECK: " << line << "\n";
      continue;
    }
    CHECK(actual == c.expected);
    if (name.starts_with("fail_")) {
      CHECK(exit_code == 1);
    } else {
      CHECK(exit_code == 0);
      CHECK(actual.empty());
    }
  }
  CHECK(cases >= 3);
}

TEST_CASE("check --db: an unreachable database is an environment error (exit 2) that never shows a password") {
  fs::path dir = fs::path(flowc::testing::scratch_dir("unreachable"));
  std::ofstream(dir / "a.flow") << "workflow a {\n  owner = \"x\"\n}\n";
  // Reachable nowhere, and DSNs libpq cannot parse (it quotes those whole).
  for (std::string dsn : {"host=/nonexistent-flowc port=1 password=s3cr3t-pw", "postgresql://u:s3cr3t-pw@[::1",
                          "postgresql://u:s3cr3t%zz-pw@127.0.0.1:1/x", "postgresql://u@h/x?password=s3cr3t%zz-pw"}) {
    flowc::runtime::ProcessOptions options;
    options.argv = {FLOWC_BINARY, "check", "--db", dsn, "."};
    options.env = {"PATH=/usr/bin:/bin"};
    options.cwd = dir.string();
    flowc::runtime::ProcessResult result = flowc::runtime::run_process(options);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("flowc: --db: cannot reach the database") != std::string::npos);
    CHECK(result.output.find("s3cr3t") == std::string::npos);
  }
}

TEST_CASE("check --db: a database that accepts the connection and never answers is given up after the connect timeout") {
  // The connection is made; the server's answer never comes.
  flowc::testing::LoopbackListener silent;
  fs::path dir = fs::path(flowc::testing::scratch_dir("silent"));
  std::ofstream(dir / "a.flow") << "workflow a {\n  owner = \"x\"\n}\n";
  flowc::runtime::ProcessOptions options;
  options.argv = {FLOWC_BINARY, "check", "--db",
                  "host=127.0.0.1 port=" + std::to_string(silent.port()) + " dbname=x password=s3cr3t-pw", "."};
  options.env = {"PATH=/usr/bin:/bin"};  // no PGCONNECT_TIMEOUT: flowc's default applies
  options.cwd = dir.string();
  options.timeout = std::chrono::seconds(60);  // libpq's own default would wait forever
  flowc::runtime::ProcessResult result = flowc::runtime::run_process(options);
  INFO(result.output);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("flowc: --db: cannot reach the database") != std::string::npos);
  CHECK(result.output.find("timeout expired") != std::string::npos);
  CHECK(result.output.find("s3cr3t-pw") == std::string::npos);
}

TEST_CASE("check --db: a table another session keeps locked is given up after the lock_timeout, exit 2, in one line") {
  std::string dsn = flowc::testing::fresh_database("check_db_lock");
  pqxx::connection holder(dsn);
  fs::path dir = project_on_orders(holder, "locked");
  pqxx::work lock(holder);
  lock.exec0("lock table raw.orders in access exclusive mode");
  flowc::runtime::ProcessOptions options;
  options.argv = {FLOWC_BINARY, "check", "--db", dsn, "."};
  // A short limit of the session's own, which flowc keeps (its default is 30 s).
  options.env = {"PATH=/usr/bin:/bin", "NO_COLOR=1", "PGOPTIONS=-c lock_timeout=300"};
  options.cwd = dir.string();
  options.timeout = std::chrono::seconds(60);
  flowc::runtime::ProcessResult result = flowc::runtime::run_process(options);
  INFO(result.output);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == 2);
  CHECK(lines_of(result.output) ==
        std::vector<std::string>{"flowc: --db: gave up on the select of `a.total`: waited 300ms (lock_timeout) for a "
                                 "lock that another session holds on a table it uses"});
}

TEST_CASE("check --db: a connection lost during the check is an environment error (exit 2), in one line") {
  std::string dsn = flowc::testing::fresh_database("check_db_lost");
  pqxx::connection holder(dsn);
  fs::path dir = project_on_orders(holder, "lost");
  pqxx::work lock(holder);
  lock.exec0("lock table raw.orders in access exclusive mode");
  // Ends the check's session once it waits for the lock, as a restarting
  // server or an administrator's pg_terminate_backend would.
  std::thread terminator([&] {
    pqxx::connection watcher(dsn);
    for (int i = 0; i < 600; ++i) {
      pqxx::nontransaction tx(watcher);
      if (tx.exec1("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                   "where wait_event_type = 'Lock' and pid <> pg_backend_pid()")[0]
              .as<int>() > 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  flowc::runtime::ProcessOptions options;
  options.argv = {FLOWC_BINARY, "check", "--db", dsn, "."};
  options.env = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
  options.cwd = dir.string();
  options.timeout = std::chrono::seconds(60);
  flowc::runtime::ProcessResult result = flowc::runtime::run_process(options);
  terminator.join();
  INFO(result.output);
  CHECK(result.exit_code == 2);
  std::vector<std::string> lines = lines_of(result.output);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("flowc: --db: lost the connection to the database while checking `a.total`: "));
}

TEST_CASE("check --db: a message that echoes a secret of the project (a webhook URL) shows it as ***") {
  std::string dsn = flowc::testing::fresh_database("check_db_secret");
  fs::path dir = fs::path(flowc::testing::scratch_dir("secret"));
  std::ofstream(dir / "a.flow")
      << "route oncall {\n  owner  = \"o\"\n  notify = [webhook(env(\"FLOWC_TEST_HOOK\"))]\n}\n"
         "workflow a {\n  owner = \"x\"\n  on_failure = alert(oncall)\n  task t {\n"
         "    writes  = \"t\"\n    publish = true\n    sql     = \"select 'S3cr3tHookXYZ'::int as x\"\n  "
         "}\n}\n";
  flowc::runtime::ProcessOptions options;
  options.argv = {FLOWC_BINARY, "check", "--db", dsn, "."};
  options.env = {"PATH=/usr/bin:/bin", "NO_COLOR=1", "FLOWC_TEST_HOOK=S3cr3tHookXYZ"};
  options.cwd = dir.string();
  options.timeout = std::chrono::seconds(60);
  flowc::runtime::ProcessResult result = flowc::runtime::run_process(options);
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(lines_of(result.output).at(0) ==
        "error[E0501]: the database rejects the select of `a.t`: invalid input syntax for type integer: "
        "\"***\"");
}
