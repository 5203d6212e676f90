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

size_t text_width(std::string_view text) {
  size_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string first_line(std::string_view text, size_t limit) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (text_width(line) <= limit) return std::string(line);
  size_t keep = limit > 3 ? limit - 3 : 0;
  size_t bytes = 0;
  for (size_t chars = 0; bytes < line.size(); ++bytes) {
    if ((static_cast<unsigned char>(line[bytes]) & 0xC0) != 0x80 && chars++ == keep) break;
  }
  return std::string(line.substr(0, bytes)) + "...";
}

std::string pad(std::string_view text, size_t width) {
  std::string out(text);
  for (size_t n = text_width(text); n < width; ++n) out += ' ';
  return out;
}

}  // namespace flowc::runtime::view
