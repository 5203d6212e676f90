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
  // misread_dsn()'s reasons quote none of the DSN: a short password that
  // occurs in their words ("p" in "expect") is no reason to withhold them.
  if (text.ends_with(kNotShown)) return text;
  std::vector<std::string> passwords = passwords_in(dsn);
  // A short password turns up in ordinary text by chance ("on" in
  // "connection", "0" in "127.0.0.1"): masking each turn garbles the
  // message, and where the `***`s fall spells the password out.
  for (const std::string& password : passwords)
    if (!password.empty() && password.size() < kShortPassword && text.find(password) != std::string::npos)
      return kWithheldMessage;
  return without_secrets(std::move(text), passwords);
}

namespace {

/// Where a secret occurs in a text: [begin, end).
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

/// Adds a span for each occurrence of `form` in `text`; for a form shorter
/// than kShortPassword, the span is the whole line it occurs in.
void find_spans(std::string_view text, std::string_view form, std::vector<Span>& spans) {
  for (size_t at = text.find(form); at != std::string_view::npos; at = text.find(form, at + 1)) {
    Span span{at, at + form.size()};
    if (form.size() < kShortPassword) {
      // A short value turns up inside ordinary words ("ta" in "table"), and
      // where the `***`s fall in them spells it out: the line goes whole.
      const size_t line_start = text.rfind('\n', at);
      span.begin = line_start == std::string_view::npos ? 0 : line_start + 1;
      span.end = std::min(text.find('\n', span.end), text.size());
    }
    spans.push_back(span);
  }
}

}  // namespace

std::string without_secrets(std::string text, const std::vector<std::string>& secrets) {
  std::vector<Span> spans;
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    find_spans(text, secret, spans);
    if (secret.find('\n') == std::string::npos) continue;
    // A multi-line value (a PEM key) printed one line at a time: each of
    // its lines long enough to be its own is a secret too.
    for (size_t start = 0; start < secret.size();) {
      size_t end = std::min(secret.find('\n', start), secret.size());
      std::string_view line = std::string_view(secret).substr(start, end - start);
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (line.size() >= kShortPassword) find_spans(text, line, spans);
      start = end + 1;
    }
  }
  if (spans.empty()) return text;
  // Overlapping values (one secret's end another's start) are one `***`, so
  // that no part of either is left in the clear.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t i = 0; i < spans.size();) {
    Span merged = spans[i];
    for (++i; i < spans.size() && spans[i].begin <= merged.end; ++i)
      merged.end = std::max(merged.end, spans[i].end);
    out.append(text, copied, merged.begin - copied).append("***");
    copied = merged.end;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

}  // namespace flowc::runtime
