#include "runtime/connect/pg_numbers.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace flowc::runtime {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A plain decimal written out: its whole digits without leading zeros,
/// its fraction's digits without trailing zeros, and its sign (zero is
/// never negative).
struct Decimal {
  bool negative = false;
  std::string whole, fraction;
};

/// `s` as a Decimal; nullopt when it is not digits with at most one `.`
/// (a literal's `_` between digits allowed).
std::optional<Decimal> decimal_digits(std::string_view s) {
  s = trim(s);
  Decimal out;
  out.negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  bool point = false, digits = false;
  for (char c : s) {
    if (c == '_') continue;
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits = true;
    (point ? out.fraction : out.whole) += c;
  }
  if (!digits) return std::nullopt;
  out.whole.erase(0, out.whole.find_first_not_of('0') == std::string::npos
                         ? out.whole.size()
                         : out.whole.find_first_not_of('0'));
  const size_t last = out.fraction.find_last_not_of('0');
  out.fraction.erase(last == std::string::npos ? 0 : last + 1);
  if (out.whole.empty() && out.fraction.empty()) out.negative = false;
  return out;
}

/// `text` without its sign, if it has one.
std::string_view unsigned_part(std::string_view text) {
  return text.starts_with('-') || text.starts_with('+') ? text.substr(1) : text;
}

template <typename T>
int order(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool integer_text(std::string_view text) {
  const std::string_view digits = unsigned_part(text);
  return !digits.empty() &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool decimal_text(std::string_view text) {
  text = unsigned_part(text);
  size_t i = 0;
  bool digits = false, fraction = false, exponent = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !fraction && !exponent) {
      fraction = true;
    } else if ((c == 'e' || c == 'E') && digits && !exponent) {
      exponent = true;
      digits = false;
      if (i + 1 < text.size() && (text[i + 1] == '-' || text[i + 1] == '+')) ++i;
    } else {
      return false;
    }
  }
  return digits && (fraction || exponent);
}

std::optional<int> order_decimals(std::string_view a, std::string_view b) {
  std::optional<Decimal> x = decimal_digits(a), y = decimal_digits(b);
  if (!x || !y) return std::nullopt;
  if (x->negative != y->negative) return x->negative ? -1 : 1;
  // Longer whole digits are larger; then digit by digit, the fraction's
  // digits read on after the whole's (no trailing zeros: a longer fraction
  // with the same start is larger).
  int magnitude = x->whole.size() != y->whole.size() ? order(x->whole.size(), y->whole.size())
                  : x->whole != y->whole             ? order(x->whole, y->whole)
                                                     : order(x->fraction, y->fraction);
  return x->negative ? -magnitude : magnitude;
}

}  // namespace flowc::runtime
