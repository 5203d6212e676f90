// runtime/alert against real channels: a webhook server on loopback, a
// command, a jsonl file and stderr, with the alerts table in a real
// PostgreSQL. The payload's pure functions are checked first, without I/O.
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
#include "tests/support/pg_harness.h"
#include "tests/support/stopped_backend.h"

using namespace flowc;
using namespace flowc::runtime;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

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
int closed_port() {
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

plan::Task task(const std::string& name, std::optional<plan::TableName> output, bool publish = false) {
  plan::Task t;
  t.name = name;
  t.output = std::move(output);
  t.publish = publish;
  return t;
}

plan::Plan make_plan(std::vector<plan::Channel> channels, int64_t repeat_seconds = 3600) {
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

Incident failure(int64_t run_id, uint32_t task_index = 1, ErrorClass error_class = ErrorClass::Permanent) {
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

plan::Channel webhook(const std::string& url) {
  plan::Channel c;
  c.kind = plan::Channel::Kind::Webhook;
  c.args = {url};
  return c;
}

plan::Channel channel(plan::Channel::Kind kind, std::vector<std::string> args) {
  plan::Channel c;
  c.kind = kind;
  c.args = std::move(args);
  return c;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A sink with fast retries and a clock the test moves.
struct Fixture {
  StateDb db;
  std::string dir = testing::scratch_dir("alert");
  std::string err_path = dir + "/stderr.txt";
  std::FILE* err = std::fopen(err_path.c_str(), "w+");
  std::shared_ptr<std::atomic<int64_t>> now_seconds = std::make_shared<std::atomic<int64_t>>(1795503700);
  std::unique_ptr<alert::AlertDispatcher> sink;

  explicit Fixture(std::string dsn_override = "") {
    alert::AlertSinkOptions o;
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
    return read_file(err_path);
  }
};

}  // namespace

// ---- pure: route, key, payload ---------------------------------------------------

TEST_CASE("an incident's route follows its kind and severity below the route's minimum is dropped") {
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Stderr, {})});
  Incident i = failure(12);
  REQUIRE(alert::select_alert(p, i));
  CHECK(alert::select_alert(p, i)->severity == plan::Severity::High);
  i.kind = Incident::Kind::Parity;
  CHECK(alert::select_alert(p, i));  // parity goes to on_failure
  i.kind = Incident::Kind::Warning;
  CHECK_FALSE(alert::select_alert(p, i));  // low < medium
  i.kind = Incident::Kind::Late;
  CHECK_FALSE(alert::select_alert(p, i));  // no on_late
  p.on_late = plan::AlertSpec{7, plan::Severity::Critical};
  CHECK_FALSE(alert::select_alert(p, i));  // a route that does not exist
}

TEST_CASE("the dedupe key is route/workflow/task/error class, the workflow with its environment") {
  plan::Plan p = make_plan({});
  CHECK(alert::dedup_key(p, *p.on_failure, failure(1)) == "oncall/daily_kpi/stage_orders/permanent");
  CHECK(alert::dedup_key(p, *p.on_failure, failure(1, 1, ErrorClass::Timeout)) ==
        "oncall/daily_kpi/stage_orders/timeout");
  Incident late;
  late.kind = Incident::Kind::Late;
  CHECK(alert::dedup_key(p, *p.on_failure, late) == "oncall/daily_kpi//late");
  // A named environment's run is another instance: it cannot hide production's page.
  p.env = "dev";
  CHECK(alert::dedup_key(p, *p.on_failure, failure(1)) == "oncall/daily_kpi@dev/stage_orders/permanent");
}

