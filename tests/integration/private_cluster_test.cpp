// The private cluster (`.flow/pg`) as the commands meet it, with a cluster of
// its own: whatever starts it, and every command that runs tasks on it,
// says so once, in one line with the command that stops it (cli.md "db start
// and db stop"); two processes starting a new one at once share it.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

/// Two workflows owing yesterday's run (midnight UTC) whose one task does nothing.
const std::vector<std::pair<std::string, std::string>> kProject = {{"p.flow", std::string(kDailyTrue) + R"FLOW(
workflow other {
  owner      = "data-eng"
  stage      = production
  schedule   = cron("0 0 * * *")
  on_failure = alert(oncall)

  param ds: date = logical_date

  task work {
    run = command(["true"])
  }
}
)FLOW"}};

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

/// Stops the project's cluster however the test ends.
struct StopsCluster {
  std::string project;
  ~StopsCluster() { run_flowc(project, {"db", "stop"}); }
};

/// `flowc worker` in `project` until it claims, then SIGINT: what it printed.
std::string worker_output(const std::string& project) {
  Background worker = start_flowc(project, {"worker"});
  for (int i = 0; i < 600 && worker.output().find("is claiming tasks") == std::string::npos; ++i)
    ::usleep(50 * 1000);
  ::kill(worker.pid, SIGINT);
  CHECK(worker.wait() == 0);
  return worker.output();
}

/// Polls until `background`'s output holds `text` or `seconds` pass.
bool wait_for_output(const Background& background, const std::string& text, int seconds) {
  for (int i = 0; i < seconds * 20 && background.output().find(text) == std::string::npos; ++i)
    ::usleep(50 * 1000);
  return background.output().find(text) != std::string::npos;
}

/// `background`'s exit code (128 + signal) when it ends within `seconds`;
/// else it is killed and -1 returned.
int ends_within(Background& background, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (::waitpid(background.pid, &status, WNOHANG) == background.pid) {
      background.pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    ::usleep(50 * 1000);
  }
  ::kill(background.pid, SIGKILL);
  background.wait();
  return -1;
}

/// The cluster's lock held as another flowc starting the cluster holds it,
/// for as long as it lives (a second open file: flock excludes it from the
/// flowc this test starts).
struct HeldClusterLock {
  explicit HeldClusterLock(const std::filesystem::path& path) {
    std::filesystem::create_directories(path.parent_path());
    fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    held = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  }
  ~HeldClusterLock() {
    if (fd >= 0) ::close(fd);
  }
  HeldClusterLock(const HeldClusterLock&) = delete;
  HeldClusterLock& operator=(const HeldClusterLock&) = delete;
  int fd = -1;
  bool held = false;
};

}  // namespace

TEST_CASE("private cluster: one line with its stop command, from every command that starts or uses it") {
  std::string project = write_project("private_cluster", kProject);
  StopsCluster stops{project};
  const std::string where =
      " private PostgreSQL cluster in " + project + "/.flow/pg (stop it with `flowc db stop`)\n";

  auto created = run_flowc(project, {"db", "start"});
  REQUIRE(created.exit_code == 0);
  CHECK(starts_with(created.output, "flowc: created and started a" + where));
  CHECK(count(created.output, "PostgreSQL") == 1);

  // Running: every command that uses it says so, once (cli.md: flowc
  // "starts (or reuses)" it "and says so on stderr").
  auto schedule = run_flowc(project, {"schedule", "--once"});
  CHECK(schedule.exit_code == 0);
  CHECK(starts_with(schedule.output, "flowc: using the" + where));
  CHECK(count(schedule.output, "PostgreSQL") == 1);
  auto run = run_flowc(project, {"run", "--workflow", "daily"});
  CHECK(run.exit_code == 0);
  CHECK(starts_with(run.output, "flowc: using the" + where));
  CHECK(count(run.output, "PostgreSQL") == 1);
  std::string worker = worker_output(project);
  CHECK(starts_with(worker, "flowc: using the" + where));
  CHECK(count(worker, "PostgreSQL") == 1);
  auto history = run_flowc(project, {"history"});
  CHECK(history.exit_code == 0);
  CHECK(starts_with(history.output, "flowc: using the" + where));
  CHECK(count(history.output, "PostgreSQL") == 1);

  // Stopped: whatever starts it says so, with the command that stops it.
  auto stopped = run_flowc(project, {"db", "stop"});
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.output == "flowc: stopped the private PostgreSQL cluster in ./.flow/pg\n");
  auto again = run_flowc(project, {"db", "stop"});
  CHECK(again.exit_code == 0);
  CHECK(again.output ==
        "flowc: the private PostgreSQL cluster in ./.flow/pg is not running: nothing to stop\n");
  history = run_flowc(project, {"history"});
  CHECK(history.exit_code == 0);
  CHECK(starts_with(history.output, "flowc: started the" + where));
  CHECK(count(history.output, "PostgreSQL") == 1);
  REQUIRE(run_flowc(project, {"db", "stop"}).exit_code == 0);
  worker = worker_output(project);
  CHECK(starts_with(worker, "flowc: started the" + where));
  CHECK(count(worker, "PostgreSQL") == 1);
}

