// Job names from crontab commands: a small shell-word reader (enough to find
// the program and script of a typical cron line) and the naming heuristic.
#include "compiler/cron/job_name.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <optional>
#include <vector>

#include "compiler/source/ascii.h"

namespace flowc::cron {
namespace {

using Words = std::vector<std::string>;

constexpr std::array<std::string_view, 17> kScriptExtensions = {
    "sql", "py", "sh", "bash", "zsh", "ksh", "pl", "pm", "rb", "js", "mjs", "ts", "php", "r", "jar", "lua", "awk"};

/// Programs that run the command after their own options, with the options
/// that take a separate value, and whether a lock-file argument comes first.
struct Wrapper {
  std::string_view name;
  std::array<std::string_view, 3> value_options;
  bool takes_lock;
};

constexpr std::array<Wrapper, 15> kWrappers = {{
    {"nice", {"-n"}, false},       {"ionice", {"-c", "-n", "-p"}, false}, {"nohup", {}, false},
    {"time", {"-f", "-o"}, false}, {"exec", {"-a"}, false},               {"env", {"-u", "-C"}, false},
    {"sudo", {"-u", "-g"}, false}, {"chronic", {}, false},                {"cronic", {}, false},
    {"timeout", {"-s", "-k"}, false}, {"flock", {"-w", "-E"}, true},      {"setlock", {}, true},
    {"lckdo", {"-w"}, true},       {"run-one", {}, false},                {"stdbuf", {"-i", "-o", "-e"}, false},
}};

const Wrapper* find_wrapper(std::string_view program) {
  for (const Wrapper& w : kWrappers) {
    if (w.name == program) return &w;
  }
  return nullptr;
}

/// Shell glue that is never the job itself.
constexpr std::array<std::string_view, 15> kGlue = {"cd",     "test", "[",      "[[",  "sleep",
                                                    "true",   "false", ":",     "export", "umask",
                                                    "set",    "source", ".",    "echo", "printf"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::string_view basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The stem of a word naming a script ("refresh_kpi" for ".../refresh_kpi.sql"),
/// or empty when its extension is not a script's.
std::string_view script_stem(std::string_view word) {
  std::string_view base = basename(word);
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return contains(kScriptExtensions, ascii_lower(base.substr(dot + 1))) ? base.substr(0, dot)
                                                                        : std::string_view{};
}

bool is_assignment(std::string_view word) {
  size_t eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq),
                     [](char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); });
}

bool looks_numeric(std::string_view word) {
  return !word.empty() && word[0] >= '0' && word[0] <= '9' &&
         std::all_of(word.begin(), word.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.'; });
}

bool is_shell(std::string_view program) {
  return program == "sh" || program == "bash" || program == "zsh" || program == "ksh" || program == "dash";
}

/// Splits a command into simple commands (at `; & | ( )` and newlines), each
/// a list of words with quotes removed and redirections dropped. Stops at
/// cron's first unescaped `%` (the rest is stdin) and at a shell comment.
std::vector<Words> split_commands(std::string_view command) {
  std::vector<Words> commands(1);
  std::string word;
  bool in_word = false, drop_next_word = false;
  char quote = 0;
  auto finish_word = [&] {
    if (in_word && !drop_next_word) commands.back().push_back(word);
    if (in_word) drop_next_word = false;
    word.clear();
    in_word = false;
  };
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == '%' && (i == 0 || command[i - 1] != '\\')) break;
    if (quote != 0) {
      if (c == quote) quote = 0;
      else word += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      finish_word();
    } else if (c == '#' && !in_word) {
      break;
    } else if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '\n') {
      finish_word();
      if (!commands.back().empty()) commands.emplace_back();
    } else if (c == '>' || c == '<') {
      // "2>&1", ">>/var/log/x", "> /dev/null": an fd number before the
      // operator belongs to it, and so does the target after it.
      if (in_word && std::all_of(word.begin(), word.end(), [](char d) { return d >= '0' && d <= '9'; })) {
        word.clear();
        in_word = false;
      }
      finish_word();
      while (i + 1 < command.size() && (command[i + 1] == '>' || command[i + 1] == '<' || command[i + 1] == '|')) ++i;
      if (i + 1 < command.size() && command[i + 1] == '&') {
        ++i;
        while (i + 1 < command.size() && ((command[i + 1] >= '0' && command[i + 1] <= '9') || command[i + 1] == '-')) ++i;
      } else {
        drop_next_word = true;
      }
    } else {
      word += c;
      in_word = true;
    }
  }
  finish_word();
  if (commands.back().empty()) commands.pop_back();
  return commands;
}

