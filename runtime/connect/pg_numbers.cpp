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

/// The digits of an integer written out, without leading zeros, and its
/// sign (zero is never negative); nullopt when `s` is not one.
std::optional<std::string> integer_digits(std::string_view s, bool& negative) {
  s = trim(s);
  negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  std::string out;
  for (char c : s) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return std::nullopt;
    out += c;
  }
  if (out.empty()) return std::nullopt;
  out.erase(0, std::min(out.find_first_not_of('0'), out.size() - 1));
  if (out == "0") negative = false;
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

std::optional<int> order_integers(std::string_view a, std::string_view b) {
  bool a_negative = false, b_negative = false;
  std::optional<std::string> x = integer_digits(a, a_negative), y = integer_digits(b, b_negative);
  if (!x || !y) return std::nullopt;
  if (a_negative != b_negative) return a_negative ? -1 : 1;
  int magnitude = x->size() != y->size() ? order(x->size(), y->size()) : order(*x, *y);
  return a_negative ? -magnitude : magnitude;
}

}  // namespace flowc::runtime
