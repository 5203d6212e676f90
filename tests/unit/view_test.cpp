// The operator view: plain lines and the end-of-run summary as exact text,
// the live view's redraws and final frame.
#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <thread>

#include "runtime/view/live_view.h"
#include "runtime/view/plain_view.h"
#include "runtime/view/summary.h"
#include "runtime/view/text.h"
#include "runtime/view/view.h"

using namespace flowc;
using namespace flowc::runtime;
using namespace std::chrono_literals;

namespace {

const Clock::time_point kStart = Clock::from_time_t(1795503600);  // 2026-11-24T07:00:00Z

plan::Plan make_plan() {
  plan::Plan p;
  p.workflow = "daily_kpi";
  p.ds = "2026-11-24";
  for (const char* name : {"extract_orders", "stage_orders", "revenue_daily"}) p.tasks.emplace_back().name = name;
  return p;
}

TaskEvent event(uint32_t task, TaskState state, uint32_t attempt, int seconds, std::string message = "",
                std::string log = "") {
  TaskEvent e;
  e.run_id = 12;
  e.task = task;
  e.state = state;
  e.attempt = attempt;
  e.message = std::move(message);
  e.log_path = std::move(log);
  e.at = kStart + std::chrono::seconds(seconds);
  return e;
}

RunSummary failed_summary() {
  RunSummary s;
  s.run_id = 12;
  s.workflow = "daily_kpi";
  s.ds = "2026-11-24";
  s.status = RunStatus::Failed;
  s.started = kStart;
  s.finished = kStart + 65s;
  s.task_states = {TaskState::Succeeded, TaskState::Failed, TaskState::UpstreamFailed};
  s.task_attempts = {1, 3, 0};
  s.task_errors = {"", "relation \"raw.orders\" does not exist\nLINE 1: select ...", ""};
  s.warnings = 1;
  s.alerts_sent = 1;
  s.alerts_suppressed = 2;
  return s;
}

/// The events of a run where stage_orders fails after one retry.
void play(RunObserver& view) {
  view.on_task(event(0, TaskState::Waiting, 0, 1, "waiting for raw.orders to be ready"));
  view.on_task(event(0, TaskState::Waiting, 0, 2, "waiting for raw.orders to be ready"));  // repeated poll
  view.on_task(event(0, TaskState::Ready, 0, 2));
  view.on_task(event(0, TaskState::Running, 1, 2));
  view.on_task(event(0, TaskState::Succeeded, 1, 3));
  view.on_task(event(1, TaskState::Running, 1, 3));
  view.on_task(event(1, TaskState::RetryWait, 1, 4, "could not connect to server", ".flow/logs/12/stage_orders.1.log"));
  view.on_task(event(1, TaskState::Running, 2, 34));
  view.on_task(event(1, TaskState::Failed, 2, 35, "relation \"raw.orders\" does not exist\nLINE 1: select ...",
                     ".flow/logs/12/stage_orders.2.log"));
  view.on_task(event(2, TaskState::UpstreamFailed, 0, 35));
}

}  // namespace

