#include "compiler/dsn/written_passwords.h"

namespace flowc::dsn {

std::vector<std::string> written_passwords(std::string_view dsn) {
  std::vector<std::string> out;
  for (size_t at = dsn.find("password="); at != std::string_view::npos; at = dsn.find("password=", at + 1)) {
    size_t begin = at + 9;
    bool quoted = begin < dsn.size() && dsn[begin] == '\'';
    if (quoted) ++begin;
    size_t end = begin;
    while (end < dsn.size() && (quoted ? dsn[end] != '\'' : dsn[end] != ' ' && dsn[end] != '&')) ++end;
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
