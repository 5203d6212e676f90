// exec::Announcements, the LISTEN session of `flowc run` and `flowc worker`,
// against a real PostgreSQL.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <pqxx/pqxx>

#include "runtime/exec/announcements.h"
#include "tests/support/pg_harness.h"
#include "tests/support/stopped_backend.h"

namespace {

using namespace flowc::runtime;
using namespace std::chrono_literals;

void notify(const std::string& dsn, const std::string& payload) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  tx.exec_params("select pg_notify('flowc_flow', $1)", payload);
}

}  // namespace

TEST_CASE("an announcement of another session reaches the callback and ends the wait") {
  std::string dsn = flowc::testing::fresh_database("announce");
  int64_t run_id = 0;
  std::string owner;  // copied: the announcement's owner views the payload, gone after the call
  exec::Announcements announcements(dsn, "flowc_flow", [&](const std::optional<state::Announcement>& a) {
    if (a) run_id = a->run_id, owner = std::string(a->owner);
    return true;
  });
  notify(dsn, "7 host:12:0");
  auto start = std::chrono::steady_clock::now();
  announcements.wait(30s, [] { return false; });
  CHECK(std::chrono::steady_clock::now() - start < 20s);  // not the timeout
  CHECK(run_id == 7);
  CHECK(owner == "host:12:0");
}

TEST_CASE("an announcement the callback finds irrelevant does not end the wait") {
  std::string dsn = flowc::testing::fresh_database("announce");
  int told = 0;
  exec::Announcements announcements(dsn, "flowc_flow", [&](const std::optional<state::Announcement>&) {
    ++told;
    return false;
  });
  notify(dsn, "8 host:12:0");
  auto start = std::chrono::steady_clock::now();
  announcements.wait(1s, [] { return false; });
  CHECK(std::chrono::steady_clock::now() - start >= 1s);
  CHECK(told == 1);
}

TEST_CASE("closing the session on a wedged server does not wait for it") {
  std::string dsn = flowc::testing::fresh_database("announce");
  auto announcements =
      std::make_unique<exec::Announcements>(dsn, "flowc_flow", [](const std::optional<state::Announcement>&) {
        return true;
      });
  std::future<void> closed;  // declared first: it is waited for after the backend is continued
  flowc::testing::StoppedBackend stopped(dsn);
  closed = std::async(std::launch::async, [&] { announcements.reset(); });
  // Before the fix, the receiver's UNLISTEN waited for the stopped backend.
  CHECK(closed.wait_for(10s) == std::future_status::ready);
}