TEST_CASE("the payload carries every field of runtime.md and a Slack text") {
  plan::Plan p = make_plan({});
  json payload = alert::build_payload(p, *p.on_failure, failure(12), {12, "", ""});
  CHECK(payload["kind"] == "failure");
  CHECK(payload["workflow"] == "daily_kpi");
  CHECK(payload["run_id"] == 12);
  CHECK(payload["task"] == "stage_orders");
  CHECK(payload["severity"] == "high");
  CHECK(payload["route"] == "oncall");
  CHECK(payload["owner"] == "alice");
  CHECK(payload["workflow_owner"] == "data-eng");
  CHECK(payload["message"] == "relation \"raw.orders\" does not exist");
  CHECK(payload["error_class"] == "permanent");
  CHECK(payload["sqlstate"] == "42P01");
  CHECK(payload["exit_code"].is_null());
  CHECK(payload["attempt"] == 3);
  CHECK(payload["ds"] == "2026-11-24");
  CHECK(payload["env"] == "");
  CHECK(payload["stage"] == "production");
  CHECK(payload["started_at"] == "2026-11-24T07:00:03Z");
  CHECK(payload["duration_seconds"] == 12.5);
  CHECK(payload["log_path"] == ".flow/logs/12/stage_orders.3.log");
  CHECK(payload["impact"]["tasks"] == json{"revenue_daily"});
  CHECK(payload["impact"]["tables"] == json{"analytics.revenue_daily"});
  CHECK(payload["impact"]["published"] == json{"analytics.revenue_daily"});
  CHECK(payload["impact"]["legacy_consumers"] == json{"finance_dashboard"});
  CHECK(payload["dedup_key"] == "oncall/daily_kpi/stage_orders/permanent");
  CHECK(payload["text"] ==
        "[high] daily_kpi/stage_orders failed (ds 2026-11-24, run 12, attempt 3): relation \"raw.orders\" does "
        "not exist [permanent, SQLSTATE 42P01]\n"
        "owner alice | impact: published analytics.revenue_daily; legacy consumers finance_dashboard; tables "
        "analytics.revenue_daily; tasks revenue_daily | log .flow/logs/12/stage_orders.3.log");
}

TEST_CASE("a command failure carries its exit code and the workflow owner stands in for the route's") {
  plan::Plan p = make_plan({});
  p.routes[0].owner = "";
  Incident i = failure(12);
  i.sqlstate = "";
  i.exit_code = 3;
  i.message = "export failed\nsecond line";
  json payload = alert::build_payload(p, *p.on_failure, i);
  CHECK(payload["owner"] == "data-eng");
  CHECK(payload["exit_code"] == 3);
  CHECK(payload["sqlstate"].is_null());
  CHECK(payload["text"].get<std::string>().starts_with(
      "[high] daily_kpi/stage_orders failed (ds 2026-11-24, run 12, attempt 3): export failed [permanent, exit 3]\n"));
}

TEST_CASE("a late run lists the workflow's published outputs as its impact") {
  plan::Plan p = make_plan({});
  Incident late;
  late.kind = Incident::Kind::Late;
  late.run_id = 12;
  late.message = "not finished by 08:00 UTC";
  json payload = alert::build_payload(p, *p.on_failure, late);
  CHECK(payload["task"].is_null());
  CHECK(payload["impact"]["published"] == json{"analytics.revenue_daily"});
  CHECK(payload["text"].get<std::string>().starts_with(
      "[high] daily_kpi is late (ds 2026-11-24, run 12): not finished by 08:00 UTC\n"));
}

TEST_CASE("the stderr block is readable") {
  plan::Plan p = make_plan({});
  json payload = alert::build_payload(p, *p.on_failure, failure(12));
  CHECK(alert::render_block(payload) ==
        "flowc alert [high] daily_kpi/stage_orders failed (ds 2026-11-24, run 12, attempt 3)\n"
        "  error:   relation \"raw.orders\" does not exist (permanent, SQLSTATE 42P01)\n"
        "  started: 2026-11-24T07:00:03Z, 12.5s\n"
        "  log:     .flow/logs/12/stage_orders.3.log\n"
        "  owner:   alice\n"
        "  impact:  published analytics.revenue_daily; legacy consumers finance_dashboard; tables "
        "analytics.revenue_daily; tasks revenue_daily\n");
}

TEST_CASE("the Slack text escapes what Slack would read as markup") {
  plan::Plan p = make_plan({});
  Incident i = failure(12);
  i.message = "operator does not exist: integer < text & more";
  std::string text = alert::build_payload(p, *p.on_failure, i)["text"];
  CHECK(text.find("operator does not exist: integer &lt; text &amp; more") != std::string::npos);
}

