// Alerts a flowc was sending when it ended: recorded `sending` before any
// channel is tried, and delivered by the next flowc that drives a run of the
// workflow, or by a scheduler's next wake, once their sender is known gone;
// never while it may still be at it.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "runtime/state/machine_key.h"
#include "runtime/state/store.h"
#include "tests/integration/alert_support.h"
#include "tests/integration/run_support.h"
#include "tests/support/process_state.h"

namespace fs = std::filesystem;
using namespace flowc;
using namespace flowc::runtime;
using namespace flowc::testing;
using namespace std::chrono_literals;

namespace {

/// One row of the fixture's alert as `sender` left it sending, over the
/// route's channel `index`.
int64_t left_sending(Fixture& f, const plan::Plan& p, const alert::Sender& sender, int index = 0,
                     const std::string& env = "") {
  alert::AlertRecord row;
  row.run_id = f.db.run_id;
  row.workflow = p.workflow;
  row.task = "stage_orders";
  row.kind = "failure";
  row.route = "oncall";
  row.channel = "webhook";
  row.channel_index = index;
  row.severity = "high";
  row.dedup_key = "oncall/daily_kpi/stage_orders/permanent";
  row.payload = R"({"kind":"failure","run_id":1,"task":"stage_orders","env":")" + env + R"("})";
  row.created_at = std::chrono::system_clock::now();
  alert::AlertStore store(f.db.dsn, "flow");
  std::string error;
  auto ids = store.begin_sending({row}, sender, error);
  REQUIRE_MESSAGE(ids, error);
  return ids->front();
}

/// A process of this machine that has ended: its PID names nobody now.
std::string gone_process_name() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const std::string self = state::default_worker();
  return self.substr(0, self.find(':') + 1) + std::to_string(child);
}

/// A project whose production workflow `paged` (with the `schedule` line,
/// if any) pages route `oncall` when its one task, `sh -c TEST`, fails. The
/// route's command channel hangs at its first delivery, its pid in
/// channel.pid (for a test to kill flowc there); once a file `second`
/// exists it writes what it is sent to delivered.json. `more_channels`
/// follows it in `notify`.
fs::path paged_project(const std::string& name, const std::string& more_channels, const std::string& schedule,
                       const std::string& test) {
  fs::path dir = write_project(name, {});
  nlohmann::json argv = {"sh", "-c", test};
  std::ofstream(dir / "paged.flow") << "route oncall {\n"
                                       "  owner  = \"data-eng\"\n"
                                       "  notify = [command([\"sh\", \"-c\", \"if test -e second; then cat > "
                                       "delivered.json; else echo $$ > "
                                       "channel.pid; exec sleep 60; fi\"])"
                                    << more_channels
                                    << "]\n}\n\nworkflow paged {\n"
                                       "  owner      = \"data-eng\"\n"
                                       "  stage      = production\n"
                                    << schedule
                                    << "  on_failure = alert(oncall)\n"
                                       "  param ds: date = logical_date\n\n"
                                       "  task load {\n"
                                       "    run = command("
                                    << argv.dump() << ")\n  }\n}\n";
  return dir;
}

}  // namespace

