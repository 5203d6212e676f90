#include "runtime/connect/secrets.h"

#include <libpq-fe.h>

#include "compiler/dsn/written_passwords.h"

#include <algorithm>
#include <string_view>

namespace flowc::runtime {
namespace {

/// The password as libpq reads it; empty when `dsn` does not parse.
std::string parsed_password(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return "";
  std::string password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  PQconninfoFree(options);
  return password;
}

constexpr std::string_view kNotShown = " (the connection string is not shown: it may hold a password)";

}  // namespace

std::string misread_dsn(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options != nullptr) PQconninfoFree(options);
  const size_t scheme = dsn.find("://");
  const bool uri = scheme != std::string::npos && (dsn.starts_with("postgresql://") || dsn.starts_with("postgres://"));
  if (uri) {
    std::string_view rest = std::string_view(dsn).substr(scheme + 3);
    size_t authority_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view after = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
    std::string_view path = after.substr(0, after.find('?'));
    std::string_view query = after.substr(std::min(after.size(), path.size()));
    if (rest.find_first_of(" \t\n") != std::string_view::npos)
      return "the connection string has a blank: in a URI write it as %20" + std::string(kNotShown);
    if (std::count(authority.begin(), authority.end(), '@') > 1 || path.find('@') != std::string_view::npos ||
        query.find('@') != std::string_view::npos)
      return "the connection string has an `@` where libpq does not expect one: in a URI's user name or password "
             "write `@` as %40, `/` as %2F, `?` as %3F and `&` as %26" + std::string(kNotShown);
    for (size_t at = 0; at < query.size();) {
      size_t end = std::min(query.find('&', at + 1), query.size());
      std::string_view segment = query.substr(at + 1, end - at - 1);
      if (!segment.empty() && segment.find('=') == std::string_view::npos)
        return "the connection string's query has a part without `=`: in a value write `&` as %26" +
               std::string(kNotShown);
      at = end;
    }
  }
  if (options == nullptr)
    return std::string("the connection string cannot be parsed: write key=value pairs (a value with blanks or ") +
           "quotes in single quotes, `\\'` for a quote) or a postgresql:// URI" + std::string(kNotShown);
  return "";
}

std::vector<std::string> passwords_in(const std::string& dsn) {
  std::vector<std::string> out = flowc::dsn::written_passwords(dsn);
  if (dsn.find('=') != std::string::npos || dsn.find("://") != std::string::npos) {
    std::string parsed = parsed_password(dsn);
    if (!parsed.empty() && std::find(out.begin(), out.end(), parsed) == out.end()) out.push_back(parsed);
  }
  // Longest first, so that a password containing another is replaced whole.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return out;
}

std::string without_passwords(std::string text, const std::string& dsn) {
  std::vector<std::string> passwords = passwords_in(dsn);
  // A short password turns up in ordinary text by chance ("on" in
  // "connection", "0" in "127.0.0.1"): masking each turn garbles the
  // message, and where the `***`s fall spells the password out.
  for (const std::string& password : passwords)
    if (!password.empty() && password.size() < kShortPassword && text.find(password) != std::string::npos)
      return kWithheldMessage;
  return without_secrets(std::move(text), passwords);
}

std::string without_secrets(std::string text, const std::vector<std::string>& secrets) {
  auto longer = [](const std::string& a, const std::string& b) { return a.size() > b.size(); };
  if (!std::is_sorted(secrets.begin(), secrets.end(), longer)) {
    std::vector<std::string> sorted = secrets;
    std::sort(sorted.begin(), sorted.end(), longer);
    return without_secrets(std::move(text), sorted);
  }
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    // On past the `***` just written: a secret that is part of it ("*")
    // would otherwise be found there again, and again.
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  }
  return text;
}

}  // namespace flowc::runtime
