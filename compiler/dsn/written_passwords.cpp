#include "compiler/dsn/written_passwords.h"

namespace flowc::dsn {

std::vector<std::string> written_passwords(std::string_view dsn) {
  std::vector<std::string> out;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  for (size_t at = dsn.find("password"); at != std::string_view::npos; at = dsn.find("password", at + 1)) {
    // libpq allows blanks around the `=` (`password = x`), and a value of
    // blanks then `dbname=x` is the password "dbname=x" to it.
    size_t begin = at + 8;
    while (begin < dsn.size() && blank(dsn[begin])) ++begin;
    if (begin == dsn.size() || dsn[begin] != '=') continue;
    ++begin;
    while (begin < dsn.size() && blank(dsn[begin])) ++begin;
    bool quoted = begin < dsn.size() && dsn[begin] == '\'';
    if (quoted) ++begin;
    size_t end = begin;
    while (end < dsn.size() && (quoted ? dsn[end] != '\'' : !blank(dsn[end]) && dsn[end] != '&')) {
      if (dsn[end] == '\\' && end + 1 < dsn.size()) ++end;  // an escaped quote or blank is part of it
      ++end;
    }
    if (end > begin) out.emplace_back(dsn.substr(begin, end - begin));
  }
  if (size_t scheme = dsn.find("://"); scheme != std::string_view::npos) {
    std::string_view authority = dsn.substr(scheme + 3);
    authority = authority.substr(0, authority.find_first_of("/?"));
    size_t at = authority.rfind('@');
    size_t colon = authority.find(':');
    if (at != std::string_view::npos && colon < at && colon + 1 < at)
      out.emplace_back(authority.substr(colon + 1, at - colon - 1));
  }
  return out;
}

}  // namespace flowc::dsn
