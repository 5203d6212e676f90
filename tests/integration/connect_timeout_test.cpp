// A task's timeout bounds its whole attempt, connecting to the target
// included: a server that accepts the connection and never answers (a hung
// server, a host behind a firewall that holds the connection) ends the
// attempt when the timeout does, as a timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

TEST_CASE("run: a task's timeout bounds connecting to a target that never answers") {
  // Listening, never accepting: the kernel completes the handshake, nothing answers.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 16) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string silent = "host=127.0.0.1 port=" + std::to_string(ntohs(address.sin_port)) +
                             " user=postgres dbname=postgres sslmode=disable connect_timeout=60";

  std::string state = fresh_database("connect_timeout");
  std::string project =
      write_project("connect_timeout", {{"w.flow", production_workflow("w", R"FLOW(  task t {
    mode    = none
    sql     = "select 1"
    timeout = 2s
  }
)FLOW")}});
  const auto started = std::chrono::steady_clock::now();
  auto r = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", silent, "--state-dsn", state});
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(listener);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(took < std::chrono::seconds(20));  // the DSN's own connect_timeout is 60 s
  CHECK(query_one(state, "select state from flow.task_runs") == "timed_out");
  CHECK(query_one(state, "select message from flow.task_runs").starts_with("timed out after 2s: "));
}
