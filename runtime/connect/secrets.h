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

/// Secrets shorter than this (in bytes) are not masked where they occur:
/// without_passwords() withholds the whole text, without_secrets() each
/// line they occur in.
inline constexpr size_t kShortPassword = 8;
inline constexpr const char* kWithheldMessage =
    "(the message is withheld: the connection string's password is shorter than 8 characters and occurs in "
    "it, so masking it would spell it out; check the host, port, user and database of the connection string)";

/// `text` with every password of `dsn` replaced by `***`; kWithheldMessage
/// when a password shorter than kShortPassword occurs in it.
std::string without_passwords(std::string text, const std::string& dsn);

/// `text` with every occurrence of each of `secrets` replaced by `***`.
/// Occurrences that overlap or touch (one secret inside or across another)
/// become one `***`. A secret shorter than kShortPassword withholds each
/// whole line it occurs in, since masking it inside words would spell it
/// out. Each line of a multi-line secret that is at least kShortPassword
/// long is a secret too. Empty secrets are skipped. The one masking of the
/// runtime: messages, attempt logs and alert channels' errors all go
/// through it; it runs for every chunk of an attempt log's output.
std::string without_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace flowc::runtime
