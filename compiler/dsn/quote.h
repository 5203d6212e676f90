// Writing a value into a key/value connection string, for the DSNs flowc
// builds itself (the private cluster's, from a path that may hold a blank or
// a quote). Text only, like written_passwords.h.
#pragma once

#include <string>
#include <string_view>

namespace flowc::dsn {

/// `value` as libpq reads a key/value connection string's value: in single
/// quotes, each `'` and `\` escaped with a backslash (`/tmp/it's` becomes
/// `'/tmp/it\'s'`). Always quoted, so a blank, an `=` or an empty value
/// stays one value.
std::string quote_value(std::string_view value);

}  // namespace flowc::dsn