TEST_CASE("private cluster: two processes starting it for the first time at once both use the one cluster") {
  namespace fs = std::filesystem;
  std::string project = write_project("private_cluster_race", kProject);
  StopsCluster stops{project};
  // Started together, both find no cluster: without turns, both would run
  // initdb in the same directory (or both `pg_ctl start`), and one would fail.
  Background a = start_flowc(project, {"db", "start"});
  Background b = start_flowc(project, {"db", "start"});
  CHECK(a.wait() == 0);
  CHECK(b.wait() == 0);
  const std::string both = a.output() + b.output();
  INFO(both);
  const std::string where =
      " private PostgreSQL cluster in " + project + "/.flow/pg (stop it with `flowc db stop`)\n";
  // One made it; the other waited its turn and found it running.
  CHECK(count(both, "flowc: created and started a" + where) == 1);
  CHECK(count(both, "flowc: using the" + where) == 1);
  CHECK(count(both, "PostgreSQL") == 2);
  // Both print the DSN of the one cluster, which answers.
  auto dsn_of = [](const std::string& output) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);)
      if (starts_with(line, "host=")) return line;
    return std::string();
  };
  const std::string dsn = dsn_of(a.output());
  REQUIRE(!dsn.empty());
  CHECK(dsn_of(b.output()) == dsn);
  CHECK(query_one(dsn, "select 40 + 2") == "42");
  CHECK(fs::exists(fs::path(project) / ".flow" / "pg.lock"));
}

TEST_CASE("private cluster: a project path with a blank, a quote, a backslash and non-ASCII letters") {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(write_project("private_cluster_odd", {})) / "sp ace q'uote back\\slash é";
  fs::create_directories(parent / "p");
  for (const auto& [path, text] : kProject) std::ofstream(parent / "p" / path) << text;
  const std::string project = (parent / "p").string();
  StopsCluster stops{project};

  // From above the project: its path is an argument, and the stop command quotes it.
  auto started = run_flowc(parent.parent_path().string(), {"run", parent.filename().string() + "/p", "--workflow",
                                                           "daily", "--ds", "2026-11-01"});
  CHECK_MESSAGE(started.exit_code == 0, started.output);
  CHECK(starts_with(started.output, "flowc: created and started a private PostgreSQL cluster in " + project +
                                        "/.flow/pg (stop it with `flowc db stop 'sp ace q'\\''uote back\\slash "
                                        "é/p'`)\n"));

  // `db start` prints a DSN that libpq reads as the one cluster.
  auto dsn = run_flowc(project, {"db", "start"});
  REQUIRE(dsn.exit_code == 0);
  const std::string printed = dsn.output.substr(dsn.output.find('\n') + 1);
  const std::string user = ::geteuid() == 0 ? "postgres" : ::getpwuid(::geteuid())->pw_name;
  // Quoted as libpq reads it: `\'` and `\\` inside single quotes.
  const std::string host = parent.parent_path().string() + "/sp ace q\\'uote back\\\\slash é/p/.flow/pg";
  CHECK(printed == "host='" + host + "' port=5432 user='" + user + "' dbname='postgres'\n");
  CHECK(query_one(printed.substr(0, printed.size() - 1), "select count(*) from flow.runs where status = 'succeeded'") ==
        "1");

  auto history = run_flowc(project, {"history"});
  CHECK(history.exit_code == 0);
  CHECK(history.output.find("daily") != std::string::npos);
}

TEST_CASE("private cluster: a project too deep for a Unix socket is one clear line before anything starts") {
  namespace fs = std::filesystem;
  fs::path deep = write_project("private_cluster_deep", {});
  while (deep.string().size() < 110) deep /= "a-rather-long-directory-name";
  fs::create_directories(deep);
  for (const auto& [path, text] : kProject) std::ofstream(deep / path) << text;
  const std::string socket = (deep / ".flow" / "pg" / ".s.PGSQL.5432").string();

  auto run = run_flowc(deep.string(), {"run", "--workflow", "daily", "--ds", "2026-11-01"});
  CHECK(run.exit_code == 2);
  CHECK(run.output == "flowc: the private cluster's socket path " + socket + " is " +
                          std::to_string(socket.size()) +
                          " bytes, over the 107 a Unix socket path may have: move the project to a shorter path, "
                          "or give a DSN (--dsn, --state-dsn or FLOW_STATE_DSN)\n");
  CHECK_FALSE(fs::exists(deep / ".flow" / "pg"));
}

TEST_CASE("private cluster: a command waiting for another flowc's turn says so once, and Ctrl-C ends the wait") {
  namespace fs = std::filesystem;
  std::string project = write_project("private_cluster_turn", kProject);
  const fs::path lock = fs::path(project) / ".flow" / "pg.lock";
  HeldClusterLock other(lock);
  REQUIRE(other.held);
  const std::string waiting =
      "flowc: waiting for another flowc that is starting or stopping the private cluster (" + lock.string() + ")\n";

  // The scheduler handles Ctrl-C itself: it ends the wait, says so, and
  // does not wait again for the next workflow.
  Background schedule = start_flowc(project, {"schedule"});
  CHECK(wait_for_output(schedule, waiting, 20));
  ::kill(schedule.pid, SIGINT);
  CHECK(ends_within(schedule, 10) == 0);
  CHECK(schedule.output() == waiting +
                                 "flowc: interrupted while waiting for another flowc that is starting or stopping "
                                 "the private cluster (" + lock.string() + ")\n"
                                 "flowc: interrupted: no run was in progress\n");

  // `flowc run` finds its databases before it handles Ctrl-C: it dies of it.
  Background run = start_flowc(project, {"run", "--workflow", "daily"});
  CHECK(wait_for_output(run, waiting, 20));
  ::kill(run.pid, SIGINT);
  CHECK(ends_within(run, 10) == 128 + SIGINT);
  CHECK(run.output() == waiting);
  CHECK_FALSE(fs::exists(fs::path(project) / ".flow" / "pg"));  // nothing made without the lock
}
