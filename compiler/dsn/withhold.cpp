#include "compiler/dsn/withhold.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <vector>

#include "compiler/dsn/written_passwords.h"
#include "compiler/source/ascii.h"

namespace flowc::dsn {
namespace {

/// Whether a variable or option name says its value is a secret.
bool secret_name(std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // `--password-file=/etc/pw`, `TOKEN_PATH=...`: where a secret is kept, not the secret.
  if (upper.ends_with("FILE") || upper.ends_with("PATH")) return false;
  for (std::string_view word : {"PASS", "PWD", "SECRET", "TOKEN", "KEY", "AUTH", "CRED"})
    if (upper.find(word) != std::string::npos) return true;
  return false;
}

/// A shell word starting at `at`: up to a blank outside quotes, quotes kept.
std::string_view word_at(std::string_view text, size_t at) {
  size_t end = at;
  char quote = 0;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|') {
      break;
    }
  }
  return text.substr(at, end - at);
}

/// A value without the quotes around it.
std::string_view unquoted(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
    return value.substr(1, value.size() - 2);
  return value;
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

/// The secrets a URL in `word` spells out: the user info of a web URL
/// (`https://TOKEN@hooks.example.com`, `https://user:PASSWORD@...`; the user
/// of `ssh://git@...` or of a database URI is no secret, and a database
/// URI's password is found with the DSNs), the token ending the path of a
/// chat service's incoming webhook (Slack, Discord, Microsoft Teams) and the
/// values of query parameters whose names say secret (`?token=...`,
/// `&api_key=...`).
void url_secrets(std::string_view word, std::vector<std::string_view>& spans) {
  const size_t scheme = word.find("://");
  if (scheme == std::string_view::npos) return;
  const std::string_view rest = word.substr(scheme + 3);
  const size_t authority_end = rest.find_first_of("/?#'\"");
  const std::string_view authority = rest.substr(0, authority_end);
  // The scheme: the letters before `://` (a word may start with quotes or `url=`).
  size_t start = scheme;
  while (start > 0 && std::isalpha(static_cast<unsigned char>(word[start - 1]))) --start;
  const std::string name = ascii_lower(word.substr(start, scheme - start));
  const bool web = name == "http" || name == "https" || name == "ftp" || name == "ftps";
  if (size_t at = authority.rfind('@'); at != std::string_view::npos && web) {
    const std::string_view user = authority.substr(0, at);
    const size_t colon = user.find(':');
    spans.push_back(colon == std::string_view::npos ? user : user.substr(colon + 1));
  }
  // An incoming webhook of a chat service is its own credential: its last
  // path segment (`https://hooks.slack.com/services/T000/B000/TOKEN`).
  if (web) {
    std::string_view host =
        authority.substr(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
    host = host.substr(0, host.find(':'));
    std::string_view path = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
    path = path.substr(0, path.find_first_of("?#'\""));
    static constexpr std::pair<std::string_view, std::string_view> kWebhooks[] = {
        {"hooks.slack.com", "/services/"},
        {"discord.com", "/api/webhooks/"},
        {"discordapp.com", "/api/webhooks/"},
        {"webhook.office.com", "/webhookb2/"},
    };
    const std::string lower_host = ascii_lower(host);
    for (const auto& [service, prefix] : kWebhooks) {
      const bool ours = lower_host == service || lower_host.ends_with("." + std::string(service));
      if (!ours || !path.starts_with(prefix)) continue;
      const std::string_view last = path.substr(path.rfind('/') + 1);
      if (!last.empty()) spans.push_back(last);
    }
  }
  const size_t query = rest.find('?');
  if (query == std::string_view::npos) return;
  std::string_view params = rest.substr(query + 1);
  params = params.substr(0, params.find_first_of("#'\""));
  while (!params.empty()) {
    const std::string_view param = params.substr(0, params.find('&'));
    if (size_t eq = param.find('='); eq != std::string_view::npos && secret_name(param.substr(0, eq)))
      spans.push_back(param.substr(eq + 1));
    params.remove_prefix(std::min(params.size(), param.size() + 1));
  }
}

/// `Authorization: Bearer X`, `X-Api-Key: X`: a header whose name says
/// secret, as `curl -H` and `wget --header` take it; its whole value.
std::string_view header_secret(std::string_view word) {
  const std::string_view header = unquoted(word);
  const size_t colon = header.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  const std::string_view name = header.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_name_char) || !secret_name(name)) return {};
  std::string_view value = header.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

/// Programs whose option takes a secret as the next word, not named so:
/// `sshpass -p X`, `redis-cli -a X`, `openssl enc -k X`, `lftp -u user,X`.
struct SecretOption {
  std::string_view program, option;
};
constexpr SecretOption kSecretOptions[] = {
    {"sshpass", "-p"}, {"redis-cli", "-a"}, {"openssl", "-k"}, {"openssl", "-pass"}, {"lftp", "-u"}};

/// The shell words of `text`, in order; a quoted word that holds a command
/// of its own (`sh -c 'PGPASSWORD=x psql'`) is followed by its words. Each
/// is a view into `text`, so a secret found in one is replaced where it is.
void collect_words(std::string_view text, std::vector<std::string_view>& words, int depth = 0) {
  for (size_t at = 0; at < text.size();) {
    if (text[at] == ' ' || text[at] == '\t' || text[at] == ';' || text[at] == '&' || text[at] == '|') {
      ++at;
      continue;
    }
    std::string_view word = word_at(text, at);
    words.push_back(word);
    const std::string_view inner = unquoted(word);
    if (depth < 4 && inner.size() < word.size() && inner.find_first_of(" \t") != std::string_view::npos)
      collect_words(inner, words, depth + 1);
    at += std::max<size_t>(word.size(), 1);
  }
}

/// `text` with each secret it spells out replaced: by `***`, or with
/// `one_for_one` by as many `*` as it has bytes.
std::string withhold(std::string_view text, bool one_for_one, bool& withheld) {
  auto mask = [one_for_one](size_t size) {
    return one_for_one ? std::string(size, '*') : std::string("***");
  };
  const bool mysql =
      text.find("mysql") != std::string_view::npos || text.find("mariadb") != std::string_view::npos;
  std::vector<std::string_view> words;
  collect_words(text, words);
  // Each secret a word holds, where it stands (a short value such as `1`
  // must not be replaced wherever else it occurs).
  std::vector<std::string_view> spans;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const std::string_view next = i + 1 < words.size() ? words[i + 1] : std::string_view();
    const size_t eq = word.find('=');
    const std::string_view name = word.substr(0, eq);
    const bool named =
        eq != std::string_view::npos && !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
    if (named && secret_name(name)) {
      spans.push_back(unquoted(word.substr(eq + 1)));  // PGPASSWORD=x, --password=x
    } else if (word.starts_with("--") && eq == std::string_view::npos && secret_name(word) && !next.empty() &&
               !next.starts_with("-")) {
      spans.push_back(unquoted(next));  // --password x
    } else if ((word == "-u" || word == "--user") && next.find(':') != std::string_view::npos) {
      const std::string_view pair = unquoted(next);
      spans.push_back(pair.substr(pair.find(':') + 1));  // curl -u user:password
    } else if (mysql && word.size() > 2 && word.starts_with("-p")) {
      spans.push_back(unquoted(word.substr(2)));  // mysql -pPASSWORD
    } else if (std::string_view value = header_secret(word); !value.empty()) {
      spans.push_back(value);  // -H 'Authorization: Bearer X'
    }
    url_secrets(word, spans);
    for (const SecretOption& o : kSecretOptions) {
      if (word != o.option || next.empty() || next.starts_with("-")) continue;
      const bool run = std::any_of(
          words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i),
          [&](std::string_view w) { return w == o.program || w.ends_with("/" + std::string(o.program)); });
      if (!run) continue;
      std::string_view value = unquoted(next);
      if (o.program == "lftp") {
        if (size_t comma = value.find(','); comma != std::string_view::npos)
          spans.push_back(value.substr(comma + 1));
      } else {
        spans.push_back(value.starts_with("pass:") ? value.substr(5) : value);  // openssl -pass pass:X
      }
    }
  }
  std::sort(spans.begin(), spans.end(),
            [](std::string_view a, std::string_view b) { return a.data() > b.data(); });
  std::string out(text);
  size_t applied = text.size();          // the start of the last span replaced
  for (std::string_view span : spans) {  // from the end, so earlier offsets stay valid
    const auto at = static_cast<size_t>(span.data() - text.data());
    if (span.empty() || at + span.size() > applied) continue;  // inside one replaced already
    out.replace(at, span.size(), mask(span.size()));
    applied = at;
    withheld = true;
  }
  // A DSN's password, wherever it occurs (as the runtime masks it).
  std::vector<std::string> passwords = dsn::written_passwords(out);
  std::sort(passwords.begin(), passwords.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& password : passwords) {
    if (password.empty() || password.find_first_not_of('*') == std::string::npos) continue;
    for (size_t at = out.find(password); at != std::string::npos; at = out.find(password, at + 1)) {
      const std::string replacement = mask(password.size());
      out.replace(at, password.size(), replacement);
      at += replacement.size() - 1;
      withheld = true;
    }
  }
  return out;
}

}  // namespace

std::string withhold_secrets(std::string_view text, bool& withheld) {
  return withhold(text, false, withheld);
}

std::string withhold_secrets(std::string_view text) {
  bool withheld = false;
  return withhold(text, false, withheld);
}

std::string mask_secrets(std::string_view text) {
  bool withheld = false;
  return withhold(text, true, withheld);
}

bool asks_for_secret(std::string_view command) {
  while (!command.empty() && (command.back() == ' ' || command.back() == '\t')) command.remove_suffix(1);
  const size_t blank = command.find_last_of(" \t");
  const std::string_view last = blank == std::string_view::npos ? command : command.substr(blank + 1);
  const bool mysql =
      command.find("mysql") != std::string_view::npos || command.find("mariadb") != std::string_view::npos;
  return (mysql && last == "-p") || (last.starts_with("--") && secret_name(last));
}

}  // namespace flowc::dsn
