#include "runtime/view/plain_view.h"

#include <fmt/format.h>

#include "runtime/view/text.h"

namespace flowc::runtime::view {
namespace {

std::string with_log(std::string text, const std::string& log_path) {
  if (!log_path.empty()) text += " (log " + log_path + ")";
  return text;
}

}  // namespace

PlainView::PlainView(std::ostream& out, std::function<Clock::time_point()> now, bool for_worker)
    : out_(out), now_(now ? std::move(now) : [] { return Clock::now(); }), for_worker_(for_worker) {}

void PlainView::write(Clock::time_point at, const std::string& text) {
  if (at == Clock::time_point{}) at = now_();  // an event without a time
  // One write per line: stderr is unbuffered, and a line in pieces costs a
  // system call each (two lines per task of a large run).
  const std::string line = format_utc(at) + ' ' + text + '\n';
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
}

std::string PlainView::task_name(uint32_t task) const {
  return task < tasks_.size() ? tasks_[task] : fmt::format("task#{}", task);
}

void PlainView::on_run_started(int64_t run_id, const plan::Plan& plan) {
  std::lock_guard lock(mutex_);
  workflow_ = plan.workflow;
  run_id_ = run_id;
  tasks_.clear();
  for (const plan::Task& task : plan.tasks) tasks_.push_back(task.name);
  last_.assign(tasks_.size(), Last{});
  std::string env = plan.env.empty() ? "" : ", env " + plan.env;
  if (for_worker_) {
    workflow_ = fmt::format("{} run {}", plan.workflow, run_id);
    write(now_(), fmt::format("{} (ds {}{}): taking up its ready tasks", workflow_, plan.ds, env));
    return;
  }
  write(now_(), fmt::format("{} run {} started (ds {}{}, {} {})", workflow_, run_id, plan.ds, env, tasks_.size(),
                            tasks_.size() == 1 ? "task" : "tasks"));
}

void PlainView::on_task(const TaskEvent& event) {
  std::lock_guard lock(mutex_);
  if (event.task >= last_.size()) last_.resize(event.task + 1);
  Last& last = last_[event.task];
  const std::string message = shown_message(event.message, 500);
  // A readiness probe reports `waiting` at every poll; say it once.
  if (event.state == last.state && message == last.message && event.state != TaskState::Running) return;
  last.state = event.state;
  last.message = message;

  std::string what;
  switch (event.state) {
    case TaskState::Pending:
    case TaskState::Ready: return;
    case TaskState::Waiting: what = message.empty() ? "waiting" : "waiting: " + message; break;
    case TaskState::Running:
      last.running_since = event.attempt_started.value_or(event.at);
      what = fmt::format("running (attempt {})", event.attempt);
      break;
    case TaskState::RetryWait:
      what = with_log(fmt::format("attempt {} failed, will retry: {}", event.attempt, message), event.log_path);
      break;
    case TaskState::Succeeded: {
      if (event.attempt_started) last.running_since = *event.attempt_started;
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          event.attempt_finished.value_or(event.at) - last.running_since);
      what = last.running_since == Clock::time_point{}
                 ? fmt::format("succeeded (attempt {})", event.attempt)
                 : fmt::format("succeeded (attempt {}, {})", event.attempt, format_duration(took));
      break;
    }
    case TaskState::Failed: what = with_log("failed: " + message, event.log_path); break;
    case TaskState::TimedOut: what = with_log("timed out: " + message, event.log_path); break;
    case TaskState::UpstreamFailed:
      what = message.empty() ? "upstream_failed" : "upstream_failed: " + message;
      break;
  }
  write(event.at, workflow_ + " " + task_name(event.task) + " " + what);
}

void PlainView::on_run_stopping(bool ended) {
  std::lock_guard lock(mutex_);
  const std::string run = for_worker_ ? workflow_ : fmt::format("{} run {}", workflow_, run_id_);
  write(now_(),
        ended
            ? fmt::format("{} stopping: every task has ended; its alerts are being delivered {}", run,
                          kInterruptAgain)
            : fmt::format("{} stopping: cancelling the attempts in progress and recording them as failed {}",
                          run, kInterruptAgain));
}

void PlainView::on_notice(const std::string& text) {
  std::lock_guard lock(mutex_);
  write(now_(), workflow_ + " " + first_line(text, 1000));
}

void PlainView::on_run_finished(const RunSummary& summary) {
  std::lock_guard lock(mutex_);
  Clock::time_point at = summary.finished == Clock::time_point{} ? now_() : summary.finished;
  write(at, fmt::format("{} run {} {}{}", summary.workflow.empty() ? workflow_ : summary.workflow,
                        summary.run_id, to_string(summary.status), run_took(summary)));
}

}  // namespace flowc::runtime::view
