// Decoding of literal spellings: the one number-like token of the grammar
// (ints, floats, percents, durations, dates, times) and string escapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "compiler/syntax/tree.h"

namespace flowc::syntax {

/// The value of a number-like literal. `kind` is ExprKind::Error and `error`
/// the diagnostic message (E0005) when the spelling is malformed.
struct NumberValue {
  ExprKind kind = ExprKind::Error;
  int64_t int_value = 0;
  double float_value = 0;
  std::string error;
  bool too_large = false;  // well formed, but past what its kind may hold (`error` says so)
};

/// Classifies and decodes a token that starts with a digit:
///   `42` `1_000` (Int), `0.25` (Float), `5%` `0.5%` (Percent, 5.0),
///   `30s` `1h30m` (Duration in seconds: units d h m s, each at most once, in
///   descending order), `2026-11-24` (Date, days since 1970-01-01, validated),
///   `07:00` `23:59:30` (Time, seconds since midnight, validated).
NumberValue decode_number(std::string_view spelling);

/// Decodes one escape sequence (`\"`, `\\`, `\n`, `\t`, `\u{HEX}`) and appends
/// it to `out`. On an unknown or invalid escape returns false with the
/// diagnostic message (E0004) in `error` and appends the spelling unchanged.
bool decode_escape(std::string_view escape, std::string& out, std::string& error);

/// Days from 1970-01-01 to the proleptic Gregorian date y-m-d.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace flowc::syntax
