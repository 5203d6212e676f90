// ASCII case folding, for words that are ASCII by definition: cron's month
// and day names, file extensions, HTTP header names, connection-string
// keywords. Only A-Z change, whatever the process's locale.
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

}  // namespace flowc
