// The test harness itself: a test process killed with SIGKILL (a CTest
// timeout, an operator's kill) runs no atexit handler, and the PostgreSQL
// servers it started must not outlive it (pg_harness.cpp's reaper).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/run_support.h"
#include "tests/support/process_state.h"

namespace fs = std::filesystem;
using namespace flowc::testing;

TEST_CASE("a test process killed with SIGKILL leaves no PostgreSQL server and no directory behind") {
  const fs::path out = fs::path(scratch_dir("harness")) / "dirs";
  const std::string out_text = out.string();
  char* argv[] = {const_cast<char*>(KILLED_HARNESS_BINARY), const_cast<char*>(out_text.c_str()), nullptr};
  pid_t child = -1;
  REQUIRE(::posix_spawn(&child, argv[0], nullptr, nullptr, argv, environ) == 0);

  std::vector<std::string> dirs;  // the root, then the two clusters
  for (int i = 0; i < 120 * 10 && dirs.size() < 3; ++i) {
    ::usleep(100 * 1000);
    dirs.clear();
    std::ifstream in(out);
    for (std::string line; std::getline(in, line) && !in.eof();) dirs.push_back(line);
  }
  REQUIRE(dirs.size() == 3);
  std::vector<pid_t> servers;
  for (size_t i = 1; i < dirs.size(); ++i) {
    servers.push_back(wait_for_pid(fs::path(dirs[i]) / "postmaster.pid", 10));
    REQUIRE(servers.back() > 0);
    REQUIRE(process_running(servers.back()));
  }

  ::kill(child, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));

  bool gone = false;
  for (int i = 0; i < 60 * 10 && !gone; ++i) {
    ::usleep(100 * 1000);
    gone = !fs::exists(dirs[0]);
    for (pid_t server : servers) gone = gone && !process_running(server);
  }
  for (pid_t server : servers) {
    CHECK_MESSAGE(!process_running(server), "server " << server << " still runs");
    if (process_running(server)) ::kill(server, SIGQUIT);  // not left behind by this test either
  }
  CHECK_MESSAGE(!fs::exists(dirs[0]), dirs[0] << " still exists");
}
