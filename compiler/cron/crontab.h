// `flowc inventory --import crontab FILE`: a crontab (or `crontab -l` output)
// turned into `legacy` blocks, the first step of a migration.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowc::cron {

/// One job line of a crontab.
struct CrontabJob {
  uint32_t line = 0;       // 1-based line in the crontab
  std::string schedule;    // the 5 fields or the @macro, as written
  std::string command;     // the rest of the line
  std::string comment;     // a `#` comment directly above the job, if any
};

/// A line that is neither a job, a comment, an environment assignment nor blank.
struct CrontabProblem {
  uint32_t line = 0;
  std::string message;
};

struct Crontab {
  std::vector<CrontabJob> jobs;
  std::vector<CrontabProblem> problems;
};

/// Parses crontab text. Environment lines (NAME=value) and comments are
/// skipped; `@reboot` jobs are reported as problems (they have no schedule).
Crontab parse_crontab(std::string_view text);

/// The `.flow` text of one `legacy` block per job: schedule and command filled
/// in, a name derived from the command (unique within the output), and every
/// field the inventory still needs (owner, reads, writes, runtime, consumers,
/// symptoms, rollback) present with a `# TODO` comment. The output checks
/// clean with `flowc check` (W0405 aside) and is already formatted.
std::string legacy_blocks(const Crontab& crontab, std::string_view source_name);

}  // namespace flowc::cron
