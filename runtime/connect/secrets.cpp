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

}  // namespace

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
  return without_secrets(std::move(text), passwords_in(dsn));
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
