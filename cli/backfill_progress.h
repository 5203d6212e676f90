// What `flowc backfill` shows while it works: a progress bar on a TTY (days
// done / failed / skipped / running), one plain line per day otherwise; and
// the summary at the end, listing the failed and refused days.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <stop_token>
#include <string>
#include <vector>

#include "runtime/events/events.h"

namespace flowc::cli {

/// One ds of the backfill.
struct BackfillDay {
  /// Refused: another run of the day was in progress (as `flowc run`
  /// refuses it); its day was not run.
  enum class State : uint8_t { Waiting, Running, Succeeded, Failed, Refused, Skipped } state = State::Waiting;
  std::string ds;
  int64_t run_id = 0;       // the run (for skipped days: the latest run, which succeeded)
  std::string reason;       // Failed, Refused: why, in one line
  std::chrono::steady_clock::time_point started;
};

/// Thread-safe: the backfill's runs report from their own threads.
class BackfillProgress {
 public:
  /// `out` must outlive the progress; `terminal` selects the bar.
  BackfillProgress(std::ostream& out, bool terminal, std::string workflow, std::vector<BackfillDay> days);

  /// Waits until every day before `day` has its run created, or ended
  /// without one (skipped, refused, an error): the runs are created oldest
  /// first (cli.md), however their threads race. False when `stop` came
  /// first.
  bool wait_turn(size_t day, const std::stop_token& stop);
  void started(size_t day);
  void run_created(size_t day, int64_t run_id);
  /// `state` is Succeeded, Failed or Refused.
  void finished(size_t day, BackfillDay::State state, int64_t run_id, const std::string& reason);
  /// A run's notice (RunObserver::on_notice), as a line naming the day
  /// (above the bar on a terminal).
  void notice(size_t day, const std::string& text);
  /// Says, at once, that an interrupt is stopping the backfill.
  void stopping();
  /// Ends the bar's line.
  void done();
  /// Prints the summary; returns the worst day's state: Failed when a day
  /// failed or was not run, else Refused when one was refused, else
  /// Succeeded (every day succeeded or was skipped). `forced`: the backfill
  /// ran with --force, which the advice to run it again leaves out.
  BackfillDay::State print_summary(std::ostream& out, const std::string& from, const std::string& to,
                                   bool interrupted, bool forced = false);

 private:
  void show(const std::string& line);
  std::string bar() const;

  std::mutex mutex_;
  std::condition_variable_any turn_;  // a day's run was created, or a day ended
  std::ostream& out_;
  bool terminal_;
  std::string workflow_;
  std::vector<BackfillDay> days_;
  std::chrono::steady_clock::time_point began_;
};

/// Tells the progress which run a day's execute_run() created.
class BackfillDayObserver final : public runtime::RunObserver {
 public:
  BackfillDayObserver(BackfillProgress& progress, size_t day) : progress_(progress), day_(day) {}
  void on_run_started(int64_t run_id, const plan::Plan&) override { progress_.run_created(day_, run_id); }
  void on_notice(const std::string& text) override { progress_.notice(day_, text); }

 private:
  BackfillProgress& progress_;
  size_t day_;
};

}  // namespace flowc::cli
