// What the tests of runtime/alert share: a minimal HTTP server on loopback,
// a state database holding the alerts table, plans, incidents and channels
// (alert_test.cpp: routing and payloads; alert_channels_test.cpp: delivery).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "runtime/alert/dispatcher.h"
#include "runtime/alert/store.h"
#include "runtime/state/migrate.h"
#include "tests/support/file_text.h"
#include "tests/support/pg_harness.h"
#include "tests/support/stopped_backend.h"

namespace flowc::testing {

using namespace flowc::runtime;
using namespace std::chrono_literals;
using nlohmann::json;

// ---- a minimal HTTP/1.1 server on 127.0.0.1 ---------------------------------
// Debian's cpp-httplib is a header plus a shared library the test targets do
// not link, so the test carries the few lines of server it needs.

struct Request {
  std::string method, target, headers, body;
};

class TestServer {
 public:
  explicit TestServer(int status = 200) : status_(status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
  }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (true) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      Request request;
      std::string data;
      char buffer[4096];
      size_t header_end = std::string::npos;
      size_t length = 0;
      while (true) {
        ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        data.append(buffer, static_cast<size_t>(n));
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
          request.headers = data.substr(0, header_end);
          std::string lower = request.headers;
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (size_t at = lower.find("content-length:"); at != std::string::npos)
            length = std::stoul(lower.substr(at + 15));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
      }
      if (header_end != std::string::npos) {
        std::istringstream line(request.headers.substr(0, request.headers.find("\r\n")));
        line >> request.method >> request.target;
        request.body = data.substr(header_end + 4, length);
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      std::string reply = "HTTP/1.1 " + std::to_string(status_) +
                          " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      (void)!::write(client, reply.data(), reply.size());
      ::close(client);
    }
  }

  int status_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
};

/// A loopback port nothing listens on: bound, then closed.
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// ---- the state database -------------------------------------------------------

struct StateDb {
  std::string dsn = testing::fresh_database("alert");
  int64_t run_id = 0;
  StateDb() {
    pqxx::connection c(dsn);
    state::MigrateOutcome migrated = state::migrate(c, "flow");
    REQUIRE_MESSAGE(migrated.ok, migrated.error);
    pqxx::work tx(c);
    run_id = tx.exec1("insert into flow.runs (workflow, ds, stage, trigger, status, plan_hash, plan)"
                      " values ('daily_kpi', '2026-11-24', 'production', 'manual', 'running', 'h', '{}')"
                      " returning id")[0]
                 .as<int64_t>();
    tx.commit();
  }
  /// The rows, one a line, fields joined by `|` (NULL as empty), as psql -At prints them.
  std::string query(const std::string& sql) const {
    pqxx::connection c(dsn);
    pqxx::nontransaction tx(c);
    std::string out;
    for (const auto& row : tx.exec(sql)) {
      for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
        if (i > 0) out += '|';
        if (!row[i].is_null()) out += row[i].c_str();
      }
      out += '\n';
    }
    return out;
  }
};

// ---- the plan and incidents -----------------------------------------------------

inline plan::Task task(const std::string& name, std::optional<plan::TableName> output, bool publish = false) {
  plan::Task t;
  t.name = name;
  t.output = std::move(output);
  t.publish = publish;
  return t;
}

inline plan::Plan make_plan(std::vector<plan::Channel> channels, int64_t repeat_seconds = 3600) {
  plan::Plan p;
  p.workflow = "daily_kpi";
  p.owner = "data-eng";
  p.ds = "2026-11-24";
  p.stage = plan::Stage::Production;
  p.tasks = {task("extract_orders", plan::TableName{"raw", "orders"}),
             task("stage_orders", plan::TableName{"staging", "orders"}),
             task("revenue_daily", plan::TableName{"analytics", "revenue_daily"}, true)};
  // A chain; only revenue_daily's output is in the graph (the legacy job
  // writes it), so a failure of stage_orders makes one table stale.
  p.impact_graph.nodes = {{"extract_orders", "", false, {}, {1}},
                          {"stage_orders", "", false, {}, {2}},
                          {"revenue_daily", "analytics.revenue_daily", true, {0}, {}}};
  p.impact_graph.legacy_job_consumers = {{"finance_dashboard"}};
  plan::Route route;
  route.name = "oncall";
  route.owner = "alice";
  route.min_severity = plan::Severity::Medium;
  route.repeat_seconds = repeat_seconds;
  route.channels = std::move(channels);
  p.routes = {route};
  p.on_failure = plan::AlertSpec{0, plan::Severity::High};
  p.on_warning = plan::AlertSpec{0, plan::Severity::Low};  // below the route's min_severity
  return p;
}

inline Incident failure(int64_t run_id, uint32_t task_index = 1, ErrorClass error_class = ErrorClass::Permanent) {
  Incident i;
  i.kind = Incident::Kind::Failure;
  i.run_id = run_id;
  i.task = task_index;
  i.error_class = error_class;
  i.sqlstate = "42P01";
  i.message = "relation \"raw.orders\" does not exist";
  i.attempt = 3;
  i.log_path = ".flow/logs/12/stage_orders.3.log";
  i.started = Clock::from_time_t(1795503603);  // 2026-11-24T07:00:03Z
  i.duration = 12500ms;
  return i;
}

inline plan::Channel webhook(const std::string& url) {
  plan::Channel c;
  c.kind = plan::Channel::Kind::Webhook;
  c.args = {url};
  return c;
}

inline plan::Channel channel(plan::Channel::Kind kind, std::vector<std::string> args) {
  plan::Channel c;
  c.kind = kind;
  c.args = std::move(args);
  return c;
}

/// A sink with fast retries and a clock the test moves.
struct Fixture {
  StateDb db;
  std::string dir = testing::scratch_dir("alert");
  std::string err_path = dir + "/stderr.txt";
  std::FILE* err = std::fopen(err_path.c_str(), "w+");
  std::shared_ptr<std::atomic<int64_t>> now_seconds = std::make_shared<std::atomic<int64_t>>(1795503700);
  std::unique_ptr<alert::AlertDispatcher> sink;

  /// `base_dir`: where relative channel paths are resolved (the project directory).
  explicit Fixture(std::string dsn_override = "", std::string base_dir = "") {
    alert::AlertSinkOptions o;
    o.delivery.base_dir = std::move(base_dir);
    o.state_dsn = dsn_override.empty() ? db.dsn : dsn_override;
    o.run_id = db.run_id;
    o.workflow = "daily_kpi";
    o.ds = "2026-11-24";
    auto now = now_seconds;
    o.clock = [now] { return Clock::from_time_t(now->load()); };
    o.delivery.backoff = 10ms;
    o.delivery.err = err;
    sink = std::make_unique<alert::AlertDispatcher>(o);
  }
  ~Fixture() { std::fclose(err); }
  std::string stderr_text() {
    std::fflush(err);
    return file_text(err_path);
  }
};

}  // namespace flowc::testing