/// Removes leading assignments and wrapper programs with their options.
/// Returns an inline command (`bash -c '...'`, `flock L -c '...'`) to name
/// instead, if one is found.
std::optional<std::string> strip_wrappers(Words& words) {
  size_t i = 0;
  while (i < words.size() && is_assignment(words[i])) ++i;
  while (i < words.size()) {
    const Wrapper* wrapper = find_wrapper(basename(words[i]));
    if (wrapper == nullptr) break;
    ++i;
    bool takes_lock = wrapper->takes_lock;
    while (i < words.size()) {
      const std::string& w = words[i];
      if (w == "-c" && i + 1 < words.size() && wrapper->takes_lock) return words[i + 1];  // flock L -c '...'
      if (!w.empty() && contains(wrapper->value_options, w)) {
        i += 2;
      } else if (w[0] == '-' || looks_numeric(w) || is_assignment(w)) {
        ++i;
      } else if (takes_lock) {
        takes_lock = false;
        ++i;
      } else {
        break;
      }
    }
  }
  i = std::min(i, words.size());
  words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i));
  // `bash -c '...'`: name the inline command instead.
  if (words.size() >= 3 && is_shell(basename(words[0])) && words[1] == "-c") return words[2];
  return std::nullopt;
}

bool is_interpreter(std::string_view program) {
  static constexpr std::array<std::string_view, 12> kInterpreters = {
      "sh", "bash", "zsh", "ksh", "dash", "perl", "ruby", "node", "nodejs", "php", "Rscript", "lua"};
  return contains(kInterpreters, program) || program.substr(0, 6) == "python";
}

/// The raw (unsanitised) name for one simple command.
std::string raw_name(const Words& words) {
  std::string_view program = basename(words[0]);
  for (const std::string& w : words) {
    if (std::string_view stem = script_stem(w); !stem.empty()) return std::string(stem);
  }
  if (program.substr(0, 6) == "python") {
    auto m = std::find(words.begin(), words.end(), "-m");
    if (m != words.end() && m + 1 != words.end()) {
      std::string_view module = *(m + 1);
      size_t dot = module.rfind('.');
      return std::string(dot == std::string_view::npos ? module : module.substr(dot + 1));
    }
  }
  if (is_interpreter(program)) {
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i][0] != '-') return std::string(basename(words[i]));
    }
  }
  return std::string(program);
}

std::string raw_name_of(std::string_view command, int depth) {
  std::vector<Words> commands = split_commands(command);
  const Words* fallback = nullptr;
  for (Words& words : commands) {
    if (auto inline_command = strip_wrappers(words)) {
      if (depth < 3) return raw_name_of(*inline_command, depth + 1);
      continue;
    }
    if (words.empty()) continue;
    if (fallback == nullptr) fallback = &words;
    if (!contains(kGlue, basename(words[0]))) return raw_name(words);
  }
  return fallback != nullptr ? raw_name(*fallback) : std::string();
}

/// `[a-z_][a-z0-9_]*`: lower-case, runs of other characters become one `_`.
std::string sanitize(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok) out += l;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.size() > 40) {
    out.resize(40);
    while (!out.empty() && out.back() == '_') out.pop_back();
  }
  if (out.empty()) return "job";
  if (out[0] >= '0' && out[0] <= '9') out = "job_" + out;
  return out;
}

}  // namespace

std::string job_name(std::string_view command, const IsReservedName& reserved) {
  std::string name = sanitize(raw_name_of(command, 0));
  if (reserved(name)) name += "_job";
  return name;
}

}  // namespace flowc::cron
