#include "runtime/view/live_view.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/view/text.h"

namespace flowc::runtime::view {
namespace {

constexpr size_t kStateWidth = 15;  // "upstream_failed"

const char* colour_of(TaskState state) {
  switch (state) {
    case TaskState::Succeeded: return "\x1b[32m";
    case TaskState::Failed:
    case TaskState::TimedOut:
    case TaskState::UpstreamFailed: return "\x1b[31m";
    case TaskState::Running: return "\x1b[33m";
    case TaskState::RetryWait: return "\x1b[35m";
    default: return "\x1b[2m";
  }
}

/// Which tasks a person wants to see when not all fit: what is moving or
/// broken first, then what waits, then what is done or not yet started.
int priority(TaskState state) {
  switch (state) {
    case TaskState::Running:
    case TaskState::RetryWait:
    case TaskState::Failed:
    case TaskState::TimedOut: return 0;
    case TaskState::Waiting:
    case TaskState::Ready: return 1;
    case TaskState::UpstreamFailed: return 2;
    default: return 3;
  }
}

std::string cut(std::string_view text, size_t width) {
  return text_width(text) <= width ? std::string(text) : first_line(text, width);
}

}  // namespace

LiveView::LiveView(std::ostream& out, LiveViewOptions options) : out_(out), options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return Clock::now(); };
  const char* no_color = std::getenv("NO_COLOR");
  color_ = options_.color && !(no_color && *no_color);
}

LiveView::~LiveView() { stop_ticker(); }

void LiveView::stop_ticker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void LiveView::on_run_started(int64_t run_id, const plan::Plan& plan) {
  {
    std::lock_guard lock(mutex_);
    run_id_ = run_id;
    workflow_ = plan.workflow;
    ds_ = plan.ds;
    run_started_ = options_.now();
    rows_.clear();
    for (const plan::Task& task : plan.tasks) rows_.emplace_back().name = task.name;
    draw_locked();
  }
  if (options_.ticker && !ticker_.joinable()) ticker_ = std::thread([this] { tick(); });
}

void LiveView::on_task(const TaskEvent& event) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  while (event.task >= rows_.size()) {
    std::string name = fmt::format("task#{}", rows_.size());
    rows_.emplace_back().name = std::move(name);
  }
  Row& row = rows_[event.task];
  const Clock::time_point at = event.at == Clock::time_point{} ? options_.now() : event.at;
  row.state = event.state;
  row.attempt = std::max(row.attempt, event.attempt);
  row.message = event.message;
  if (event.state == TaskState::Running && row.started == Clock::time_point{}) row.started = at;
  // Another process's attempt, heard of late: the task started no later
  // than the attempt did.
  if (event.attempt_started && (row.started == Clock::time_point{} || *event.attempt_started < row.started))
    row.started = *event.attempt_started;
  if (is_final(event.state)) row.finished = event.attempt_finished.value_or(at);
  if (options_.now() - last_draw_ >= options_.min_interval) {
    draw_locked();
  } else {
    dirty_ = true;
  }
}

void LiveView::on_run_stopping(bool ended) {
  std::lock_guard lock(mutex_);
  stop_requested_ = true;
  stop_after_end_ = ended;
  if (!finished_) draw_locked();
}

void LiveView::on_notice(const std::string& text) {
  std::lock_guard lock(mutex_);
  constexpr size_t kNoticesShown = 3;
  notices_.push_back(first_line(text, 1000));
  if (notices_.size() > kNoticesShown) {
    notices_.erase(notices_.begin());
    ++notices_dropped_;
  }
  if (!finished_) draw_locked();
}

void LiveView::on_run_finished(const RunSummary& summary) {
  stop_ticker();
  std::lock_guard lock(mutex_);
  // The summary is the truth about final states, even for events never seen.
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (i < summary.task_states.size()) rows_[i].state = summary.task_states[i];
    if (i < summary.task_attempts.size()) rows_[i].attempt = summary.task_attempts[i];
  }
  status_ = summary.status;
  run_finished_ = summary.finished == Clock::time_point{} ? options_.now() : summary.finished;
  if (summary.started != Clock::time_point{}) run_started_ = summary.started;
  finished_ = true;
  draw_locked();
}

void LiveView::tick() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.min_interval);
    if (stopping_ || finished_) break;
    // Changes that came too fast are drawn now; otherwise once a second, so
    // the elapsed column keeps moving.
    auto since = options_.now() - last_draw_;
    if ((dirty_ && since >= options_.min_interval) || since >= std::chrono::seconds(1)) draw_locked();
  }
}

