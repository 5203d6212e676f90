#include "runtime/view/text.h"

#include <ctime>

#include <fmt/format.h>

#include "compiler/diagnostics/render.h"

namespace flowc::runtime::view {

std::string shown_message(std::string_view message, size_t max) {
  return printable(first_line(message, max));
}

std::string format_duration(std::chrono::milliseconds duration) {
  // Rounded to the nearest unit shown (5577 ms is 5.6s, 92 ms 0.1s), so a
  // duration reads the same whichever command prints it.
  int64_t ms = std::max<int64_t>(0, duration.count());
  int64_t tenths = (ms + 50) / 100;
  if (tenths < 600) return fmt::format("{}.{}s", tenths / 10, tenths % 10);
  int64_t seconds = (ms + 500) / 1000;
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  int64_t minutes = (ms + 30'000) / 60'000;
  return fmt::format("{}h{:02}m", minutes / 60, minutes % 60);
}

std::string run_took(const RunSummary& summary) {
  auto between = [](Clock::time_point from, Clock::time_point to) {
    return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(to - from));
  };
  // The state database still says `running`: the line must not read as if
  // the outcome were recorded.
  const std::string unrecorded =
      summary.status_recorded ? "" : " (not recorded: the state database could not be reached)";
  if (!summary.first_started) return " in " + between(summary.started, summary.finished) + unrecorded;
  return fmt::format("; retry took {}, run {} since its first start{}",
                     between(summary.started, summary.finished),
                     between(*summary.first_started, summary.finished), unrecorded);
}

std::string format_elapsed(std::chrono::milliseconds duration) {
  int64_t seconds = std::max<int64_t>(0, duration.count()) / 1000;
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
}

std::string pad(std::string_view text, size_t width) {
  std::string out(text);
  for (size_t n = text_width(text); n < width; ++n) out += ' ';
  return out;
}

}  // namespace flowc::runtime::view
