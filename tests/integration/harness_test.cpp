// The test harness itself: the PostgreSQL servers a test process started
// (its test cluster, a private cluster its project started) must not
// outlive it, whether it exits (a failed test may leave a private cluster
// running) or is killed with SIGKILL (a CTest timeout, an operator's kill),
// when no atexit handler runs (pg_harness.cpp's reaper).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/run_support.h"
#include "tests/support/process_state.h"

namespace fs = std::filesystem;
using namespace flowc::testing;

namespace {

/// killed_harness, started with `extra` arguments: its root directory and
/// its two servers' pids once both run. Kills it (and them) if the test
/// ends early.
struct KilledHarness {
  const fs::path out = fs::path(scratch_dir("harness")) / "started";
  pid_t pid = -1;
  std::string root;
  std::vector<pid_t> servers;

  explicit KilledHarness(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {KILLED_HARNESS_BINARY, out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid = -1;
  }
  /// Waits for it to say where it runs; false when it does not within two minutes.
  bool started() {
    std::vector<std::string> lines;
    for (int i = 0; pid > 0 && i < 120 * 10 && lines.size() < 3; ++i) {
      ::usleep(100 * 1000);
      lines.clear();
      std::ifstream in(out);
      for (std::string line; std::getline(in, line) && !in.eof();) lines.push_back(line);
    }
    if (lines.size() != 3) return false;
    root = lines[0];
    for (size_t i = 1; i < lines.size(); ++i) servers.push_back(static_cast<pid_t>(std::stol(lines[i])));
    return true;
  }
  ~KilledHarness() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    for (pid_t server : servers)
      if (process_running(server)) ::kill(server, SIGQUIT);  // not left behind by this test either
  }
  /// Waits for it to end; returns its wait status.
  int wait() {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    pid = -1;
    return status;
  }
  /// Whether its root directory is gone within `seconds`, and its servers
  /// with it: whoever removes the directory stops the servers first (a
  /// server whose directory is removed under it notices only up to a
  /// minute later, by itself).
  void check_nothing_left(int seconds) {
    for (int i = 0; i < seconds * 10 && fs::exists(root); ++i) ::usleep(100 * 1000);
    CHECK_MESSAGE(!fs::exists(root), root << " still exists");
    for (int i = 0; i < 20 && std::any_of(servers.begin(), servers.end(), process_running); ++i)
      ::usleep(100 * 1000);
    for (pid_t server : servers)
      CHECK_MESSAGE(!process_running(server), "server " << server << " still runs");
  }
};

}  // namespace

TEST_CASE("a test process killed with SIGKILL leaves no PostgreSQL server and no directory behind") {
  KilledHarness harness({});
  REQUIRE(harness.started());
  for (pid_t server : harness.servers) REQUIRE(process_running(server));
  ::kill(harness.pid, SIGKILL);
  REQUIRE(WIFSIGNALED(harness.wait()));
  harness.check_nothing_left(60);
}

TEST_CASE(
    "a test process that exits leaving a private cluster running leaves no server and no directory behind") {
  KilledHarness harness({"exit"});
  REQUIRE(harness.started());
  REQUIRE(WIFEXITED(harness.wait()));
  harness.check_nothing_left(5);
}