TEST_CASE("durations and times read well") {
  CHECK(view::format_utc(kStart + 3s) == "2026-11-24T07:00:03Z");
  CHECK(view::format_duration(400ms) == "0.4s");
  CHECK(view::format_duration(12500ms) == "12.5s");
  CHECK(view::format_duration(65s) == "1m05s");
  CHECK(view::format_duration(7380s) == "2h03m");
  // Rounded, not truncated: the same run reads the same everywhere.
  CHECK(view::format_duration(5577ms) == "5.6s");
  CHECK(view::format_duration(92ms) == "0.1s");
  CHECK(view::format_duration(3572ms) == "3.6s");
  CHECK(view::format_duration(49ms) == "0.0s");
  CHECK(view::format_duration(59'960ms) == "1m00s");
  CHECK(view::format_duration(3'599'600ms) == "1h00m");
  CHECK(view::format_duration(5'429'999ms) == "1h30m");
  CHECK(view::format_elapsed(12900ms) == "12s");
  CHECK(view::first_line("abcdef\nxyz", 5) == "ab...");
  CHECK(view::first_line("héllo wörld", 8) == "héllo...");
  // The one first_line of the runtime (events.h): errors quoted in one line.
  CHECK(runtime::first_line("ERROR:  relation \"x\" does not exist  \r\nLINE 1: select") ==
        "ERROR:  relation \"x\" does not exist");
  CHECK(runtime::first_line("no newline") == "no newline");
  CHECK(runtime::first_line("ab  \r\ncd", 10) == "ab");
}

TEST_CASE("plain lines: one timestamped line per change") {
  std::ostringstream out;
  view::PlainView plain(out, [] { return kStart; });
  plan::Plan p = make_plan();
  plain.on_run_started(12, p);
  play(plain);
  plain.on_run_finished(failed_summary());
  CHECK(out.str() ==
        "2026-11-24T07:00:00Z daily_kpi run 12 started (ds 2026-11-24, 3 tasks)\n"
        "2026-11-24T07:00:01Z daily_kpi extract_orders waiting: waiting for raw.orders to be ready\n"
        "2026-11-24T07:00:02Z daily_kpi extract_orders running (attempt 1)\n"
        "2026-11-24T07:00:03Z daily_kpi extract_orders succeeded (attempt 1, 1.0s)\n"
        "2026-11-24T07:00:03Z daily_kpi stage_orders running (attempt 1)\n"
        "2026-11-24T07:00:04Z daily_kpi stage_orders attempt 1 failed, will retry: could not connect to server "
        "(log .flow/logs/12/stage_orders.1.log)\n"
        "2026-11-24T07:00:34Z daily_kpi stage_orders running (attempt 2)\n"
        "2026-11-24T07:00:35Z daily_kpi stage_orders failed: relation \"raw.orders\" does not exist "
        "(log .flow/logs/12/stage_orders.2.log)\n"
        "2026-11-24T07:00:35Z daily_kpi revenue_daily upstream_failed\n"
        "2026-11-24T07:01:05Z daily_kpi run 12 failed in 1m05s\n");
}

TEST_CASE("plain lines: a final status the state database did not take says it is not recorded") {
  std::ostringstream out;
  view::PlainView plain(out, [] { return kStart; });
  RunSummary summary = failed_summary();
  summary.status_recorded = false;
  plain.on_run_finished(summary);
  CHECK(
      out.str() ==
      "2026-11-24T07:01:05Z daily_kpi run 12 failed in 1m05s (not recorded: the state database could not be "
      "reached)\n");
}

TEST_CASE("plain lines of a worker name the run, since its output interleaves runs") {
  std::ostringstream out;
  view::PlainView plain(out, [] { return kStart; }, true);
  plan::Plan p = make_plan();
  plain.on_run_started(12, p);
  plain.on_task(event(0, TaskState::Running, 1, 2));
  plain.on_task(event(0, TaskState::Succeeded, 1, 3));
  CHECK(out.str() ==
        "2026-11-24T07:00:00Z daily_kpi run 12 (ds 2026-11-24): taking up its ready tasks\n"
        "2026-11-24T07:00:02Z daily_kpi run 12 extract_orders running (attempt 1)\n"
        "2026-11-24T07:00:03Z daily_kpi run 12 extract_orders succeeded (attempt 1, 1.0s)\n");
}

TEST_CASE("the summary has status and a row per task and warnings and alerts and where to look next") {
  std::ostringstream out;
  view::print_summary(failed_summary(), make_plan(), "", out);
  CHECK(out.str() ==
        "run 12 daily_kpi ds 2026-11-24: failed in 1m05s\n"
        "\n"
        "  task            state            attempts  error\n"
        "  extract_orders  succeeded        1\n"
        "  stage_orders    failed           3         relation \"raw.orders\" does not exist\n"
        "  revenue_daily   upstream_failed  0\n"
        "\n"
        "1 warning; alerts: 1 sent, 2 suppressed\n"
        "details: flowc status 12\n"
        "affected: flowc impact --run 12 says what its failures made stale, and who to tell\n"
        "retry: flowc retry 12 --dry-run says what would run again and whether that is safe\n");
}

TEST_CASE("the summary's hints name the project when it is not the current directory") {
  std::ostringstream out;
  view::print_summary(failed_summary(), make_plan(), " examples/daily_kpi", out);
  const std::string text = out.str();
  CHECK(text.ends_with(
      "details: flowc status 12 examples/daily_kpi\n"
      "affected: flowc impact --run 12 examples/daily_kpi says what its failures made stale, and who to "
      "tell\n"
      "retry: flowc retry 12 examples/daily_kpi --dry-run says what would run again and whether "
      "that is safe\n"));
}

TEST_CASE("the summary of a clean run in an environment") {
  RunSummary s = failed_summary();
  s.status = RunStatus::Succeeded;
  s.env = "staging";
  s.finished = kStart + 4200ms;
  s.task_states = {TaskState::Succeeded, TaskState::Succeeded, TaskState::Succeeded};
  s.task_attempts = {1, 1, 1};
  s.task_errors = {"", "", ""};
  s.warnings = 0;
  s.alerts_sent = 0;
  s.alerts_suppressed = 0;
  std::ostringstream out;
  view::print_summary(s, make_plan(), "", out);
  CHECK(out.str() ==
        "run 12 daily_kpi ds 2026-11-24 env staging: succeeded in 4.2s\n"
        "\n"
        "  task            state      attempts  error\n"
        "  extract_orders  succeeded  1\n"
        "  stage_orders    succeeded  1\n"
        "  revenue_daily   succeeded  1\n"
        "\n"
        "0 warnings; alerts: 0 sent, 0 suppressed\n"
        "details: flowc status 12\n");
}

TEST_CASE("a retry's summary says what the retry took and the run's duration since its first start") {
  RunSummary s = failed_summary();
  s.status = RunStatus::Succeeded;
  s.first_started = kStart - 5277ms;  // the run began 5.3s before this retry
  s.finished = kStart + 300ms;
  std::ostringstream out;
  view::print_summary(s, make_plan(), "", out);
  CHECK(out.str().substr(0, out.str().find('\n')) ==
        "run 12 daily_kpi ds 2026-11-24: succeeded; retry took 0.3s, run 5.6s since its first start");
  CHECK(view::run_took(s) == "; retry took 0.3s, run 5.6s since its first start");
}

TEST_CASE("the live view redraws in place and ends on the final state") {
  ::unsetenv("NO_COLOR");
  std::ostringstream out;
  Clock::time_point now = kStart;
  view::LiveViewOptions options;
  options.min_interval = 0ms;  // draw every change
  options.ticker = false;
  options.now = [&] { return now; };
  view::LiveView live(out, options);
  plan::Plan p = make_plan();
  live.on_run_started(12, p);
  now = kStart + 35s;
  play(live);
  CHECK(live.frame() == std::vector<std::string>{
                            "daily_kpi run 12 ds 2026-11-24  running  35s",
                            "waiting 0  running 0  done 1  failed 2",
                            "  extract_orders  succeeded        1   1s",
                            "  stage_orders    failed           2   32s     relation \"raw.orders\" does not exist",
                            "  revenue_daily   upstream_failed  -",
                        });
  live.on_run_finished(failed_summary());
  std::string text = out.str();
  CHECK(text.find("\x1b[5A") != std::string::npos);    // back up over the previous frame
  CHECK(text.find("\r\x1b[2K") != std::string::npos);  // each line cleared before it is drawn
  CHECK(text.find("\x1b[32msucceeded\x1b[0m") != std::string::npos);
  // The last frame: the run's final status and every task's final state.
  std::string last = text.substr(text.rfind("\x1b[5A"));
  CHECK(last.find("daily_kpi run 12 ds 2026-11-24  failed  1m05s") != std::string::npos);
  CHECK(last.find("waiting 0  running 0  done 1  failed 2") != std::string::npos);
  CHECK(last.find("\x1b[31mupstream_failed\x1b[0m") != std::string::npos);
  CHECK(last.ends_with("\x1b[J"));
}

TEST_CASE("the live view honours NO_COLOR and rate-limits redraws and folds long task lists") {
  ::setenv("NO_COLOR", "1", 1);
  std::ostringstream out;
  Clock::time_point now = kStart;
  view::LiveViewOptions options;
  options.ticker = false;
  options.max_rows = 3;
  options.now = [&] { return now; };
  plan::Plan p = make_plan();
  p.tasks.emplace_back().name = "publish";
  view::LiveView live(out, options);
  live.on_run_started(12, p);
  size_t frames = 0;
  auto count_frames = [&] {
    std::string text = out.str();
    size_t n = 0;
    for (size_t at = text.find("\x1b[J"); at != std::string::npos; at = text.find("\x1b[J", at + 1)) ++n;
    return n;
  };
  frames = count_frames();
  now += 1s;
  live.on_task(event(0, TaskState::Running, 1, 1));   // drawn
  live.on_task(event(1, TaskState::Running, 1, 1));   // within 100 ms: not drawn yet
  live.on_task(event(0, TaskState::Succeeded, 1, 1));
  CHECK(count_frames() == frames + 1);
  CHECK(live.frame() == std::vector<std::string>{
                            "daily_kpi run 12 ds 2026-11-24  running  1s",
                            "waiting 2  running 1  done 1  failed 0",
                            "  extract_orders  succeeded        1   0s",
                            "  stage_orders    running          1   0s",
                            "  + 2 more",
                        });
  RunSummary s = failed_summary();
  s.task_states.push_back(TaskState::UpstreamFailed);
  s.task_attempts.push_back(0);
  live.on_run_finished(s);
  CHECK(count_frames() == frames + 2);  // the end is always drawn
  CHECK(out.str().find("\x1b[3") == std::string::npos);  // no colour
  ::unsetenv("NO_COLOR");
}

TEST_CASE("the live view's ticker redraws on its own and is safe from many threads") {
  std::ostringstream out;
  view::LiveViewOptions options;
  options.min_interval = 20ms;
  options.color = false;
  view::LiveView live(out, options);
  plan::Plan p = make_plan();
  live.on_run_started(12, p);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      for (uint32_t a = 1; a <= 50; ++a) {
        TaskEvent e = event(t, TaskState::Running, a, 0);
        e.at = Clock::now();
        live.on_task(e);
      }
    });
  for (auto& t : threads) t.join();
  std::this_thread::sleep_for(100ms);  // the ticker draws what came too fast
  CHECK(live.frame()[1] == "waiting 0  running 3  done 0  failed 0");
  std::string text = out.str();
  CHECK(text.substr(text.rfind("waiting")).starts_with("waiting 0  running 3  done 0  failed 0"));
}