TEST_CASE("the renderings accept a payload with fields missing or of the wrong type") {
  CHECK(alert::slack_text(json::object()) == "[]  failed (ds )");
  CHECK(alert::render_block(json{{"impact", 3}, {"attempt", "x"}, {"severity", "high"}}) ==
        "flowc alert [high]  failed (ds )\n");
}

TEST_CASE("invalid UTF-8 in a message does not stop the alert") {
  plan::Plan p = make_plan({});
  Incident i = failure(12);
  i.message = "bad byte \xff here";
  json payload = alert::build_payload(p, *p.on_failure, i);
  std::string text = payload.dump(-1, ' ', false, json::error_handler_t::replace);
  CHECK(text.find("bad byte") != std::string::npos);
}

// ---- real channels ------------------------------------------------------------------

TEST_CASE("webhook and command and jsonl channels receive the same complete payload") {
  Fixture f;
  TestServer server;
  std::string command_out = f.dir + "/command.json";
  std::string jsonl = f.dir + "/nested/dir/alerts.jsonl";
  ::setenv("FLOWC_ALERT_TEST_TOKEN", "token-value-123", 1);
  plan::Channel command = channel(plan::Channel::Kind::Command,
                                  {"sh", "-c", "cat > \"$0\"; printf %s \"$FLOWC_ALERT_TEST_TOKEN\" > \"$0.token\"",
                                   command_out});
  command.env_secrets = {"FLOWC_ALERT_TEST_TOKEN"};
  plan::Plan p = make_plan({webhook(server.url()), command, channel(plan::Channel::Kind::Jsonl, {jsonl})});

  f.sink->raise(p, failure(f.db.run_id));

  std::vector<Request> requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/hook");
  CHECK(requests[0].headers.find("Content-Type: application/json") != std::string::npos);
  json body = json::parse(requests[0].body);
  CHECK(body["workflow"] == "daily_kpi");
  CHECK(body["run_id"] == f.db.run_id);
  CHECK(body["task"] == "stage_orders");
  CHECK(body["severity"] == "high");
  CHECK(body["message"] == "relation \"raw.orders\" does not exist");
  CHECK(body["error_class"] == "permanent");
  CHECK(body["sqlstate"] == "42P01");
  CHECK(body["ds"] == "2026-11-24");
  CHECK(body["started_at"] == "2026-11-24T07:00:03Z");
  CHECK(body["duration_seconds"] == 12.5);
  CHECK(body["log_path"] == ".flow/logs/12/stage_orders.3.log");
  CHECK(body["owner"] == "alice");
  CHECK(body["impact"]["published"] == json{"analytics.revenue_daily"});
  CHECK(body["impact"]["legacy_consumers"] == json{"finance_dashboard"});
  CHECK(body["text"].get<std::string>().find("daily_kpi/stage_orders failed") != std::string::npos);
  CHECK(body["text"].get<std::string>().find("finance_dashboard") != std::string::npos);

  CHECK(json::parse(read_file(command_out)) == body);
  CHECK(read_file(command_out + ".token") == "token-value-123");  // env_secrets pass through
  std::string lines = read_file(jsonl);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 1);
  CHECK(json::parse(lines) == body);

  AlertCounts counts = f.sink->counts();
  CHECK(counts.sent == 1);
  CHECK(counts.suppressed == 0);
  CHECK(counts.failed == 0);
  CHECK(f.db.query("select channel, status, tries, kind, route, severity, dedup_key, task, run_id = " +
                   std::to_string(f.db.run_id) + " from flow.alerts order by id") ==
        "webhook|delivered|1|failure|oncall|high|oncall/daily_kpi/stage_orders/permanent|stage_orders|t\n"
        "command|delivered|1|failure|oncall|high|oncall/daily_kpi/stage_orders/permanent|stage_orders|t\n"
        "jsonl|delivered|1|failure|oncall|high|oncall/daily_kpi/stage_orders/permanent|stage_orders|t\n");
  CHECK(f.db.query("select count(*) from flow.alerts where payload->'impact'->'published' ? "
                   "'analytics.revenue_daily'") == "3\n");

  // A second alert of another task appends a second line.
  f.sink->raise(p, failure(f.db.run_id, 0));
  lines = read_file(jsonl);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 2);
}

