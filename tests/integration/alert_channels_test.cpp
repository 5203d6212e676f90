// runtime/alert against real channels: a webhook server on loopback, a
// command, a jsonl file and stderr, with the alerts table in a real
// PostgreSQL: dedupe within `repeat`, retries, failures recorded and never
// thrown, secrets kept out, a state database that is away or wedged.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "runtime/alert/channels.h"
#include "runtime/localpg/localpg.h"
#include "tests/integration/alert_support.h"
#include "tests/support/loopback_listener.h"
#include "tests/support/process_state.h"

using namespace flowc;
using namespace flowc::runtime;
using namespace flowc::testing;
using namespace std::chrono_literals;
using nlohmann::json;

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

  CHECK(json::parse(file_text(command_out)) == body);
  CHECK(file_text(command_out + ".token") == "token-value-123");  // env_secrets pass through
  std::string lines = file_text(jsonl);
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
  lines = file_text(jsonl);
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

TEST_CASE("server errors are retried but client errors and redirects are not") {
  Fixture f;
  TestServer failing(500);
  TestServer rejecting(404);
  TestServer redirecting(302);
  f.sink->raise(make_plan({webhook(failing.url())}), failure(f.db.run_id));
  f.sink->raise(make_plan({webhook(rejecting.url())}), failure(f.db.run_id, 0));
  f.sink->raise(make_plan({webhook(redirecting.url())}), failure(f.db.run_id, 1));
  CHECK(failing.requests().size() == 3);
  CHECK(rejecting.requests().size() == 1);
  CHECK(redirecting.requests().size() == 1);
  CHECK(f.db.query("select status, tries, error from flow.alerts order by id") ==
        "failed|3|webhook " + failing.url() +
            ": HTTP 500 (3 tries)\n"
            "failed|1|webhook " +
            rejecting.url() +
            ": HTTP 404 (1 try)\n"
            "failed|1|webhook " +
            redirecting.url() + ": HTTP 302 (1 try, not retried: redirects are not followed)\n");
  CHECK(f.sink->counts().failed == 3);

  // A token written in a webhook's url is not recorded with its error.
  f.sink->raise(make_plan({webhook(failing.url() + "?token=urltoken7")}), failure(f.db.run_id, 2));
  CHECK(f.db.query("select count(*) from flow.alerts where error like '%urltoken7%'") == "0\n");
  CHECK(f.db.query("select count(*) from flow.alerts where error like '%?token=***%'") == "1\n");
}

TEST_CASE("the channels of one alert are delivered side by side: a slow one holds up none of the others") {
  Fixture f;
  std::string jsonl = f.dir + "/alerts.jsonl";
  // The command succeeds only if the jsonl line arrives while it runs: one
  // after the other, it would wait for it in vain (and fail, 3 times).
  std::string wait_for_jsonl = "cat >/dev/null; for i in $(seq 100); do [ -s '" + jsonl +
                               "' ] && exit 0; sleep 0.05; done; echo no jsonl line meanwhile; exit 1";
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Command, {"sh", "-c", wait_for_jsonl}),
                            channel(plan::Channel::Kind::Jsonl, {jsonl})});
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(f.db.query("select channel, status, tries from flow.alerts order by id") ==
        "command|delivered|1\n"
        "jsonl|delivered|1\n");
  CHECK(f.sink->counts().sent == 1);
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

TEST_CASE("a command channel printing bytes that are not UTF-8 is recorded, each bad byte written as a hex escape") {
  Fixture f;
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Command, {"sh", "-c", "cat >/dev/null; printf 'bad \\377\\376 end\\n'; exit 1"})});
  f.sink->raise(p, failure(f.db.run_id));
  // PostgreSQL refused the bytes themselves: the row was lost, and so was the dedupe.
  CHECK(f.db.query("select status, error from flow.alerts") == "failed|command sh: exit 1: bad \\xff\\xfe end (3 tries)\n");
  CHECK(f.sink->counts().failed == 1);
}

TEST_CASE("a jsonl path relative to the project is named in its normal form") {
  const std::string project = testing::scratch_dir("alert-project");
  std::filesystem::create_directories(project + "/adir");
  Fixture f("", project + "/.");  // as `.` is, for a project in the current directory
  f.sink->raise(make_plan({channel(plan::Channel::Kind::Jsonl, {"adir"})}), failure(f.db.run_id));
  CHECK(f.db.query("select error from flow.alerts") ==
        "jsonl adir: cannot open " + project +
            "/adir: Is a directory (1 try, not retried: another try cannot "
            "help)\n");
}

