// Crontab reader: classifies each line (blank, comment, environment
// assignment, job) the way Vixie cron and cronie do for user crontabs.
#include "compiler/cron/crontab.h"

#include <cctype>
#include <filesystem>
#include <optional>

#include "compiler/cron/cron.h"

namespace flowc::cron {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// The next blank-separated word of `s` from `pos`; advances `pos`.
std::string_view next_word(std::string_view s, size_t& pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  size_t start = pos;
  while (pos < s.size() && !is_blank(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

/// `NAME=value` or `NAME = value` (cron's load_env): a name without blanks or
/// `=`, optionally quoted, then `=`. A job line never matches because its
/// first field is followed by a blank and then not by `=`.
std::optional<CrontabVariable> parse_assignment(std::string_view line) {
  std::string_view name;
  size_t pos = 0;
  if (line[0] == '"' || line[0] == '\'') {
    size_t close = line.find(line[0], 1);
    if (close == std::string_view::npos) return std::nullopt;
    name = line.substr(1, close - 1);
    pos = close + 1;
  } else {
    while (pos < line.size() && !is_blank(line[pos]) && line[pos] != '=') ++pos;
    name = line.substr(0, pos);
  }
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  if (name.empty() || pos >= line.size() || line[pos] != '=') return std::nullopt;
  std::string_view value = unquote(trim(line.substr(pos + 1)));
  return CrontabVariable{0, std::string(name), std::string(value)};
}

/// Splits a job's text as cron does before running it (cronie's
/// child_process): the command ends at the first unescaped `%`, where `\%`
/// stands for `%`; the rest is written to the command's stdin, each
/// unescaped `%` a newline and `\%` again a `%`.
void split_input(std::string_view text, CrontabJob& job) {
  bool escaped = false;
  size_t at = 0;
  for (; at < text.size(); ++at) {
    char c = text[at];
    if (escaped) {
      if (c == '%') job.command.back() = c;  // the backslash goes
      else job.command += c;
      escaped = false;
    } else if (c == '%') {
      break;
    } else {
      job.command += c;
      escaped = c == '\\';
    }
  }
  job.command = std::string(trim(job.command));
  if (at == text.size()) return;
  job.input.emplace();
  escaped = false;
  for (char c : text.substr(at + 1)) {
    if (escaped && c != '%') *job.input += '\\';
    if (!escaped && c == '%') c = '\n';
    escaped = c == '\\';
    if (!escaped) *job.input += c;
  }
  if (escaped) *job.input += '\\';
}

/// The outcome of reading one line as a job.
struct JobLine {
  std::optional<CrontabJob> job;
  std::string problem;  // set when the line is a job that cannot be imported
};

/// Reads `line` (trimmed, starting with a digit, `*` or `@`) as a job.
JobLine parse_job(std::string_view line, CrontabKind kind) {
  JobLine out;
  CronError error;
  size_t pos = 0;
  std::string schedule;
  if (line[0] == '@') {
    schedule = std::string(next_word(line, pos));
    if (!parse(schedule, error)) {
      out.problem = schedule == "@reboot" ? "`@reboot` runs once when the machine starts and has no schedule: "
                                            "migrate it by hand"
                                          : "invalid schedule: " + error.message;
      return out;
    }
  } else {
    for (int i = 0; i < 5; ++i) {
      std::string_view word = next_word(line, pos);
      if (word.empty()) {
        out.problem = "expected 5 schedule fields and a command, found " + std::to_string(i) + " fields";
        return out;
      }
      if (i > 0) schedule += ' ';
      schedule += word;
    }
    if (!parse(schedule, error)) {
      out.problem = "invalid schedule `" + schedule + "`: " + error.message;
      return out;
    }
  }
  CrontabJob job;
  job.schedule = std::move(schedule);
  job.never_fires = never_fires(*parse(job.schedule, error));
  if (kind == CrontabKind::System) {
    job.user = std::string(next_word(line, pos));
    if (job.user.empty()) {
      out.problem = "job `" + job.schedule + "` has no user (a system crontab names one after the schedule)";
      return out;
    }
  }
  split_input(trim(line.substr(pos)), job);
  if (job.command.empty()) {
    out.problem = "job `" + job.schedule + "` has no command";
    return out;
  }
  out.job = std::move(job);
  return out;
}

bool starts_job(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '@'; }

/// Comment text that must not become a job's doc comment: a commented-out
/// job, and the column header of Debian's crontab template.
bool is_code_comment(std::string_view text, CrontabKind kind) {
  if (!text.empty() && starts_job(text[0]) && parse_job(text, kind).job) return true;
  std::string words;
  size_t pos = 0;
  for (std::string_view w = next_word(text, pos); !w.empty(); w = next_word(text, pos)) words += std::string(w) + " ";
  return words == "m h dom mon dow command " || words == "m h dom mon dow user command ";
}

/// A comment line's text: without the leading `#`s and blanks.
std::string_view comment_text(std::string_view line) {
  while (!line.empty() && line.front() == '#') line.remove_prefix(1);
  return trim(line);
}

/// True for comment lines that are only decoration ("#####", "# ----").
bool is_decoration(std::string_view text) {
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

CrontabKind crontab_kind_of(std::string_view path) {
  // Named from anywhere (`cd /etc/cron.d && ... e2scrub_all`, or a link).
  std::error_code ec;
  std::filesystem::path real = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  std::string normal = (ec ? std::filesystem::path(path) : real).lexically_normal().string();
  return normal == "/etc/crontab" || normal.starts_with("/etc/cron.d/") ? CrontabKind::System
                                                                        : CrontabKind::User;
}

Crontab parse_crontab(std::string_view text, CrontabKind kind) {
  Crontab out;
  // A crontab saved by an editor that writes a byte order mark: cron itself
  // would read the mark as part of the first line; the job is the same.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::string_view> pending_comment;  // comment lines directly above
  uint32_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos) newline = text.size();
    std::string_view line = trim(text.substr(pos, newline - pos));
    pos = newline + 1;
    ++line_number;

    if (line.empty()) {
      pending_comment.clear();
      continue;
    }
    if (line[0] == '#') {
      std::string_view comment = comment_text(line);
      if (is_code_comment(comment, kind)) {
        pending_comment.clear();
      } else if (!pending_comment.empty() || !is_decoration(comment)) {
        pending_comment.push_back(comment);
      }
      continue;
    }
    std::vector<std::string_view> comment = std::move(pending_comment);
    pending_comment.clear();
    // cronie's `-` before a job only keeps it out of syslog: the job is the same.
    if (line.size() > 1 && line[0] == '-' && starts_job(line[1])) line.remove_prefix(1);

    if (!starts_job(line[0])) {
      if (auto variable = parse_assignment(line)) {
        variable->line = line_number;
        // cronie reads the jobs below a CRON_TZ line in that zone.
        if (variable->name == "CRON_TZ" && !variable->value.empty() && !is_valid_time_zone(variable->value)) {
          std::string message = "unknown time zone `" + variable->value + "` in CRON_TZ";
          std::string suggestion = closest_time_zone(variable->value);
          if (!suggestion.empty()) message += " (did you mean `" + suggestion + "`?)";
          out.problems.push_back({line_number, std::move(message)});
        }
        out.environment.push_back(std::move(*variable));
      } else {
        out.problems.push_back({line_number, "expected a job, an environment assignment or a comment"});
      }
      continue;
    }
    JobLine job = parse_job(line, kind);
    if (!job.job) {
      out.problems.push_back({line_number, std::move(job.problem)});
      continue;
    }
    // Trailing decoration lines ("# ----" under the text) say nothing.
    while (!comment.empty() && is_decoration(comment.back())) comment.pop_back();
    job.job->line = line_number;
    if (job.job->never_fires) {
      out.problems.push_back({line_number, "schedule `" + job.job->schedule +
                                               "` never fires (none of its months has that day): imported with "
                                               "the schedule commented out"});
    }
    // A sixth time field (seconds or years, from another scheduler): cron
    // reads it as the start of the command, which then fails every time.
    const std::string_view first = job.job->command.substr(0, job.job->command.find_first_of(" \t"));
    if (job.job->schedule[0] != '@' && !first.empty() &&
        first.find_first_not_of("0123456789*/,-") == std::string_view::npos) {
      out.problems.push_back({line_number, "the command starts with `" + std::string(first) +
                                               "`, a sixth time field? cron has five and runs it as the "
                                               "command: imported as cron runs it"});
    }
    for (size_t i = 0; i < comment.size(); ++i) {
      if (i > 0) job.job->comment += '\n';
      job.job->comment += comment[i];
    }
    out.jobs.push_back(std::move(*job.job));
  }
  return out;
}

}  // namespace flowc::cron