TEST_CASE("a repeat within the window is suppressed and counted and after the window it is sent") {
  Fixture f;
  TestServer server;
  plan::Plan p = make_plan({webhook(server.url())}, 3600);

  f.sink->raise(p, failure(f.db.run_id));
  *f.now_seconds += 60;
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(server.requests().size() == 1);
  CHECK(f.sink->counts().sent == 1);
  CHECK(f.sink->counts().suppressed == 1);

  // Another error class of the same task is another incident.
  f.sink->raise(p, failure(f.db.run_id, 1, ErrorClass::Timeout));
  CHECK(server.requests().size() == 2);

  *f.now_seconds += 3600;
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(server.requests().size() == 3);
  AlertCounts counts = f.sink->counts();
  CHECK(counts.sent == 3);
  CHECK(counts.suppressed == 1);
  CHECK(f.db.query("select status, dedup_key, tries, error from flow.alerts order by id") ==
        "delivered|oncall/daily_kpi/stage_orders/permanent|1|\n"
        "suppressed|oncall/daily_kpi/stage_orders/permanent|0|repeat: delivered within the last 1h\n"
        "delivered|oncall/daily_kpi/stage_orders/timeout|1|\n"
        "delivered|oncall/daily_kpi/stage_orders/permanent|1|\n");

  // Dedupe lives in the table, so a second sink (another worker, the next
  // run) sees it too.
  alert::AlertSinkOptions o;
  o.state_dsn = f.db.dsn;
  o.run_id = f.db.run_id;
  o.clock = [now = f.now_seconds] { return Clock::from_time_t(now->load() + 10); };
  alert::AlertDispatcher second(o);
  second.raise(p, failure(f.db.run_id));
  CHECK(second.counts().suppressed == 1);
  CHECK(server.requests().size() == 3);
}

TEST_CASE("a failing channel is retried and recorded as failed and never throws") {
  Fixture f;
  std::string jsonl = f.dir + "/alerts.jsonl";
  plan::Plan p = make_plan({webhook("http://127.0.0.1:" + std::to_string(closed_port()) + "/hook"),
                            channel(plan::Channel::Kind::Jsonl, {jsonl})});
  CHECK_NOTHROW(f.sink->raise(p, failure(f.db.run_id)));
  CHECK(f.db.query("select channel, status, tries, error like '%Couldn''t connect to server (3 tries)' "
                   "from flow.alerts order by id") ==
        "webhook|failed|3|t\n"
        "jsonl|delivered|1|\n");
  CHECK(f.sink->counts().sent == 1);  // jsonl got it

  // A failed delivery does not count for dedupe: the next one is tried again.
  plan::Plan only_webhook = make_plan({p.routes[0].channels[0]});
  f.sink->raise(only_webhook, failure(f.db.run_id, 0));
  f.sink->raise(only_webhook, failure(f.db.run_id, 0));
  CHECK(f.sink->counts().failed == 2);
  CHECK(f.sink->counts().suppressed == 0);
}

TEST_CASE("server errors are retried but client errors are not") {
  Fixture f;
  TestServer failing(500);
  TestServer rejecting(404);
  f.sink->raise(make_plan({webhook(failing.url())}), failure(f.db.run_id));
  f.sink->raise(make_plan({webhook(rejecting.url())}), failure(f.db.run_id, 0));
  CHECK(failing.requests().size() == 3);
  CHECK(rejecting.requests().size() == 1);
  CHECK(f.db.query("select status, tries, error from flow.alerts order by id") ==
        "failed|3|webhook " + failing.url() + ": HTTP 500 (3 tries)\n"
        "failed|1|webhook " + rejecting.url() + ": HTTP 404 (1 try)\n");
  CHECK(f.sink->counts().failed == 2);
}

TEST_CASE("a command channel that fails is recorded with its exit and last line") {
  Fixture f;
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Command, {"sh", "-c", "cat >/dev/null; echo nope; exit 4"}),
                            channel(plan::Channel::Kind::Command, {"/nonexistent/notify"})});
  f.sink->raise(p, failure(f.db.run_id));
  std::string rows = f.db.query("select status, tries, error from flow.alerts order by id");
  CHECK(rows.starts_with("failed|3|command sh: exit 4: nope (3 tries)\nfailed|1|command /nonexistent/notify: "
                         "cannot start: "));
  CHECK(f.sink->counts().failed == 1);
}