TEST_CASE("make_view picks the live view for a terminal and plain lines otherwise") {
  std::ostringstream plain_out, live_out;
  plan::Plan p = make_plan();
  view::LiveViewOptions options;
  options.ticker = false;
  auto plain = view::make_view(plain_out, false);
  auto live = view::make_view(live_out, true, options);
  plain->on_run_started(12, p);
  live->on_run_started(12, p);
  CHECK(plain_out.str().find(" daily_kpi run 12 started (ds 2026-11-24, 3 tasks)\n") != std::string::npos);
  CHECK(live_out.str().find("\x1b[J") != std::string::npos);
  CHECK(view::live_options_for(-1).columns == 100);  // not a terminal: the defaults
}

TEST_CASE("the summary says when an alert reached no channel") {
  RunSummary s = failed_summary();
  s.alerts_failed = 1;
  std::ostringstream out;
  view::print_summary(s, make_plan(), "", out);
  CHECK(out.str().find("1 warning; alerts: 1 sent, 2 suppressed, 1 not delivered (every channel failed)\n") !=
        std::string::npos);
}

TEST_CASE("a run asked to stop says so, and how not to wait for it, in both views") {
  ::setenv("NO_COLOR", "1", 1);
  std::ostringstream plain_out;
  view::PlainView plain(plain_out, [] { return kStart + 5s; });
  plan::Plan p = make_plan();
  plain.on_run_started(12, p);
  plain.on_run_stopping(false);
  CHECK(plain_out.str() ==
        "2026-11-24T07:00:05Z daily_kpi run 12 started (ds 2026-11-24, 3 tasks)\n"
        "2026-11-24T07:00:05Z daily_kpi run 12 stopping: cancelling the attempts in progress and recording them "
        "as failed (interrupt again to exit at once)\n");

  std::ostringstream live_out;
  Clock::time_point now = kStart;
  view::LiveViewOptions options;
  options.min_interval = 0ms;
  options.ticker = false;
  options.columns = 200;
  options.now = [&] { return now; };
  view::LiveView live(live_out, options);
  live.on_run_started(12, p);
  now = kStart + 7s;
  live.on_run_stopping(false);
  CHECK(live.frame().front() ==
        "daily_kpi run 12 ds 2026-11-24  stopping: recording the attempts (interrupt again to exit at once)  7s");
  CHECK(live_out.str().find("stopping: recording the attempts") != std::string::npos);  // drawn at once
  live.on_run_finished(failed_summary());
  CHECK(live.frame().front() == "daily_kpi run 12 ds 2026-11-24  failed  1m05s");

  // Every task had ended: the stop only waits for the alerts' delivery.
  std::ostringstream after_out;
  view::PlainView after(after_out, [] { return kStart + 5s; });
  after.on_run_started(13, p);
  after.on_run_stopping(true);
  CHECK(
      after_out.str().ends_with("daily_kpi run 13 stopping: every task has ended; its alerts are being "
                                "delivered (interrupt again to exit at "
                                "once)\n"));
  ::unsetenv("NO_COLOR");
}

