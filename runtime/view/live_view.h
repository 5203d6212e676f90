// The operator view on a terminal: a compact table of the run's tasks
// redrawn in place (ANSI cursor movement), with counts of waiting, running,
// done and failed tasks and the time elapsed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/events/events.h"

namespace flowc::runtime::view {

struct LiveViewOptions {
  bool color = true;                               // off as well when NO_COLOR is set (no-color.org)
  std::chrono::milliseconds min_interval{100};     // at most ~10 redraws a second
  size_t max_rows = 20;                            // task rows shown; the rest are counted
  size_t columns = 100;                            // lines are cut to fit (wrapping breaks redraws)
  bool ticker = true;                              // a thread redraws once a second so elapsed times move
  std::function<Clock::time_point()> now;          // the system clock when empty
};

/// Redraws the table after every change, at most once per min_interval (a
/// change in between is drawn by the ticker, or at the end). Thread-safe.
/// The last frame stays on screen when the run finishes.
class LiveView final : public RunObserver {
 public:
  /// `out` must outlive the view; it should be a terminal.
  explicit LiveView(std::ostream& out, LiveViewOptions options = {});
  ~LiveView() override;
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  void on_run_started(int64_t run_id, const plan::Plan& plan) override;
  void on_task(const TaskEvent& event) override;
  void on_run_stopping(bool ended) override;
  /// Shown under the table (the latest few), and kept in the last frame.
  void on_notice(const std::string& text) override;
  void on_run_finished(const RunSummary& summary) override;

  /// The lines of the frame as it would be drawn now, without colour.
  [[nodiscard]] std::vector<std::string> frame() const;

 private:
  struct Row {
    std::string name;
    TaskState state = TaskState::Pending;
    uint32_t attempt = 0;
    Clock::time_point started, finished;
    std::string message;
  };

  std::vector<std::string> frame_locked(bool color) const;
  void draw_locked();
  void tick();
  void stop_ticker();

  std::ostream& out_;
  LiveViewOptions options_;
  bool color_ = false;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::thread ticker_;
  bool stopping_ = false;
  bool dirty_ = false;
  bool finished_ = false;
  bool stop_requested_ = false;  // on_run_stopping: the header says so until the end
  bool stop_after_end_ = false;  // ... when every task had ended: the alerts are being delivered
  size_t drawn_lines_ = 0;
  Clock::time_point last_draw_;
  int64_t run_id_ = 0;
  std::string workflow_, ds_;
  RunStatus status_ = RunStatus::Running;
  Clock::time_point run_started_, run_finished_;
  std::vector<Row> rows_;
  std::vector<std::string> notices_;  // the latest few, oldest first
  size_t notices_dropped_ = 0;        // older ones no longer shown
};

}  // namespace flowc::runtime::view