TEST_CASE("errors no retry can fix are tried once and the failure says why") {
  Fixture f;
  ::setenv("FLOWC_ALERT_TEST_FTP_HOOK", "ftp://127.0.0.1/x", 1);
  ::setenv("FLOWC_ALERT_TEST_FILE_HOOK", "file:///etc/hostname", 1);
  plan::Channel ftp;
  ftp.kind = plan::Channel::Kind::Webhook;
  ftp.secret_env = "FLOWC_ALERT_TEST_FTP_HOOK";
  plan::Channel file = ftp;
  file.secret_env = "FLOWC_ALERT_TEST_FILE_HOOK";
  plan::Plan p = make_plan({ftp, file, webhook("http://[zz/hook"), channel(plan::Channel::Kind::Jsonl, {f.dir})});
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(f.db.query("select tries, error from flow.alerts order by id") ==
        "1|webhook env(FLOWC_ALERT_TEST_FTP_HOOK): Unsupported protocol (1 try, not retried: only http and https "
        "urls are sent)\n"
        "1|webhook env(FLOWC_ALERT_TEST_FILE_HOOK): Unsupported protocol (1 try, not retried: only http and https "
        "urls are sent)\n"
        "1|webhook http://[zz/hook: URL using bad/illegal format or missing URL (1 try, not retried: the url is "
        "malformed)\n"
        "1|jsonl " + f.dir + ": cannot open " + f.dir + ": Is a directory (1 try, not retried: another try cannot "
        "help)\n");
}

TEST_CASE("what a command channel leaves running is killed, even in a session of its own") {
  Fixture f;
  // `setsid` takes the sleep out of the command's process group; the pause
  // lets it get there before the command exits.
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Command,
                                    {"sh", "-c", "setsid sleep 7781 >/dev/null 2>&1 </dev/null & sleep 0.3; exit 0"})});
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(f.db.query("select status from flow.alerts") == "delivered\n");
  auto sleeping = [] {
    int found = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::string stat = read_file(entry.path().string() + "/stat");
      if (stat.empty() || stat.find(") Z ") != std::string::npos) continue;  // gone, or a zombie
      std::string cmdline = read_file(entry.path().string() + "/cmdline");
      if (cmdline == std::string("sleep\0" "7781\0", 11)) ++found;
    }
    return found;
  };
  int left = sleeping();
  for (int i = 0; i < 20 && left > 0; ++i) {
    std::this_thread::sleep_for(50ms);
    left = sleeping();
  }
  CHECK(left == 0);
}

TEST_CASE("severity below the route's min_severity is recorded but not sent and no route sends nothing") {
  Fixture f;
  TestServer server;
  plan::Plan p = make_plan({webhook(server.url())});
  Incident warning = failure(f.db.run_id);
  warning.kind = Incident::Kind::Warning;  // on_warning is low, the route wants medium
  warning.error_class = ErrorClass::None;
  warning.message = "null_rate(discount) < 1% failed: 3.2";
  f.sink->raise(p, warning);
  Incident late;
  late.kind = Incident::Kind::Late;  // no on_late: nothing at all
  f.sink->raise(p, late);
  p.on_failure->severity = plan::Severity::Low;
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(server.requests().empty());
  AlertCounts counts = f.sink->counts();
  CHECK(counts.sent == 0);
  CHECK(counts.failed == 0);
  CHECK(counts.suppressed == 2);
  CHECK(f.db.query("select kind, status, severity, error, tries from flow.alerts order by id") ==
        "warning|suppressed|low|below the route's min_severity (medium)|0\n"
        "failure|suppressed|low|below the route's min_severity (medium)|0\n");
}

