#include "runtime/view/text.h"

#include <ctime>

#include <fmt/format.h>

namespace flowc::runtime::view {

std::string format_duration(std::chrono::milliseconds duration) {
  int64_t ms = std::max<int64_t>(0, duration.count());
  if (ms < 60'000) return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
  int64_t seconds = ms / 1000;
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
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
