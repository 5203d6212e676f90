// Crontab jobs printed as `legacy` blocks, already in the formatter's
// canonical layout (2-space indent, `=` aligned, one blank line between
// blocks, one final newline) so `flowc fmt` leaves the output alone.
//
// What the importer cannot know (owner, reads, writes, runtime, consumers,
// symptoms, rollback) is written as commented-out attributes with a
// placeholder of the right type and a `# TODO:` note, not as live
// placeholders: `owner = "TODO"` or `writes = []` would satisfy W0405 and the
// inventory would stop reporting the job as incomplete. Commented out, the
// output checks clean except for one W0405 per job (owner, writes, consumers,
// rollback), and `flowc inventory` lists every field still missing.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "compiler/cron/cron.h"
#include "compiler/cron/crontab.h"
#include "compiler/cron/job_name.h"
#include "compiler/diagnostics/render.h"
#include "compiler/dsn/withhold.h"
#include "compiler/inventory/placeholders.h"

namespace flowc::cron {
namespace {

using dsn::asks_for_secret;
using dsn::withhold_secrets;

/// The body of a `.flow` string literal: `"` and `\` escaped, `${` written
/// `$${` (so the shell's `${VAR}` is not an interpolation), control
/// characters (C0, DEL and C1) as `\t`, `\n` or `\u{..}`.
std::string escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      out += "$$";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7f ||
               (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0)) {
      // C0 and DEL, and C1 (U+0080..U+009F, two bytes): none reaches a terminal raw.
      if (byte == 0xc2) byte = static_cast<unsigned char>(text[++i]);
      out += "\\u{";
      if (byte >= 16) out += kHex[byte >> 4];
      out += kHex[byte & 15];
      out += '}';
    } else {
      out += c;
    }
  }
  return out;
}

/// Variables whose values are plain configuration and safe to print; any
/// other variable may hold a secret (PGPASSWORD=...), so only its name is shown.
bool value_is_shown(std::string_view name) {
  return name == "SHELL" || name == "PATH" || name == "HOME" || name == "LANG" || name == "LC_ALL" ||
         name == "TZ" || name == "LOGNAME" || name == "USER";
}

/// The crontab environment as seen by a job on `line`: the last value of
/// each variable assigned above it, in order of first assignment.
std::vector<std::pair<std::string, std::string>> environment_at(const Crontab& crontab, uint32_t line) {
  std::vector<std::pair<std::string, std::string>> env;
  for (const CrontabVariable& v : crontab.environment) {
    if (v.line >= line) break;
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == v.name; });
    if (it != env.end()) it->second = v.value;
    else env.emplace_back(v.name, v.value);
  }
  return env;
}

std::string lookup(const std::vector<std::pair<std::string, std::string>>& env, std::string_view name) {
  for (const auto& [k, v] : env) {
    if (k == name) return v;
  }
  return {};
}

/// A name not used yet: `name`, else `name_2`, `name_3`, ... `next` holds
/// each base name's next number, so 10,000 `psql` jobs do not count up
/// from 2 each time.
std::string unique_name(const std::string& name, std::set<std::string>& used,
                        std::map<std::string, int>& next) {
  std::string candidate = name;
  int& n = next.try_emplace(name, 2).first->second;
  while (used.count(candidate) != 0) candidate = name + "_" + std::to_string(n++);
  used.insert(candidate);
  return candidate;
}

/// An earlier job of the crontab that the job repeats.
struct Repeated {
  uint32_t line = 0;
  std::string name;
};

/// The times a schedule fires, as one string: `0 7 * * *` and `0 07 * * *`,
/// or `@daily` and `0 0 * * *`, are one schedule. Text as written when it
/// does not parse (such a job is reported, not compared).
std::string firing_key(std::string_view schedule) {
  CronError error;
  const std::optional<CronSpec> spec = parse(schedule, error);
  if (!spec) return "\1" + std::string(schedule);
  return spec->minutes.to_string() + spec->hours.to_string() + spec->days_of_month.to_string() +
         spec->months.to_string() + spec->days_of_week.to_string() + (spec->dom_restricted ? "d" : "-") +
         (spec->dow_restricted ? "w" : "-");
}

/// What makes two jobs the same run (cron runs both): the times the schedule
/// fires, the time zone, and command and stdin as written.
std::string run_key(const Crontab& crontab, const CrontabJob& job) {
  const std::string tz = lookup(environment_at(crontab, job.line), "CRON_TZ");
  std::string key = firing_key(job.schedule) + '\0' + tz + '\0' + job.command + '\0';
  if (job.input) key += "\1" + *job.input;
  return key;
}

struct Todo {
  std::string attribute;  // `owner     = "team"`
  std::string hint;       // what to fill in
};

