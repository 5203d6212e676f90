// `flowc inventory --import crontab FILE`: a crontab (or `crontab -l` output)
// turned into `legacy` blocks, the first step of a migration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/cron/job_name.h"

namespace flowc::cron {

/// One job line of a crontab.
struct CrontabJob {
  uint32_t line = 0;       // 1-based line in the crontab
  std::string schedule;    // the 5 fields or the @macro, as written (fields joined by one space)
  std::string command;     // what cron runs: the rest of the line up to its first unescaped `%`,
                           // `\%` read as `%`, trailing blanks removed
  std::string comment;     // a `#` comment directly above the job, if any: its
                           // lines without the `#`, joined by "\n"
  std::optional<std::string> input;  // after an unescaped `%`: what cron writes to the command's
                                     // stdin (each further unescaped `%` a newline, `\%` a `%`)
  bool never_fires = false;          // a well-formed schedule naming no day that exists (`0 0 31 2 *`)
  std::string user;  // a system crontab's user field: who cron runs it as ("" = a user crontab)
};

/// A user's crontab (`crontab -l`), or a system one (/etc/crontab,
/// /etc/cron.d/*), whose jobs name the user to run as after the schedule.
enum class CrontabKind : uint8_t { User, System };

/// The kind of crontab at `path`: System for /etc/crontab and the files of
/// /etc/cron.d, User otherwise.
CrontabKind crontab_kind_of(std::string_view path);

/// An environment assignment (`NAME=value`, spaces around `=` allowed,
/// quotes around the value removed). In cron it applies to the jobs below it.
struct CrontabVariable {
  uint32_t line = 0;
  std::string name;
  std::string value;
};

/// A line that is neither a job, a comment, an environment assignment nor blank.
struct CrontabProblem {
  uint32_t line = 0;
  std::string message;
};

struct Crontab {
  std::vector<CrontabJob> jobs;
  std::vector<CrontabProblem> problems;
  std::vector<CrontabVariable> environment;  // in file order
};

/// Parses crontab text. Environment lines (NAME=value) are collected in
/// `environment`, comments are kept only as the comment of the job directly
/// below; `@reboot` jobs are reported as problems (they have no schedule), and
/// so is every job whose schedule does not parse. A job whose schedule never
/// fires is kept (cron has the line) and reported as a problem too. In a
/// system crontab the word after the schedule is the user (`CrontabJob::user`),
/// not part of the command. Never fails.
Crontab parse_crontab(std::string_view text, CrontabKind kind = CrontabKind::User);

/// The `.flow` text of one `legacy` block per job: schedule and command filled
/// in, a name derived from the command (unique within the output, never one
/// `reserved` holds), and every
/// field the inventory still needs (owner, reads, writes, runtime, consumers,
/// symptoms, rollback) present with a `# TODO` comment. The output checks
/// clean with `flowc check` (W0405 aside) and is already formatted. A
/// `CRON_TZ=Zone` line above a job becomes `cron("...", tz = "Zone")`. A job
/// that repeats an earlier line (a schedule firing at the same times, the same
/// time zone, command and stdin)
/// gets a `# TODO:` naming that line: cron runs it twice. A schedule that
/// never fires, which `flowc check` rejects (E0204), is written commented
/// out under a `# TODO:`.
/// `source_name` (the crontab's path, or "" / "-" for stdin) appears only in
/// the suggested rollback. Deterministic: no dates, no host names.
std::string legacy_blocks(const Crontab& crontab, std::string_view source_name, const IsReservedName& reserved);

}  // namespace flowc::cron
