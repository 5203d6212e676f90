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

/// Two integers written out, of any size, compared exactly (negative, zero
/// or positive like strcmp): a double holds 53 bits, and a bigint id such as
/// 1234567890123456790 would equal its neighbour. Nullopt when either is
/// not an integer.
std::optional<int> order_integers(std::string_view a, std::string_view b);

}  // namespace flowc::runtime