TEST_CASE("errors no retry can fix are tried once and the failure says why") {
  Fixture f;
  ::setenv("FLOWC_ALERT_TEST_FTP_HOOK", "ftp://127.0.0.1/x", 1);
  ::setenv("FLOWC_ALERT_TEST_FILE_HOOK", "file:///etc/hostname", 1);
  ::setenv("FLOWC_ALERT_TEST_BARE_HOOK", "S3cr3tNoSchemeXYZ", 1);  // libcurl would guess http://
  plan::Channel ftp;
  ftp.kind = plan::Channel::Kind::Webhook;
  ftp.secret_env = "FLOWC_ALERT_TEST_FTP_HOOK";
  plan::Channel file = ftp;
  file.secret_env = "FLOWC_ALERT_TEST_FILE_HOOK";
  plan::Channel bare = ftp;
  bare.secret_env = "FLOWC_ALERT_TEST_BARE_HOOK";
  plan::Plan p =
      make_plan({ftp, file, bare, webhook("http://[zz/hook"), channel(plan::Channel::Kind::Jsonl, {f.dir})});
  f.sink->raise(p, failure(f.db.run_id));
  CHECK(f.db.query("select tries, error from flow.alerts order by id") ==
        "1|webhook env(FLOWC_ALERT_TEST_FTP_HOOK): Unsupported protocol (1 try, not retried: only http and "
        "https "
        "urls are sent)\n"
        "1|webhook env(FLOWC_ALERT_TEST_FILE_HOOK): Unsupported protocol (1 try, not retried: only http and "
        "https "
        "urls are sent)\n"
        "1|webhook env(FLOWC_ALERT_TEST_BARE_HOOK): Unsupported protocol (1 try, not retried: only http and "
        "https "
        "urls are sent)\n"
        "1|webhook http://[zz/hook: URL using bad/illegal format or missing URL (1 try, not retried: the url "
        "is "
        "malformed)\n"
        "1|jsonl " +
            f.dir + ": cannot open " + f.dir +
            ": Is a directory (1 try, not retried: another try cannot "
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
  CHECK(processes_running(std::string("sleep\0"
                                      "7781",
                                      10)) == 0);
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
  std::string lines = file_text(dir + "/a.jsonl");
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 2);
  CHECK(sink.counts().sent == 2);
  std::string printed = file_text(err_path);
  CHECK(printed.starts_with("flowc: alerts are sent to their channels but not recorded or deduplicated: state database: "));
  CHECK(std::count(printed.begin(), printed.end(), '\n') == 1);
}

TEST_CASE("an alert raised after the state database restarted is recorded, not only sent") {
  Fixture f;
  std::string jsonl = f.dir + "/alerts.jsonl";
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Jsonl, {jsonl})}, 0);
  f.sink->raise(p, failure(f.db.run_id));  // opens the store's connection
  std::string error;
  REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
  REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), error), error);
  f.sink->raise(p, failure(f.db.run_id));  // its kept connection was ended by the restart
  CHECK(f.db.query("select count(*) from flow.alerts") == "2\n");
  CHECK(f.stderr_text().find("not recorded") == std::string::npos);
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
  std::string lines = file_text(jsonl);
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

TEST_CASE("a stop request ends a webhook delivery where it is: no further try, recorded as stopped") {
  LoopbackListener hung;  // connects, never answers
  std::stop_source stop;
  alert::DeliveryOptions options;
  options.http_timeout = 60s;  // far beyond the stop: the request must end at the stop, not here
  options.stop = stop.get_token();
  std::jthread stopper([&stop] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto started = std::chrono::steady_clock::now();
  alert::Delivery d = alert::deliver(webhook("http://127.0.0.1:" + std::to_string(hung.port()) + "/hook"),
                                     json{{"kind", "failure"}}, options);
  CHECK(std::chrono::steady_clock::now() - started < 30s);
  CHECK(d.stopped);
  CHECK_FALSE(d.ok);
  CHECK(d.tries == 1);
  CHECK(d.error.find("stopped") != std::string::npos);
}
