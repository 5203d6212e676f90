// ASCII case folding, for words that are ASCII by definition: cron's month
// and day names, file extensions, HTTP header names, connection-string
// keywords. Only A-Z change, whatever the process's locale. And the
// characters of a `.flow` name (language.md §3.2), which are ASCII too.
#pragma once

#include <string>
#include <string_view>

namespace flowc {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// Whether `c` may start a `.flow` name: `[A-Za-z_]`.
inline bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

/// Whether `c` may stand in a `.flow` name: `[A-Za-z0-9_]`.
inline bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

}  // namespace flowc
