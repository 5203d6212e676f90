#include "compiler/check/literals.h"

#include <cctype>

#include "compiler/spelling/spelling.h"

namespace flowc::check {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits (with `_` separators between digits) from text[pos]; false when none.
bool read_number(std::string_view text, size_t& pos, int64_t& value) {
  size_t start = pos;
  value = 0;
  while (pos < text.size() && (is_digit(text[pos]) || (text[pos] == '_' && pos > start))) {
    if (text[pos] != '_') {
      if (value > (INT64_MAX - 9) / 10) return false;
      value = value * 10 + (text[pos] - '0');
    }
    ++pos;
  }
  return pos > start && text[pos - 1] != '_';
}

bool two_digits(std::string_view text, size_t pos, int& value) {
  if (pos + 2 > text.size() || !is_digit(text[pos]) || !is_digit(text[pos + 1])) return false;
  value = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
  return true;
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  static constexpr std::string_view kUnits = "dhms";
  static constexpr int64_t kSeconds[] = {86400, 3600, 60, 1};
  size_t pos = 0;
  size_t next_unit = 0;  // units must come in descending order, each once
  int64_t total = 0;
  if (text.empty()) return std::nullopt;
  while (pos < text.size()) {
    int64_t value = 0;
    if (!read_number(text, pos, value) || pos >= text.size()) return std::nullopt;
    size_t unit = kUnits.find(text[pos]);
    if (unit == std::string_view::npos || unit < next_unit) return std::nullopt;
    int64_t seconds = 0;
    if (__builtin_mul_overflow(value, kSeconds[unit], &seconds) || __builtin_add_overflow(total, seconds, &total))
      return std::nullopt;  // beyond int64 seconds: no duration anyone means
    next_unit = unit + 1;
    ++pos;
  }
  return total;
}

std::optional<int64_t> parse_time_of_day(std::string_view text) {
  int hours = 0, minutes = 0, seconds = 0;
  if (text.size() != 5 && text.size() != 8) return std::nullopt;
  if (!two_digits(text, 0, hours) || text[2] != ':' || !two_digits(text, 3, minutes)) return std::nullopt;
  if (text.size() == 8 && (text[5] != ':' || !two_digits(text, 6, seconds))) return std::nullopt;
  if (hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  return hours * 3600 + minutes * 60 + seconds;
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3}) {
    if (!is_digit(text[i])) return false;
  }
  int month = 0, day = 0;
  if (!two_digits(text, 5, month) || !two_digits(text, 8, day)) return false;
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_int(std::string_view text) {
  size_t pos = 0;
  int64_t value = 0;
  return read_number(text, pos, value) && pos == text.size();
}

bool is_float(std::string_view text) {
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return false;
  return is_int(text.substr(0, dot)) && is_int(text.substr(dot + 1));
}

bool is_percent(std::string_view text) {
  if (text.size() < 2 || text.back() != '%') return false;
  std::string_view number = text.substr(0, text.size() - 1);
  return is_int(number) || is_float(number);
}

bool is_identifier(std::string_view text) {
  if (text.empty() || is_digit(text[0])) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string format_time_of_day(int64_t seconds) {
  const int64_t days = seconds / 86400;
  std::string out = spelling::time_of_day_text(seconds % 86400);
  if (days > 0) out += " (+" + std::to_string(days) + "d)";
  return out;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace flowc::check
