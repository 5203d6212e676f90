// What `flowc backfill` prints: the summary at the end.
#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cli/backfill_progress.h"

using flowc::cli::BackfillDay;
using flowc::cli::BackfillProgress;

namespace {

BackfillDay day(std::string ds) {
  BackfillDay d;
  d.ds = std::move(ds);
  return d;
}

}  // namespace

TEST_CASE("the backfill summary counts one day as a day") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01")});
  progress.started(0);
  progress.finished(0, BackfillDay::State::Succeeded, 7, "");
  CHECK(progress.print_summary(out, "2026-11-01", "2026-11-01", false) == BackfillDay::State::Succeeded);
  CHECK(out.str().find("from 2026-11-01 to 2026-11-01: 1 day, 1 succeeded") != std::string::npos);
}

TEST_CASE("the backfill summary counts several days as days") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01"), day("2026-11-02")});
  progress.print_summary(out, "2026-11-01", "2026-11-02", false);
  CHECK(out.str().find(": 2 days, 0 succeeded") != std::string::npos);
}

TEST_CASE("days an interruption left out: three or more consecutive days are one span") {
  std::ostringstream out;
  std::vector<BackfillDay> days;
  for (int d = 1; d <= 9; ++d) days.push_back(day("2026-11-0" + std::to_string(d)));
  BackfillProgress progress(out, false, "w", days);
  for (size_t i : {0U, 3U, 5U}) {
    progress.started(i);
    progress.finished(i, BackfillDay::State::Succeeded, static_cast<int64_t>(i) + 1, "");
  }
  // Not run: 02,03 (two), 05 (one), 07..09 (three).
  CHECK(progress.print_summary(out, "2026-11-01", "2026-11-09", true) == BackfillDay::State::Failed);
  CHECK(out.str().find("  not run (interrupted): 2026-11-02, 2026-11-03, 2026-11-05, 2026-11-07 to 2026-11-09 (3 days)\n") !=
        std::string::npos);
}

TEST_CASE("a day another run held is refused with that reason, not failed") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01"), day("2026-11-02")});
  progress.started(0);
  progress.finished(0, BackfillDay::State::Succeeded, 7, "");
  progress.started(1);
  progress.finished(1, BackfillDay::State::Refused, 0, "a run of w for 2026-11-02 is already in progress (run 5)");
  CHECK(progress.print_summary(out, "2026-11-01", "2026-11-02", false) == BackfillDay::State::Refused);
  const std::string text = out.str();
  CHECK(text.find("backfill w 2026-11-02 refused: a run of w for 2026-11-02 is already in progress (run 5)\n") !=
        std::string::npos);
  CHECK(text.find(": 2 days, 1 succeeded, 0 failed, 0 skipped, 1 refused\n") != std::string::npos);
  CHECK(text.find("  refused 2026-11-02: a run of w for 2026-11-02 is already in progress (run 5)\n") !=
        std::string::npos);
  CHECK(text.find("failed 2026-11-02") == std::string::npos);
  // The same command would refuse it again: the day's own line says what it needs.
  CHECK(text.find("run the same command again") == std::string::npos);
}

TEST_CASE("with a refused day beside a failed one, running again retries the failed one only") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01"), day("2026-11-02")});
  progress.started(0);
  progress.finished(0, BackfillDay::State::Failed, 7, "task t: division by zero");
  progress.started(1);
  progress.finished(1, BackfillDay::State::Refused, 0,
                    "run 5 got past append task t: flowc retry 5, or --force");
  CHECK(progress.print_summary(out, "2026-11-01", "2026-11-02", false) == BackfillDay::State::Failed);
  CHECK(
      out.str().ends_with("  run the same command again to retry the days that failed or did not run "
                          "(succeeded days are skipped; a "
                          "refused day is refused again until it has what its line asks for)\n"));
}

TEST_CASE("a day's turn comes once every earlier day's run exists or the day ended, and never after a stop") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01"), day("2026-11-02"), day("2026-11-03")});
  std::stop_source none;
  CHECK(progress.wait_turn(0, none.get_token()));  // no earlier day
  progress.started(0);
  progress.run_created(0, 7);  // day 1's run exists: day 2 may create its own
  CHECK(progress.wait_turn(1, none.get_token()));
  progress.started(1);
  progress.finished(1, BackfillDay::State::Refused, 0, "held elsewhere");  // ended without a run
  CHECK(progress.wait_turn(2, none.get_token()));
  // Asked to stop: no new day starts, whosever turn it is.
  std::stop_source stopped;
  stopped.request_stop();
  CHECK_FALSE(progress.wait_turn(0, stopped.get_token()));
  CHECK_FALSE(progress.wait_turn(2, stopped.get_token()));
}

TEST_CASE("a day whose earlier day has not created its run waits, until a stop") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01"), day("2026-11-02")});
  progress.started(0);
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop.request_stop();
  });
  CHECK_FALSE(progress.wait_turn(1, stop.get_token()));
}

TEST_CASE("after a forced backfill the advice to run it again leaves --force out") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {day("2026-11-01"), day("2026-11-02")});
  progress.started(0);
  progress.finished(0, BackfillDay::State::Succeeded, 7, "");
  progress.started(1);
  progress.finished(1, BackfillDay::State::Failed, 8, "task t: division by zero");
  CHECK(progress.print_summary(out, "2026-11-01", "2026-11-02", false, true) == BackfillDay::State::Failed);
  CHECK(out.str().ends_with(
      "  run the same command without --force to retry the days that failed or did not run "
      "(succeeded days are skipped; with --force every day runs again)\n"));
}
