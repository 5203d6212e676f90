#include "compiler/check/literals.h"

#include <cctype>

#include "compiler/syntax/literal.h"

namespace flowc::check {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// `text` read as the grammar reads its number-like token (syntax/literal.h,
/// the one reader of those spellings); ExprKind::Error for anything else.
syntax::NumberValue number(std::string_view text) {
  if (text.empty() || !is_digit(text[0])) return {};
  return syntax::decode_number(text);
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<int64_t> parse_duration(std::string_view text, bool* too_large) {
  syntax::NumberValue v = number(text);
  if (too_large != nullptr) *too_large = v.too_large;
  return v.kind == syntax::ExprKind::Duration ? std::optional<int64_t>(v.int_value) : std::nullopt;
}

std::optional<int64_t> parse_time_of_day(std::string_view text) {
  syntax::NumberValue v = number(text);
  return v.kind == syntax::ExprKind::Time ? std::optional<int64_t>(v.int_value) : std::nullopt;
}

bool is_date(std::string_view text) { return number(text).kind == syntax::ExprKind::Date; }

bool is_int(std::string_view text) { return number(text).kind == syntax::ExprKind::Int; }

bool is_float(std::string_view text) { return number(text).kind == syntax::ExprKind::Float; }

bool is_percent(std::string_view text) { return number(text).kind == syntax::ExprKind::Percent; }

bool is_identifier(std::string_view text) {
  if (text.empty() || is_digit(text[0])) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace flowc::check
