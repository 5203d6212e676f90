#include "cli/backfill_progress.h"

#include <fmt/format.h>

#include "runtime/view/text.h"

namespace flowc::cli {
namespace {

/// As `flowc history` and the run view write a duration (`0.6s`, `1m05s`).
std::string seconds_text(std::chrono::steady_clock::duration d) {
  return runtime::view::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

}  // namespace

BackfillProgress::BackfillProgress(std::ostream& out, bool terminal, std::string workflow,
                                   std::vector<BackfillDay> days)
    : out_(out),
      terminal_(terminal),
      workflow_(std::move(workflow)),
      days_(std::move(days)),
      began_(std::chrono::steady_clock::now()) {
  std::lock_guard lock(mutex_);
  if (terminal_) {
    show("");
    return;
  }
  for (const BackfillDay& day : days_)
    if (day.state == BackfillDay::State::Skipped)
      show(fmt::format("backfill {} {} skipped: run {} succeeded already", workflow_, day.ds, day.run_id));
}

std::string BackfillProgress::bar() const {
  size_t done = 0, failed = 0, skipped = 0, running = 0;
  for (const BackfillDay& day : days_) {
    switch (day.state) {
      case BackfillDay::State::Succeeded: ++done; break;
      case BackfillDay::State::Failed: ++failed; break;
      case BackfillDay::State::Refused:
      case BackfillDay::State::Skipped: ++skipped; break;
      case BackfillDay::State::Running: ++running; break;
      case BackfillDay::State::Waiting: break;
    }
  }
  const size_t width = 30, total = days_.size();
  size_t filled = total ? (done + failed + skipped) * width / total : width;
  return fmt::format("backfill {} [{}{}] {}/{} days: {} done, {} failed, {} skipped, {} running ({})",
                     workflow_, std::string(filled, '#'), std::string(width - filled, '.'),
                     done + failed + skipped, total, done, failed, skipped, running,
                     runtime::view::format_elapsed(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - began_)));
}

void BackfillProgress::show(const std::string& line) {
  if (terminal_) {
    out_ << "\r\033[K" << bar() << std::flush;
  } else if (!line.empty()) {
    // One write per line: stderr is unbuffered, and an alert of the
    // `stderr()` channel, written by another thread, would land inside it.
    const std::string whole = line + '\n';
    out_.write(whole.data(), static_cast<std::streamsize>(whole.size()));
    out_.flush();
  }
}

bool BackfillProgress::wait_turn(size_t day, const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  // wait() answers the predicate when the stop came first, even before
  // waiting: a stop means no new day starts, whosever turn it is.
  const bool turn = turn_.wait(lock, stop, [&] {
    for (size_t earlier = 0; earlier < day; ++earlier) {
      const BackfillDay& d = days_[earlier];
      const bool unsettled = d.state == BackfillDay::State::Waiting || d.state == BackfillDay::State::Running;
      if (unsettled && d.run_id == 0) return false;
    }
    return true;
  });
  return turn && !stop.stop_requested();
}

void BackfillProgress::started(size_t day) {
  std::lock_guard lock(mutex_);
  days_[day].state = BackfillDay::State::Running;
  days_[day].started = std::chrono::steady_clock::now();
  show("");
}

void BackfillProgress::run_created(size_t day, int64_t run_id) {
  {
    std::lock_guard lock(mutex_);
    days_[day].run_id = run_id;
    show(fmt::format("backfill {} {} started: run {}", workflow_, days_[day].ds, run_id));
  }
  turn_.notify_all();
}

void BackfillProgress::finished(size_t day, BackfillDay::State state, int64_t run_id, const std::string& reason) {
  std::lock_guard lock(mutex_);
  BackfillDay& d = days_[day];
  d.state = state;
  if (run_id != 0) d.run_id = run_id;
  d.reason = reason;
  std::string took = seconds_text(std::chrono::steady_clock::now() - d.started);
  std::string run = d.run_id != 0 ? fmt::format("run {}, ", d.run_id) : "";
  switch (state) {
    case BackfillDay::State::Succeeded:
      show(fmt::format("backfill {} {} succeeded ({}{})", workflow_, d.ds, run, took));
      break;
    case BackfillDay::State::Refused: show(fmt::format("backfill {} {} refused: {}", workflow_, d.ds, reason)); break;
    case BackfillDay::State::Skipped:
      show(fmt::format("backfill {} {} skipped: run {} succeeded since the backfill began", workflow_, d.ds,
                       d.run_id));
      break;
    default: show(fmt::format("backfill {} {} failed ({}{}): {}", workflow_, d.ds, run, took, reason)); break;
  }
  turn_.notify_all();
}

void BackfillProgress::notice(size_t day, const std::string& text) {
  std::lock_guard lock(mutex_);
  const std::string line = fmt::format("backfill {} {}: {}", workflow_, days_[day].ds, text);
  if (terminal_) out_ << "\r\033[K" << line << '\n';  // above the bar, which is drawn again below it
  show(line);
}

void BackfillProgress::stopping() {
  std::lock_guard lock(mutex_);
  const std::string line = fmt::format(
      "backfill {} stopping: cancelling the runs in progress and recording them as failed; no new day starts {}",
      workflow_, runtime::kInterruptAgain);
  if (terminal_) out_ << "\r\033[K" << line << '\n';  // above the bar, which is drawn again below it
  show(line);
}

void BackfillProgress::done() {
  std::lock_guard lock(mutex_);
  if (terminal_) out_ << "\r\033[K" << bar() << '\n' << std::flush;
}

BackfillDay::State BackfillProgress::print_summary(std::ostream& out, const std::string& from,
                                                   const std::string& to, bool interrupted, bool forced) {
  std::lock_guard lock(mutex_);
  size_t done = 0, skipped = 0;
  std::vector<const BackfillDay*> failed, refused;
  std::vector<size_t> not_run;  // indexes into days_, consecutive days in order
  for (size_t i = 0; i < days_.size(); ++i) {
    const BackfillDay& day = days_[i];
    switch (day.state) {
      case BackfillDay::State::Succeeded: ++done; break;
      case BackfillDay::State::Skipped: ++skipped; break;
      case BackfillDay::State::Failed: failed.push_back(&day); break;
      case BackfillDay::State::Refused: refused.push_back(&day); break;
      case BackfillDay::State::Running:
      case BackfillDay::State::Waiting: not_run.push_back(i); break;
    }
  }
  out << fmt::format("backfill of {} from {} to {}: {} {}, {} succeeded, {} failed, {} skipped{}{}\n", workflow_,
                     from, to, days_.size(), days_.size() == 1 ? "day" : "days", done, failed.size(), skipped,
                     refused.empty() ? "" : fmt::format(", {} refused", refused.size()),
                     not_run.empty() ? "" : fmt::format(", {} not run", not_run.size()));
  for (const BackfillDay* day : failed)
    out << fmt::format("  failed {}{}: {}\n", day->ds, day->run_id ? fmt::format(" (run {})", day->run_id) : "",
                       day->reason);
  for (const BackfillDay* day : refused) out << fmt::format("  refused {}: {}\n", day->ds, day->reason);
  if (!not_run.empty()) {
    // Three or more consecutive days are one span: an interrupted backfill
    // of years is one line, not thousands of dates.
    std::string list;
    for (size_t at = 0; at < not_run.size();) {
      size_t end = at;
      while (end + 1 < not_run.size() && not_run[end + 1] == not_run[end] + 1) ++end;
      const std::string& first = days_[not_run[at]].ds;
      const std::string& last = days_[not_run[end]].ds;
      if (!list.empty()) list += ", ";
      if (end - at >= 2) {
        list += fmt::format("{} to {} ({} days)", first, last, end - at + 1);
      } else {
        list += first;
        if (end != at) list += ", " + last;
      }
      at = end + 1;
    }
    out << "  not run" << (interrupted ? " (interrupted)" : "") << ": " << list << "\n";
  }
  // A refused day is refused again by the same command: its own line says
  // what it needs (`flowc retry N`, `--force`, or its run to end).
  // With --force the same command would run every day again, those that
  // succeeded and those partly through a task that may not repeat.
  if ((!failed.empty() || !not_run.empty()) && forced)
    out << "  run the same command without --force to retry the days that failed or did not run (succeeded "
           "days are skipped; with --force every day runs again)\n";
  else if ((!failed.empty() || !not_run.empty()) && refused.empty())
    out << "  run the same command again to retry these days (succeeded days are skipped)\n";
  else if (!failed.empty() || !not_run.empty())
    out << "  run the same command again to retry the days that failed or did not run (succeeded days are "
           "skipped; a refused day is refused again until it has what its line asks for)\n";
  if (!failed.empty() || !not_run.empty()) return BackfillDay::State::Failed;
  return refused.empty() ? BackfillDay::State::Succeeded : BackfillDay::State::Refused;
}

}  // namespace flowc::cli
