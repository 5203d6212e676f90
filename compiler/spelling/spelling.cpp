#include "compiler/spelling/spelling.h"

#include <charconv>
#include <chrono>
#include <system_error>

#include <utility>

#include <fmt/format.h>

namespace flowc::spelling {

std::string duration_text(int64_t seconds) {
  std::string out;
  for (auto [unit, size] :
       {std::pair{'d', int64_t{86400}}, {'h', int64_t{3600}}, {'m', int64_t{60}}, {'s', int64_t{1}}}) {
    if (seconds >= size) {
      out += std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

std::string float_text(double value) {
  // The shortest fixed text that reads back the same: never an exponent,
  // never rounded (1e-07 is 0.0000001).
  char buffer[400];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  std::string out = ec == std::errc() ? std::string(buffer, end) : fmt::format("{}", value);
  if (out.find('.') == std::string::npos && out.find_first_of("0123456789") != std::string::npos) out += ".0";
  return out;
}

std::string date_text(int64_t days) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
}

std::string time_of_day_text(int64_t seconds) {
  if (seconds % 60 == 0) return fmt::format("{:02}:{:02}", seconds / 3600, seconds / 60 % 60);
  return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

std::string history_key(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') out += c;
  return out;
}

}  // namespace flowc::spelling