TEST_CASE("an alert left sending is delivered again only once its sender is known gone or overdue") {
  Fixture f;
  TestServer server;
  plan::Plan p = make_plan({webhook(server.url())}, 0);  // no dedupe: each row is sent
  const auto later = std::chrono::system_clock::now() + 1h;
  const auto earlier = std::chrono::system_clock::now() - 1min;
  // This very process, still within its channels' time: it is sending.
  int64_t live = left_sending(f, p, {state::default_worker(), state::machine_key(), later});
  // Another machine's flowc, within its time: nothing here can tell.
  int64_t remote = left_sending(f, p, {"elsewhere:12", "another-boot/pid:[1]", later});
  // A process of this machine that is gone.
  int64_t gone = left_sending(f, p, {gone_process_name(), state::machine_key(), later});
  // Another machine's flowc, past the longest its channels could take.
  int64_t overdue = left_sending(f, p, {"elsewhere:13", "another-boot/pid:[1]", earlier});
  // A run of the workflow in another environment: that environment's runs send it.
  int64_t dev = left_sending(f, p, {"elsewhere:15", "another-boot/pid:[1]", earlier}, 0, "dev");

  f.sink->resend_interrupted(p);

  CHECK(server.requests().size() == 2);
  auto status = [&](int64_t id) {
    return f.db.query("select status from flow.alerts where id = " + std::to_string(id));
  };
  CHECK(status(live) == "sending\n");
  CHECK(status(remote) == "sending\n");
  CHECK(status(gone) == "delivered\n");
  CHECK(status(overdue) == "delivered\n");
  CHECK(status(dev) == "sending\n");
  CHECK(f.db.query("select tries from flow.alerts where id = " + std::to_string(overdue)) == "1\n");
  const std::string err = f.stderr_text();
  CHECK(err.find("flowc: delivered the failure alert of run " + std::to_string(f.db.run_id) +
                 ", task stage_orders (route oncall, webhook) that flowc elsewhere:13 was sending when it "
                 "ended\n") != std::string::npos);
  // Counted in no run's summary.
  CHECK(f.sink->counts().sent == 0);

  // Delivered once: a second look finds nothing left to send.
  f.sink->resend_interrupted(p);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a scheduler's look for alerts left sending sees what the resend would read, and no more") {
  Fixture f;
  TestServer server;
  plan::Plan p = make_plan({webhook(server.url())}, 0);
  state::StateStore store(f.db.dsn, "flow");
  auto sending = [&](const std::string& workflow, const std::string& env) {
    bool any = true;
    REQUIRE(store.alerts_sending(workflow, env, any));
    return any;
  };
  CHECK_FALSE(sending(p.workflow, ""));
  // Another environment's row is that environment's.
  left_sending(f, p, {gone_process_name(), state::machine_key(), std::chrono::system_clock::now()}, 0, "dev");
  CHECK_FALSE(sending(p.workflow, ""));
  CHECK_FALSE(sending(p.workflow, "production"));
  CHECK(sending(p.workflow, "dev"));
  // The default environment, as an earlier flowc wrote it ("") and as named.
  left_sending(f, p, {gone_process_name(), state::machine_key(), std::chrono::system_clock::now()});
  CHECK(sending(p.workflow, ""));
  CHECK(sending(p.workflow, "production"));
  CHECK_FALSE(sending("another_workflow", ""));
  // Delivered: nothing left for a wake to start a resend for.
  f.sink->resend_interrupted(p);
  CHECK(server.requests().size() == 1);
  CHECK_FALSE(sending(p.workflow, ""));
}

TEST_CASE("an interrupted alert delivered again within the route's repeat is suppressed, not sent twice") {
  Fixture f;
  TestServer server;
  plan::Plan p = make_plan({webhook(server.url())}, 3600);
  const auto earlier = std::chrono::system_clock::now() - 1min;
  int64_t id = left_sending(f, p, {"elsewhere:16", "another-boot/pid:[1]", earlier});
  // The retry of the killed run failed the same way, and paged.
  f.sink->raise(p, failure(f.db.run_id));
  REQUIRE(server.requests().size() == 1);
  f.sink->resend_interrupted(p);
  CHECK(server.requests().size() == 1);
  CHECK(
      f.db.query("select status, error from flow.alerts where id = " + std::to_string(id)) ==
      "suppressed|repeat: delivered within the last 1h (flowc elsewhere:16 ended while sending this one)\n");
}

TEST_CASE("a sender taken over does not overwrite the new sender's record when it resumes") {
  Fixture f;
  plan::Plan p = make_plan({webhook("http://127.0.0.1:9/")});
  const alert::Sender paused{"elsewhere:17", "another-boot/pid:[1]", std::chrono::system_clock::now() - 1min};
  int64_t id = left_sending(f, p, paused);
  alert::AlertStore store(f.db.dsn, "flow");
  std::string error;
  const alert::Sender next{"here:1", "this-boot/pid:[1]", std::chrono::system_clock::now() + 1h};
  REQUIRE(store.take_over(id, paused.name, next, error));
  alert::AlertRecord late;
  late.status = "failed";
  late.error = "the paused sender's outcome";
  REQUIRE(store.finish_sending({id}, {late}, paused, error));
  CHECK(f.db.query("select status, sender from flow.alerts where id = " + std::to_string(id)) ==
        "sending|here:1\n");
  alert::AlertRecord done;
  done.status = "delivered";
  REQUIRE(store.finish_sending({id}, {done}, next, error));
  CHECK(f.db.query("select status from flow.alerts where id = " + std::to_string(id)) == "delivered\n");
}

