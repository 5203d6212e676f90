#include "compiler/syntax/literal.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "compiler/source/source.h"
#include "compiler/spelling/spelling.h"

namespace flowc::syntax {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
std::string quoted(std::string_view s) { return "`" + std::string(s) + "`"; }

// `1_000` style digit groups: digits, with single `_` only between digits.
// Appends the digits to `out`.
bool digit_group(std::string_view s, std::string& out) {
  if (s.empty() || !is_digit(s.front()) || !is_digit(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_digit(s[i])) {
      out += s[i];
    } else if (s[i] != '_' || s[i + 1] == '_') {
      return false;
    }
  }
  return true;
}

// Parses a digit string into `value`; false on overflow.
bool to_int(std::string_view digits, int64_t& value) {
  value = 0;
  for (char c : digits) {
    int d = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - d) / 10) return false;
    value = value * 10 + d;
  }
  return true;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

/// The longest duration: a million days (2,737 years) is past any wait or
/// timeout, and PostgreSQL's interval (days as a 32-bit number) and the
/// runtime's milliseconds hold it with room to spare.
constexpr int64_t kMaxDurationSeconds = int64_t{1'000'000} * 86400;

NumberValue malformed(std::string message) {
  NumberValue v;
  v.error = std::move(message);
  return v;
}

// Decimal int or float (with `_` groups), as used by plain numbers and percents.
NumberValue decode_decimal(std::string_view s, std::string_view whole) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) {
    std::string digits;
    if (!digit_group(s, digits))
      return malformed("malformed number " + quoted(whole) + ": `_` may only stand between digits");
    NumberValue v;
    if (!to_int(digits, v.int_value)) return malformed("integer " + quoted(whole) + " is too large");
    v.kind = ExprKind::Int;
    v.float_value = static_cast<double>(v.int_value);
    return v;
  }
  std::string text;
  if (!digit_group(s.substr(0, dot), text)) return malformed("malformed number " + quoted(whole));
  text += '.';
  if (!digit_group(s.substr(dot + 1), text)) return malformed("malformed number " + quoted(whole));
  NumberValue v;
  v.kind = ExprKind::Float;
  v.float_value = std::strtod(text.c_str(), nullptr);
  // Past a double's range the value would be `inf`, or 0 for a number
  // that is not 0: bound as such, nothing would say so.
  if (std::isinf(v.float_value)) return malformed("number " + quoted(whole) + " is too large");
  if (v.float_value == 0 && text.find_first_of("123456789") != std::string::npos)
    return malformed("number " + quoted(whole) + " is too small: it would be 0");
  return v;
}

NumberValue decode_time(std::string_view s) {
  auto bad = [&] {
    return malformed("malformed time " + quoted(s) + ": write times of day as `HH:MM` or `HH:MM:SS`");
  };
  size_t c1 = s.find(':');
  size_t c2 = s.find(':', c1 + 1);
  std::string_view hh = s.substr(0, c1);
  std::string_view mm = s.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1);
  std::string_view ss = c2 == std::string_view::npos ? std::string_view() : s.substr(c2 + 1);
  auto all_digits = [](std::string_view x) {
    for (char c : x)
      if (!is_digit(c)) return false;
    return true;
  };
  if (hh.empty() || hh.size() > 2 || mm.size() != 2 || !all_digits(hh) || !all_digits(mm)) return bad();
  if (c2 != std::string_view::npos && (ss.size() != 2 || !all_digits(ss))) return bad();
  // One way to write each time: `fmt` and `plan` write two digits.
  if (hh.size() == 1)
    return malformed("malformed time " + quoted(s) + ": write times of day as `HH:MM` or `HH:MM:SS` (`0" +
                     std::string(s) + "`)");
  int h = std::atoi(std::string(hh).c_str());
  int m = (mm[0] - '0') * 10 + (mm[1] - '0');
  int sec = ss.empty() ? 0 : (ss[0] - '0') * 10 + (ss[1] - '0');
  if (h > 23) return malformed("invalid time " + quoted(s) + ": the hour must be 00 to 23");
  if (m > 59) return malformed("invalid time " + quoted(s) + ": the minutes must be 00 to 59");
  if (sec > 59) return malformed("invalid time " + quoted(s) + ": the seconds must be 00 to 59");
  NumberValue v;
  v.kind = ExprKind::Time;
  v.int_value = h * 3600 + m * 60 + sec;
  return v;
}

NumberValue decode_date(std::string_view s) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-';
  for (size_t i = 0; shape && i < s.size(); ++i) {
    if (i != 4 && i != 7 && !is_digit(s[i])) shape = false;
  }
  if (!shape) return malformed("malformed date " + quoted(s) + ": write dates as `YYYY-MM-DD`");
  int64_t y = std::atoi(std::string(s.substr(0, 4)).c_str());
  unsigned m = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
  unsigned d = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
  if (y < 1) return malformed("invalid date " + quoted(s) + ": the year must be 0001 to 9999");
  if (m < 1 || m > 12) return malformed("invalid date " + quoted(s) + ": the month must be 01 to 12");
  unsigned last = days_in_month(y, m);
  if (d < 1 || d > last) {
    return malformed("invalid date " + quoted(s) + ": " + kMonths[m - 1] + " " + std::string(s.substr(0, 4)) +
                     " has " + std::to_string(last) + " days");
  }
  NumberValue v;
  v.kind = ExprKind::Date;
  v.int_value = days_from_civil(y, m, d);
  return v;
}

