// Numbers as PostgreSQL prints them (`-42`, `2.00`, `1.5e-07`, `NaN`) and
// as a `.flow` literal writes them (`1_000`): one reader for the metrics
// expectations compare (runtime/materialize) and the ones parity compares
// side by side (runtime/parity).
#pragma once

#include <optional>
#include <string_view>

namespace flowc::runtime {

/// `text` as a double (a sign, digits, a fraction, an exponent; `NaN`,
/// `Infinity`), blanks around it ignored; nullopt when it is not one.
std::optional<double> parse_number(std::string_view text);

/// Whether `text` is an integer as PostgreSQL prints one: a sign, then
/// digits, nothing else (no blank, no `_`).
bool integer_text(std::string_view text);

/// Whether `text` is a decimal with a fraction or an exponent (`2.00`,
/// `-1.5e3`): how `min`/`max` of a numeric or float column come back.
bool decimal_text(std::string_view text);

/// Two numbers written out in plain decimal (an integer, or digits with a
/// fraction: `-12`, `12345678901234567.89`, `1_000`), of any size, compared
/// exactly (negative, zero or positive like strcmp): a double holds 53
/// bits, and a bigint id such as 1234567890123456790 would equal its
/// neighbour, a numeric `12345678901234567.89` its neighbour `...567.88`.
/// Nullopt when either is not one (an exponent, `NaN`, text).
std::optional<int> order_decimals(std::string_view a, std::string_view b);

}  // namespace flowc::runtime