void print_block(const Crontab& crontab, const CrontabJob& job, const std::string& name,
                 const std::optional<Repeated>& repeats, std::string_view source_name, std::string& out) {
  const auto env = environment_at(crontab, job.line);
  bool withheld = false;  // a secret of the line replaced by `***`

  if (!job.comment.empty()) {
    // A comment is copied as written, but for its secrets and its control
    // characters (shown as control pictures: the output goes to a terminal).
    const std::string comment = printable(withhold_secrets(job.comment, withheld), "\n");
    size_t start = 0;
    while (start <= comment.size()) {
      size_t end = comment.find('\n', start);
      if (end == std::string::npos) end = comment.size();
      std::string_view text = std::string_view(comment).substr(start, end - start);
      out += text.empty() ? "##\n" : "## " + std::string(text) + "\n";
      start = end + 1;
    }
  }
  const std::string command = withhold_secrets(job.command, withheld);
  std::optional<std::string> input;
  if (job.input && asks_for_secret(job.command)) {
    input = "***";  // the password the command reads from stdin
    withheld = true;
  } else if (job.input) {
    input = withhold_secrets(*job.input, withheld);
  }

  std::string tz_argument;
  const std::string tz = lookup(env, "CRON_TZ");
  if (!tz.empty() && is_valid_time_zone(tz)) tz_argument = ", tz = \"" + escape(tz) + "\"";
  out += "legacy " + name + " {\n";
  const std::string schedule = "schedule = cron(\"" + escape(job.schedule) + "\"" + tz_argument + ")\n";
  if (job.never_fires) {
    // `flowc check` rejects it (E0204): commented out, the block still
    // checks, and the inventory lists the schedule as missing.
    out += "  # TODO: this schedule never fires (none of its months has that day), so cron never runs the job: "
           "correct it, then uncomment it\n";
    out += "  # " + schedule;
    out += "  command = \"" + escape(command) + "\"\n";
    out += "  enabled = true\n";
  } else {
    out += "  " + schedule;
    out += "  command  = \"" + escape(command) + "\"\n";
    out += "  enabled  = true\n";
  }

  if (tz.empty()) {
    // cron reads the fields in the host's zone; flowc in UTC unless told.
    out +=
        "  # TODO: cron ran this in its host's local time zone (the crontab sets no CRON_TZ): add "
        "`tz = \"Region/City\"` to the cron(...) above, unless the host runs in UTC\n";
  } else if (tz_argument.empty()) {
    const std::string suggestion = closest_time_zone(tz);
    out += "  # TODO: CRON_TZ `" + printable(withhold_secrets(tz, withheld)) +
           "` is not a time zone this machine knows, so the schedule above is read in UTC: add `tz = \"" +
           (suggestion.empty() ? std::string("Region/City") : suggestion) + "\"` to the cron(...)\n";
  }
  if (withheld) {
    out +=
        "  # TODO: a secret written in the crontab line was withheld (`***`): have the task read it from "
        "its environment (command(..., env = [env(\"NAME\")])), never from the .flow file\n";
  }
  if (!job.user.empty()) {
    // A command task runs as flowc's user: the migration must see to it.
    out += "  # TODO: cron runs it as user `" + job.user +
           "` (a system crontab's user field): run the task where that user's rights are\n";
  }
  if (input) {
    // A command task has no stdin: the migration must put this text elsewhere.
    out += "  # TODO: cron fed the rest of the line, after an unescaped `%`, to the command's stdin: \"" +
           escape(*input) + "\"\n";
  }
  if (repeats) {
    // Most likely a line pasted twice; the import keeps both, as cron runs both.
    out += "  # TODO: the same command as line " + std::to_string(repeats->line) + " (`" + repeats->name +
           "`), on the same schedule: cron runs it twice; confirm this duplicate schedule, or delete one line\n";
  }
  std::string shown;
  for (const auto& [variable, value] : env) {
    if (variable == "MAILTO" || variable == "CRON_TZ") continue;  // used above and below
    shown += shown.empty() ? "" : ", ";
    shown += value_is_shown(variable) ? variable + "=" + printable(value) : variable;
  }
  if (!shown.empty()) out += "  # note: the crontab sets " + shown + " for this job\n";

  const std::string mailto = lookup(env, "MAILTO");
  const std::string where = source_name.empty() || source_name == "-" ? std::string("the crontab")
                                                                        : std::string(source_name);
  const std::vector<Todo> todos = {
      {"owner     = \"" + (mailto.empty() ? std::string("team") : escape(mailto)) + "\"",
       mailto.empty() ? "the owning team" : "the owning team (cron mails this address)"},
      {"reads     = [\"" + std::string(inventory::kPlaceholderTable) + "\"]", "the tables it reads"},
      {"writes    = [\"" + std::string(inventory::kPlaceholderTable) + "\"]", "the tables it writes"},
      {"runtime   = 10m", "how long a run usually takes"},
      {"consumers = [\"" + std::string(inventory::kPlaceholderConsumer) + "\"]", "who uses what it writes"},
      {"symptoms  = \"" + std::string(inventory::kPlaceholderSymptoms) + "\"",
       "what users notice when it does not run"},
      {"rollback  = \"re-enable line " + std::to_string(job.line) + " of " + escape(where) + "\"",
       "how to undo the migration"},
  };
  size_t width = 0;
  for (const Todo& todo : todos) width = std::max(width, todo.attribute.size());
  out += "  # uncomment each field below once it is filled in (`flowc inventory` lists the ones still missing)\n";
  for (const Todo& todo : todos) {
    out += "  # " + todo.attribute + std::string(width - todo.attribute.size() + 2, ' ') + "# TODO: " + todo.hint +
           "\n";
  }
  out += "}\n";
}

}  // namespace

std::string legacy_blocks(const Crontab& crontab, std::string_view source_name, const IsReservedName& reserved) {
  std::string out;
  std::set<std::string> used;
  std::map<std::string, int> next_number;
  std::map<std::string, Repeated> first_run;  // by run_key
  for (const CrontabJob& job : crontab.jobs) {
    const std::string name = unique_name(job_name(job.command, reserved), used, next_number);
    std::optional<Repeated> repeats;
    auto [first, inserted] = first_run.try_emplace(run_key(crontab, job), Repeated{job.line, name});
    if (!inserted) repeats = first->second;
    if (!out.empty()) out += '\n';
    print_block(crontab, job, name, repeats, source_name, out);
  }
  return out;
}

}  // namespace flowc::cron