TEST_CASE("an interrupted alert whose channel the route no longer has is recorded failed, saying why") {
  Fixture f;
  TestServer server;
  plan::Plan p = make_plan({webhook(server.url())});
  int64_t id = left_sending(
      f, p, {"elsewhere:14", "another-boot/pid:[1]", std::chrono::system_clock::now() - 1min}, 1);
  f.sink->resend_interrupted(p);
  CHECK(server.requests().empty());
  CHECK(f.db.query("select status, error from flow.alerts where id = " + std::to_string(id)) ==
        "failed|flowc elsewhere:14 ended while sending it, and route `oncall` no longer has this webhook "
        "channel\n");
}

TEST_CASE("run: kill -9 while an alert is delivered leaves it sending, and the next run delivers it") {
  std::string dsn = fresh_database("alert_resend");
  // flowc is killed while the first page hangs; the task fails until `second` exists.
  fs::path dir = paged_project("alert_resend", ", jsonl(\"alerts.jsonl\")", "", "test -e second");
  const std::string project = dir.string();
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output());
  const pid_t channel = wait_for_pid(dir / "channel.pid", 30);
  REQUIRE(channel > 0);
  // Both channels' rows are recorded before either is tried; the command's
  // stays `sending` while it hangs.
  CHECK(query_one(dsn, "select string_agg(channel, ', ' order by id) from flow.alerts") == "command, jsonl");
  CHECK(query_one(dsn, "select status from flow.alerts where channel = 'command'") == "sending");
  // The channels are delivered side by side: the jsonl line arrives, and is
  // recorded, while the command hangs.
  REQUIRE(wait_for(dsn, "select status from flow.alerts where channel = 'jsonl'", "delivered", 30));
  ::kill(run.pid, SIGKILL);
  CHECK(run.wait() == 128 + SIGKILL);
  ::kill(channel, SIGKILL);
  const std::string killed = query_one(dsn, "select sender from flow.alerts limit 1");
  CHECK(query_one(dsn, "select string_agg(channel || ' ' || status, ', ' order by id) from flow.alerts") ==
        "command sending, jsonl delivered");

  std::ofstream(dir / "second") << "";
  auto next = run_flowc(project, {"run", ".", "--ds", "2026-11-25", "--dsn", dsn});
  INFO(next.output);
  CHECK(next.exit_code == 0);
  CHECK(next.output.find(
            "flowc: delivered the failure alert of run 1, task load (route oncall, command) that flowc " +
            killed + " was sending when it ended\n") != std::string::npos);
  CHECK(query_one(dsn, "select string_agg(channel || ' ' || status, ', ' order by id) from flow.alerts") ==
        "command delivered, jsonl delivered");
  auto delivered = nlohmann::json::parse(file_text((dir / "delivered.json").string()));
  CHECK(delivered["run_id"] == 1);
  CHECK(delivered["task"] == "load");
  CHECK(delivered["ds"] == "2026-11-24");
  std::string jsonl = file_text((dir / "alerts.jsonl").string());
  CHECK(std::count(jsonl.begin(), jsonl.end(), '\n') == 1);
}

