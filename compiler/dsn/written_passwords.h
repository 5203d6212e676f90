// The passwords a connection string spells out, read as text: what `flowc
// check` refuses in a committed file (E0203) and what the runtime hides
// from everything it prints. Text only, so that the compiler needs no libpq;
// the runtime adds the password as libpq parses it (runtime/connect/secrets.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowc::dsn {

/// Every non-empty password written in `dsn`: each `password=` value (blanks
/// around the `=` allowed, as libpq does; in
/// key/value form, quoted or not, or in a URI's query) and the password of
/// a URI's `user:password@`, as written (not percent-decoded or unquoted).
/// Also for a DSN that does not parse.
std::vector<std::string> written_passwords(std::string_view dsn);

}  // namespace flowc::dsn