TEST_CASE("a secret webhook url never appears in the table or the payload or stderr") {
  Fixture f;
  TestServer server;
  const std::string marker = "SECRET-MARKER-7f3a9c";
  ::setenv("FLOWC_ALERT_TEST_HOOK", server.url("/hook/" + marker).c_str(), 1);
  ::setenv("FLOWC_ALERT_TEST_DEAD_HOOK",
           ("http://127.0.0.1:" + std::to_string(closed_port()) + "/hook/" + marker).c_str(), 1);
  plan::Channel good;
  good.kind = plan::Channel::Kind::Webhook;
  good.secret_env = "FLOWC_ALERT_TEST_HOOK";
  plan::Channel dead = good;
  dead.secret_env = "FLOWC_ALERT_TEST_DEAD_HOOK";
  plan::Channel unset = good;
  unset.secret_env = "FLOWC_ALERT_TEST_UNSET_HOOK";
  ::unsetenv("FLOWC_ALERT_TEST_UNSET_HOOK");
  plan::Plan p = make_plan({good, dead, unset, channel(plan::Channel::Kind::Stderr, {})});

  f.sink->raise(p, failure(f.db.run_id));

  std::vector<Request> requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/hook/" + marker);  // the secret was used
  CHECK(requests[0].body.find(marker) == std::string::npos);
  CHECK(f.db.query("select count(*) from flow.alerts where payload::text like '%" + marker +
                   "%' or error like '%" + marker + "%' or channel like '%" + marker + "%'") == "0\n");
  CHECK(f.db.query("select channel, status, error from flow.alerts order by id") ==
        "webhook|delivered|\n"
        "webhook|failed|webhook env(FLOWC_ALERT_TEST_DEAD_HOOK): Couldn't connect to server (3 tries)\n"
        "webhook|failed|webhook env(FLOWC_ALERT_TEST_UNSET_HOOK): FLOWC_ALERT_TEST_UNSET_HOOK is not set (1 try)\n"
        "stderr|delivered|\n");
  std::string printed = f.stderr_text();
  CHECK(printed.find("flowc alert [high] daily_kpi/stage_orders failed") != std::string::npos);
  CHECK(printed.find(marker) == std::string::npos);
  CHECK(alert::describe(good) == "webhook env(FLOWC_ALERT_TEST_HOOK)");
}

TEST_CASE("without a state database the alert is still delivered and the problem said once") {
  std::string dir = testing::scratch_dir("alert-nodb");
  std::string err_path = dir + "/stderr.txt";
  std::FILE* err = std::fopen(err_path.c_str(), "w+");
  alert::AlertSinkOptions o;
  o.state_dsn = "host=" + dir + "/nowhere dbname=none connect_timeout=2";
  o.run_id = 5;
  o.delivery.err = err;
  alert::AlertDispatcher sink(o);
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Jsonl, {dir + "/a.jsonl"})});
  CHECK_NOTHROW(sink.raise(p, failure(5)));
  CHECK_NOTHROW(sink.raise(p, failure(5)));  // no dedupe without the table
  std::fclose(err);
  std::string lines = read_file(dir + "/a.jsonl");
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 2);
  CHECK(sink.counts().sent == 2);
  std::string printed = read_file(err_path);
  CHECK(printed.starts_with("flowc: alerts are delivered but not recorded or deduplicated: state database: "));
  CHECK(std::count(printed.begin(), printed.end(), '\n') == 1);
}

TEST_CASE("raises from many threads at once are all handled") {
  Fixture f;
  std::string jsonl = f.dir + "/alerts.jsonl";
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Jsonl, {jsonl})}, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) f.sink->raise(p, failure(f.db.run_id));
    });
  for (auto& t : threads) t.join();
  std::string lines = read_file(jsonl);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 20);  // repeat = 0: no dedupe
  CHECK(f.sink->counts().sent == 20);
  CHECK(f.db.query("select count(*) from flow.alerts where status = 'delivered'") == "20\n");
}

TEST_CASE("a wedged state server: the alert store's statement is cancelled at its limit and its connection closed") {
  StateDb db;
  alert::AlertStore store(db.dsn, "flow", std::chrono::seconds(1));
  std::string error;
  REQUIRE_MESSAGE(store.delivered_since("k", std::chrono::system_clock::now(), error).has_value(), error);
  {
    testing::StoppedBackend stopped(db.dsn);
    CHECK_FALSE(store.delivered_since("k", std::chrono::system_clock::now(), error).has_value());
  }
  CHECK(error == "the state database did not answer within 1s, nor a cancel within 5s: flowc closed the connection");
  error.clear();
  // The next call opens a new connection.
  CHECK(store.delivered_since("k", std::chrono::system_clock::now(), error) == std::optional<bool>(false));
  CHECK(error.empty());
}
