#include "runtime/process/process.h"
#include "tests/support/process_state.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using namespace flowc::runtime;
using flowc::testing::process_running;
using namespace std::chrono_literals;

namespace {

/// The pid a command printed on its first line ("$!").
pid_t first_line_pid(const std::string& output) { return static_cast<pid_t>(std::stol(output)); }

}  // namespace

TEST_CASE("argv runs without a shell and output is captured") {
  ProcessOptions o;
  o.argv = {"printf", "%s|", "a b", "$HOME;", "*"};
  o.env = {"PATH=/usr/bin:/bin"};
  ProcessResult r = run_process(o);
  REQUIRE(r.started);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "a b|$HOME;|*|");  // no word splitting, expansion or globbing
}

TEST_CASE("the environment is exactly the one given") {
  ProcessOptions o;
  o.argv = {"env"};
  o.env = {"PATH=/usr/bin:/bin", "FLOW_DS=2026-11-24"};
  ProcessResult r = run_process(o);
  CHECK(r.output == "PATH=/usr/bin:/bin\nFLOW_DS=2026-11-24\n");
}

TEST_CASE("stdin is fed and stderr is captured with stdout") {
  ProcessOptions o;
  o.argv = {"sh", "-c", "cat; echo oops >&2; exit 3"};
  o.env = {"PATH=/usr/bin:/bin"};
  o.stdin_data = "hello\n";
  ProcessResult r = run_process(o);
  CHECK(r.exit_code == 3);
  CHECK(r.output == "hello\noops\n");
}

TEST_CASE("a timeout kills the whole process group") {
  ProcessOptions o;
  // The grandchild would keep the output pipe open for 30 s if it survived.
  o.argv = {"sh", "-c", "sleep 30 & sleep 30"};
  o.env = {"PATH=/usr/bin:/bin"};
  o.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = run_process(o);
  CHECK(r.timed_out);
  CHECK(r.signal != 0);
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("a program that does not exist is reported, not thrown") {
  ProcessOptions o;
  o.argv = {"/nonexistent/program"};
  ProcessResult r = run_process(o);
  CHECK_FALSE(r.started);
  CHECK(r.error.find("/nonexistent/program") != std::string::npos);
}

TEST_CASE("the run ends when the main process exits, though a background child holds the pipe") {
  ProcessOptions o;
  o.argv = {"sh", "-c", "sleep 20 & echo main-done; exit 0"};
  o.env = {"PATH=/usr/bin:/bin"};
  o.timeout = 15s;  // reached only if the wait still ended at end of file
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = run_process(o);
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "main-done\n");
  CHECK(r.killed_leftovers);
}

TEST_CASE("what the main process leaves running is killed when it exits") {
  ProcessOptions o;
  o.argv = {"sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!; exit 3"};
  o.env = {"PATH=/usr/bin:/bin"};
  ProcessResult r = run_process(o);
  CHECK(r.exit_code == 3);  // the main process's status, not the killed child's
  CHECK(r.killed_leftovers);
  pid_t child = first_line_pid(r.output);
  CHECK_FALSE(process_running(child));
}

TEST_CASE("nothing is reported killed when nothing was left") {
  ProcessOptions o;
  o.argv = {"sh", "-c", "sleep 0.1 & wait; echo done"};
  o.env = {"PATH=/usr/bin:/bin"};
  ProcessResult r = run_process(o);
  CHECK(r.output == "done\n");
  CHECK_FALSE(r.killed_leftovers);
}

TEST_CASE("with kill_group_on_exit off, a daemon it leaves is left alone") {
  ProcessOptions o;
  o.argv = {"sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"};
  o.env = {"PATH=/usr/bin:/bin"};
  o.kill_group_on_exit = false;
  ProcessResult r = run_process(o);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(r.killed_leftovers);
  pid_t daemon = first_line_pid(r.output);
  CHECK(process_running(daemon));
  ::kill(daemon, SIGKILL);
}

TEST_CASE("the timeout still applies after the command closed its output") {
  ProcessOptions o;
  o.argv = {"sh", "-c", "exec >&- 2>&-; sleep 30"};
  o.env = {"PATH=/usr/bin:/bin"};
  o.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = run_process(o);
  CHECK(r.timed_out);
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("on_output gets the output in order while the command runs") {
  // The command goes on only once the first line was handed over: were the
  // output handed over at the end, it would wait until the timeout.
  std::string flag = std::filesystem::temp_directory_path() / ("flowc-process-test-" + std::to_string(::getpid()));
  std::filesystem::remove(flag);
  ProcessOptions o;
  o.argv = {"sh", "-c", "echo first; while [ ! -e \"$FLAG\" ]; do sleep 0.05; done; echo second; echo third >&2"};
  o.env = {"PATH=/usr/bin:/bin", "FLAG=" + flag};
  o.timeout = 20s;
  std::string seen;
  o.on_output = [&](std::string_view chunk) {
    seen += chunk;
    if (seen.find("first\n") != std::string::npos) std::ofstream(flag).put('x');
  };
  ProcessResult r = run_process(o);
  std::filesystem::remove(flag);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(seen == "first\nsecond\nthird\n");
  CHECK(r.output.empty());  // handed over, not kept twice
}

TEST_CASE("max_output bounds what on_output gets, the rest is counted") {
  ProcessOptions o;
  o.argv = {"head", "-c", "100000", "/dev/zero"};
  o.env = {"PATH=/usr/bin:/bin"};
  o.max_output = 1000;
  size_t handed = 0;
  o.on_output = [&](std::string_view chunk) { handed += chunk.size(); };
  ProcessResult r = run_process(o);
  CHECK(handed == 1000);
  CHECK(r.dropped_output == 99000);
}

TEST_CASE("kill_child_groups kills the groups of the children that lead one, and no other child") {
  std::filesystem::path pids =
      std::filesystem::temp_directory_path() / ("flowc-kill-groups-" + std::to_string(::getpid()));
  std::filesystem::remove(pids);
  // A command as run_process starts it (its own group) that has started a
  // process of its own in that group.
  ProcessResult command;
  std::thread runner([&] {
    ProcessOptions o;
    o.argv = {"sh", "-c", "sleep 30 & echo $! > " + pids.string() + ".tmp; mv " + pids.string() + ".tmp " +
                              pids.string() + "; wait"};
    o.env = {"PATH=/usr/bin:/bin"};
    command = run_process(o);
  });
  // A child in this process's own group, which is not a command's.
  pid_t same_group = -1;
  char sleep_arg[] = "sleep", thirty[] = "30";
  char* argv[] = {sleep_arg, thirty, nullptr};
  REQUIRE(::posix_spawnp(&same_group, "sleep", nullptr, nullptr, argv, environ) == 0);

  for (int i = 0; i < 500 && !std::filesystem::exists(pids); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(std::filesystem::exists(pids));
  std::ifstream in(pids);
  pid_t grandchild = 0;
  in >> grandchild;

  CHECK(kill_child_groups() == 1);
  runner.join();
  CHECK(command.signal == SIGKILL);
  CHECK_FALSE(process_running(grandchild));
  CHECK(process_running(same_group));
  ::kill(same_group, SIGKILL);
  ::waitpid(same_group, nullptr, 0);
  std::filesystem::remove(pids);
}
