#include "runtime/events/events.h"

#include <array>
#include <ctime>

#include <fmt/format.h>

namespace flowc::runtime {
namespace {

constexpr std::array<std::string_view, 9> kTaskStates = {
    "pending", "waiting", "ready", "running", "retry_wait", "succeeded", "failed", "upstream_failed", "timed_out",
};
constexpr std::array<std::string_view, 4> kRunStatuses = {"pending", "running", "succeeded", "failed"};

}  // namespace

std::string_view to_string(TaskState state) { return kTaskStates[static_cast<size_t>(state)]; }

std::optional<TaskState> parse_task_state(std::string_view text) {
  for (size_t i = 0; i < kTaskStates.size(); ++i)
    if (kTaskStates[i] == text) return static_cast<TaskState>(i);
  return std::nullopt;
}

std::string format_utc(Clock::time_point at) {
  return format_utc(std::chrono::floor<std::chrono::milliseconds>(at));
}

std::string format_utc(std::chrono::sys_time<std::chrono::milliseconds> at) {
  const auto days = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss<std::chrono::seconds> time{std::chrono::floor<std::chrono::seconds>(at - days)};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::string first_line(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(line);
}

std::string error_line(std::string_view what) {
  std::string line = first_line(what);
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  return line;
}

size_t text_width(std::string_view text) {
  size_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string first_line(std::string_view text, size_t limit) {
  std::string line = first_line(text);
  if (text_width(line) <= limit) return line;
  size_t keep = limit > 3 ? limit - 3 : 0;
  size_t bytes = 0;
  for (size_t chars = 0; bytes < line.size(); ++bytes) {
    if ((static_cast<unsigned char>(line[bytes]) & 0xC0) != 0x80 && chars++ == keep) break;
  }
  return line.substr(0, bytes) + "...";
}

bool is_final(TaskState state) {
  return state == TaskState::Succeeded || state == TaskState::Failed || state == TaskState::UpstreamFailed ||
         state == TaskState::TimedOut;
}

std::string_view to_string(RunStatus status) { return kRunStatuses[static_cast<size_t>(status)]; }

std::optional<RunStatus> parse_run_status(std::string_view text) {
  for (size_t i = 0; i < kRunStatuses.size(); ++i)
    if (kRunStatuses[i] == text) return static_cast<RunStatus>(i);
  return std::nullopt;
}

}  // namespace flowc::runtime