std::vector<std::string> LiveView::frame() const {
  std::lock_guard lock(mutex_);
  return frame_locked(false);
}

std::vector<std::string> LiveView::frame_locked(bool color) const {
  const Clock::time_point now = finished_ ? run_finished_ : options_.now();
  auto elapsed = [](Clock::time_point from, Clock::time_point to) {
    return format_elapsed(std::chrono::duration_cast<std::chrono::milliseconds>(to - from));
  };
  const size_t columns = std::max<size_t>(options_.columns, 20);
  std::vector<std::string> lines;

  std::string status =
      finished_ ? std::string(to_string(status_))
      : stop_requested_
          ? fmt::format("stopping: {} {}",
                        stop_after_end_ ? "delivering the alerts" : "recording the attempts", kInterruptAgain)
          : "running";
  lines.push_back(cut(fmt::format("{} run {} ds {}  {}  {}", workflow_, run_id_, ds_, status,
                                  elapsed(run_started_, now)),
                      columns - 1));
  size_t waiting = 0, running = 0, done = 0, failed = 0;
  for (const Row& row : rows_) {
    switch (row.state) {
      case TaskState::Running: ++running; break;
      case TaskState::Succeeded: ++done; break;
      case TaskState::Failed:
      case TaskState::TimedOut:
      case TaskState::UpstreamFailed: ++failed; break;
      default: ++waiting; break;
    }
  }
  lines.push_back(fmt::format("waiting {}  running {}  done {}  failed {}", waiting, running, done, failed));

  // Which rows fit: all of them, or the most interesting, in plan order.
  std::vector<size_t> shown(rows_.size());
  for (size_t i = 0; i < shown.size(); ++i) shown[i] = i;
  size_t hidden = 0;
  if (rows_.size() > options_.max_rows && options_.max_rows > 0) {
    std::stable_sort(shown.begin(), shown.end(),
                     [&](size_t a, size_t b) { return priority(rows_[a].state) < priority(rows_[b].state); });
    shown.resize(options_.max_rows - 1);
    std::sort(shown.begin(), shown.end());
    hidden = rows_.size() - shown.size();
  }
  size_t name_width = 0;
  for (size_t i : shown) name_width = std::max(name_width, std::min<size_t>(text_width(rows_[i].name), 40));

  for (size_t i : shown) {
    const Row& row = rows_[i];
    std::string prefix = "  " + pad(cut(row.name, name_width), name_width) + "  ";
    std::string state(to_string(row.state));
    std::string rest = "  " + pad(row.attempt ? std::to_string(row.attempt) : "-", 2) + "  ";
    std::string took;
    if (row.started != Clock::time_point{})
      took = elapsed(row.started, row.finished != Clock::time_point{} ? row.finished : now);
    rest += pad(took, 6);
    if (!row.message.empty() && row.state != TaskState::Succeeded)
      rest += "  " + shown_message(row.message, 200);
    while (!rest.empty() && rest.back() == ' ') rest.pop_back();

    size_t used = text_width(prefix) + kStateWidth;
    if (used + 1 >= columns) {
      lines.push_back(cut(prefix + state, columns - 1));
      continue;
    }
    rest = cut(rest, columns - 1 - used);
    std::string cell = pad(state, rest.empty() ? 0 : kStateWidth);
    if (color) cell = colour_of(row.state) + state + "\x1b[0m" + cell.substr(state.size());
    lines.push_back(prefix + cell + rest);
  }
  if (hidden > 0) lines.push_back(fmt::format("  + {} more", hidden));
  if (notices_dropped_ > 0)
    lines.push_back(fmt::format("note: {} earlier {} not shown (the attempts' records keep them)",
                                notices_dropped_, notices_dropped_ == 1 ? "note" : "notes"));
  for (const std::string& notice : notices_) lines.push_back(cut("note: " + notice, columns - 1));
  return lines;
}

void LiveView::draw_locked() {
  std::vector<std::string> lines = frame_locked(color_);
  std::string buffer;
  // Back to the first line of the previous frame, then overwrite each line
  // and clear whatever the previous, longer frame left below.
  if (drawn_lines_ > 0) buffer += fmt::format("\x1b[{}A", drawn_lines_);
  for (const std::string& line : lines) buffer += "\r\x1b[2K" + line + "\n";
  buffer += "\x1b[J";
  out_ << buffer;
  out_.flush();
  drawn_lines_ = lines.size();
  last_draw_ = options_.now();
  dirty_ = false;
}

}  // namespace flowc::runtime::view
