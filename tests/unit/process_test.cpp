#include "runtime/process/process.h"

#include <doctest/doctest.h>

#include <chrono>

using namespace flowc::runtime;
using namespace std::chrono_literals;

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