namespace {

/// A project like paged_project's whose workflow is scheduled daily and
/// whose task fails only for 2026-11-24; `flowc schedule` up with the day's
/// scheduled run done; then an operator's run of 2026-11-24 killed with -9
/// while its page hangs, leaving the alert `sending`, and the page's
/// process killed. With `deliverable`, `second` exists from then on.
/// Returns the scheduler and the killed flowc's sender name.
std::pair<Background, std::string> scheduler_beside_killed_page(const std::string& name,
                                                                const std::string& dsn, bool deliverable) {
  fs::path dir =
      paged_project(name, "", "  schedule   = cron(\"0 0 * * *\")\n", "test \"$FLOW_DS\" != 2026-11-24");
  const std::string project = dir.string();
  Background scheduler = start_flowc(project, {"schedule", ".", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select status from flow.runs where trigger = 'schedule'", "succeeded", 60));
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  const pid_t channel = wait_for_pid(dir / "channel.pid", 30);
  REQUIRE(channel > 0);
  // Before the kill: the scheduler's next wake may come at any moment.
  if (deliverable) std::ofstream(dir / "second") << "";
  ::kill(run.pid, SIGKILL);
  CHECK(run.wait() == 128 + SIGKILL);
  ::kill(channel, SIGKILL);
  return {std::move(scheduler), query_one(dsn, "select sender from flow.alerts")};
}

}  // namespace

TEST_CASE("schedule: an alert a killed `flowc run` was sending is delivered at the scheduler's next wake") {
  std::string dsn = fresh_database("alert_resend_schedule");
  auto [scheduler, killed] = scheduler_beside_killed_page("alert_resend_schedule", dsn, true);
  // The next wake is at most 15 s away; the workflow's next run a day.
  CHECK(wait_for(dsn, "select status from flow.alerts", "delivered", 40));
  ::kill(scheduler.pid, SIGTERM);
  CHECK(scheduler.wait() == 0);
  INFO(scheduler.output());
  CHECK(scheduler.output().find(
            "flowc: delivered the failure alert of run 2, task load (route oncall, command) that "
            "flowc " +
            killed + " was sending when it ended\n") != std::string::npos);
  const fs::path dir = fs::path(scheduler.output_path).parent_path();
  CHECK(nlohmann::json::parse(file_text((dir / "delivered.json").string()))["ds"] == "2026-11-24");
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "2");
}

TEST_CASE("schedule: SIGTERM during a resend ends it at once and leaves the alert for the next flowc") {
  std::string dsn = fresh_database("alert_resend_stop");
  auto [scheduler, killed] = scheduler_beside_killed_page("alert_resend_stop", dsn, false);
  const fs::path dir = fs::path(scheduler.output_path).parent_path();
  const std::string first_page = file_text((dir / "channel.pid").string());
  // The scheduler's resend hangs in the channel as the first page did.
  pid_t resend_page = 0;
  for (int i = 0; i < 40 * 10 && resend_page == 0; ++i) {
    ::usleep(100 * 1000);
    if (std::string page = file_text((dir / "channel.pid").string());
        page != first_page && !page.empty() && page.back() == '\n')
      resend_page = static_cast<pid_t>(std::stol(page));
  }
  REQUIRE(resend_page > 0);
  ::kill(scheduler.pid, SIGTERM);
  // Without the stop, the channel's three 30 s tries would be waited out.
  bool exited = false;
  for (int i = 0; i < 20 * 10 && !exited; ++i) {
    ::usleep(100 * 1000);
    exited = ::waitpid(scheduler.pid, nullptr, WNOHANG) == scheduler.pid;
  }
  INFO(scheduler.output());
  CHECK(exited);
  if (exited) {
    scheduler.pid = -1;
  } else {
    ::kill(scheduler.pid, SIGKILL);
    scheduler.wait();
  }
  CHECK_FALSE(process_running(resend_page));
  // Still to be delivered, now the scheduler's: the next flowc sends it.
  CHECK(query_one(dsn, "select status from flow.alerts") == "sending");
  CHECK(query_one(dsn, "select sender from flow.alerts") != killed);
}

TEST_CASE(
    "schedule --once: a day already done still delivers what a killed flowc was sending, before it exits") {
  std::string dsn = fresh_database("alert_resend_once");
  fs::path dir = paged_project("alert_resend_once", "", "  schedule   = cron(\"0 0 * * *\")\n",
                               "test \"$FLOW_DS\" != 2026-11-24");
  const std::string project = dir.string();
  auto first = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  REQUIRE(first.exit_code == 0);
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  const pid_t channel = wait_for_pid(dir / "channel.pid", 30);
  REQUIRE(channel > 0);
  ::kill(run.pid, SIGKILL);
  CHECK(run.wait() == 128 + SIGKILL);
  ::kill(channel, SIGKILL);
  std::ofstream(dir / "second") << "";

  // The owed day is skipped (it succeeded): only the wake's resend sends.
  auto once = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(once.output);
  CHECK(once.exit_code == 0);
  CHECK(once.output.find("skipped: run 1 succeeded already") != std::string::npos);
  CHECK(query_one(dsn, "select status from flow.alerts") == "delivered");
  CHECK(fs::exists(dir / "delivered.json"));
}
