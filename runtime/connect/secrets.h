// The passwords a connection string carries, for hiding them in anything
// printed or logged: libpq echoes the whole DSN in some errors ("invalid
// URI ..."), and a command given a DSN may print its parts.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace flowc::runtime {

/// Every form of the password in `dsn`: as written (`password=...` in
/// key/value form or a URI's query, `user:password@` in a URI), and as
/// libpq reads it (percent-decoded, unquoted). Also for a DSN libpq cannot
/// parse. Empty when `dsn` has none.
std::vector<std::string> passwords_in(const std::string& dsn);

/// Why libpq would not read `dsn` as its writer meant it, in words that
/// quote none of it; "" when it reads as written. A DSN libpq cannot parse,
/// or a URI whose password holds an unencoded `@`, `/`, `?`, `&` or blank,
/// is split by libpq at that character, and its errors then print the rest
/// of the password as a host, port or key, where no masking can know it.
std::string misread_dsn(const std::string& dsn);

/// Passwords shorter than this (in bytes) are not masked where they occur
/// but make without_passwords() withhold the whole text.
inline constexpr size_t kShortPassword = 8;
inline constexpr const char* kWithheldMessage =
    "(the message is withheld: the connection string's password is shorter than 8 characters and occurs in "
    "it, so masking it would spell it out; check the host, port, user and database of the connection string)";

/// `text` with every password of `dsn` replaced by `***`; kWithheldMessage
/// when a password shorter than kShortPassword occurs in it.
std::string without_passwords(std::string text, const std::string& dsn);

/// `text` with every occurrence of each of `secrets` replaced by `***`,
/// longest first, so that a secret containing another is replaced whole.
/// Empty secrets are skipped. The one masking of the runtime: messages,
/// attempt logs and alert channels' errors all go through it. Secrets given
/// longest first already (as passwords_in() returns them, and the attempt
/// log keeps them) are used as they are, without a copy: it runs for every
/// line of an attempt log.
std::string without_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace flowc::runtime