NumberValue decode_duration(std::string_view s) {
  std::string prefix = "malformed duration " + quoted(s) + ": ";
  if (s.find('.') != std::string_view::npos) {
    return malformed(prefix + "each unit takes a whole number, as in `1h30m`");
  }
  int64_t total = 0;
  int previous_rank = 4;
  bool ordered = true;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
    std::string digits;
    if (i == start) return malformed(prefix + "expected a number before " + quoted(s.substr(i, 1)));
    if (!digit_group(s.substr(start, i - start), digits))
      return malformed(prefix + "`_` may only stand between digits");
    if (i == s.size())
      return malformed(prefix + quoted(s.substr(start)) + " has no unit (use `d`, `h`, `m` or `s`)");
    char unit = s[i++];
    int rank = unit == 'd' ? 3 : unit == 'h' ? 2 : unit == 'm' ? 1 : unit == 's' ? 0 : -1;
    if (rank < 0 || (i < s.size() && is_alpha(s[i]))) {
      size_t end = i;
      while (end < s.size() && is_alpha(s[end])) ++end;
      return malformed(prefix + "unknown unit " + quoted(s.substr(i - 1, end - i + 1)) +
                       " (use `d`, `h`, `m` or `s`)");
    }
    if (rank == previous_rank)
      return malformed(prefix + "the unit `" + std::string(1, unit) + "` appears twice");
    if (rank > previous_rank) ordered = false;
    previous_rank = rank;
    static constexpr int64_t kSize[] = {1, 60, 3600, 86400};
    int64_t n = 0;
    if (!to_int(digits, n) || n > (kMaxDurationSeconds - total) / kSize[rank]) {
      NumberValue v = malformed(prefix + "it is too large (at most " +
                                spelling::duration_text(kMaxDurationSeconds) + ")");
      v.too_large = true;
      return v;
    }
    total += n * kSize[rank];
  }
  if (!ordered) {
    return malformed(prefix + "units must be in descending order (`d`, `h`, `m`, `s`); write `" +
                     spelling::duration_text(total) + "`");
  }
  NumberValue v;
  v.kind = ExprKind::Duration;
  v.int_value = total;
  return v;
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  static constexpr unsigned kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  // Leap years in [1, y): every 4th, except centuries not divisible by 400.
  auto leaps_before = [](int64_t y) {
    int64_t p = y - 1;
    auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
    return floor_div(p, 4) - floor_div(p, 100) + floor_div(p, 400);
  };
  int64_t days = 365 * (year - 1970) + (leaps_before(year) - leaps_before(1970));
  days += kBefore[month - 1] + (month > 2 && is_leap(year) ? 1 : 0);
  return days + day - 1;
}

NumberValue decode_number(std::string_view s) {
  bool alpha = false;
  for (char c : s) alpha = alpha || is_alpha(c);
  if (s.find(':') != std::string_view::npos) return decode_time(s);
  if (s.find('-') != std::string_view::npos) return decode_date(s);
  if (s.back() == '%') {
    std::string_view body = s.substr(0, s.size() - 1);
    if (alpha || body.find('%') != std::string_view::npos) return malformed("malformed percent " + quoted(s));
    NumberValue v = decode_decimal(body, s);
    if (v.kind == ExprKind::Error) return v;
    v.kind = ExprKind::Percent;
    v.int_value = 0;
    return v;
  }
  if (s.find('%') != std::string_view::npos)
    return malformed("malformed number " + quoted(s) + ": `%` must come last");
  if (alpha) return decode_duration(s);
  return decode_decimal(s, s);
}

bool decode_escape(std::string_view e, std::string& out, std::string& error) {
  if (e.size() == 2) {
    switch (e[1]) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case 'n': out += '\n'; return true;
      case 't': out += '\t'; return true;
      default: break;
    }
  }
  if (e.size() > 4 && e[1] == 'u' && e[2] == '{' && e.back() == '}') {
    std::string_view hex = e.substr(3, e.size() - 4);
    uint32_t cp = 0;
    if (hex.size() <= 6) {
      for (char c : hex) {
        int d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
        cp = cp * 16 + static_cast<uint32_t>(d);
      }
    }
    if (hex.size() > 6 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      error = "invalid escape " + quoted(e) +
              (hex.size() > 6 ? ": at most 6 hex digits (`\\u{41}`)" : ": not a Unicode scalar value");
      out += e;
      return false;
    }
    if (cp == 0) {
      // Strings end up in PostgreSQL (SQL, run records, alerts), which cannot store a NUL.
      error = "invalid escape " + quoted(e) + ": a string cannot hold a NUL character";
      out += e;
      return false;
    }
    append_utf8(out, cp);
    return true;
  }
  error = "unknown escape " + quoted(e) + " (valid escapes: `\\\"`, `\\\\`, `\\n`, `\\t`, `\\u{HEX}`)";
  out += e;
  return false;
}

}  // namespace flowc::syntax