TEST_CASE("a notice (a log that could not be written) is a line of its own, under the live table") {
  ::setenv("NO_COLOR", "1", 1);
  const std::string notice =
      "extract_orders attempt 1: its log could not be written: cannot write "
      "/srv/etl/.flow/logs/12/extract_orders.1.log: "
      "No space left on device";
  std::ostringstream plain_out;
  view::PlainView plain(plain_out, [] { return kStart + 5s; });
  plan::Plan p = make_plan();
  plain.on_run_started(12, p);
  plain.on_notice(notice);
  CHECK(plain_out.str() ==
        "2026-11-24T07:00:05Z daily_kpi run 12 started (ds 2026-11-24, 3 tasks)\n"
        "2026-11-24T07:00:05Z daily_kpi " +
            notice + "\n");

  std::ostringstream live_out;
  view::LiveViewOptions options;
  options.min_interval = 0ms;
  options.ticker = false;
  options.columns = 200;
  options.now = [] { return kStart; };
  view::LiveView live(live_out, options);
  live.on_run_started(12, p);
  for (int i = 0; i < 4; ++i) live.on_notice(notice + " " + std::to_string(i));
  std::vector<std::string> frame = live.frame();
  REQUIRE(frame.size() == 9);
  CHECK(frame[5] == "note: 1 earlier note not shown (the attempts' records keep them)");
  CHECK(frame[6] == "note: " + notice + " 1");
  CHECK(frame[8] == "note: " + notice + " 3");
  live.on_run_finished(failed_summary());
  CHECK(live.frame().back() == "note: " + notice + " 3");  // kept in the last frame
  ::unsetenv("NO_COLOR");
}
