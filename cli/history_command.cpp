// `flowc history`: what ran, newest first (cli.md "Running and operating").
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/run_report_format.h"
#include "cli/state_database.h"
#include "cli/terminal.h"
#include "runtime/report/runs.h"

namespace flowc::cli {

using runtime::report::read_history;
using runtime::report::ReadStatus;
using runtime::report::RunRecord;

int run_history(const HistoryOptions& options) {
  if (!is_human_or_json(options.format)) return kExitUsage;
  std::optional<int64_t> since = parse_since(options.since);
  if (!since) return kExitUsage;
  // A workflow renamed or removed since its runs is still looked up.
  std::string unknown;
  std::optional<StateDatabase> db =
      find_state_database({options.path, options.workflow, options.state_dsn, "", &unknown});
  if (!db) return kExitUsage;

  std::vector<RunRecord> runs;
  ReadStatus status = read_history(*db, {options.workflow, std::chrono::seconds(*since)}, runs);
  if (!status.ok) {
    print_error(status.error);
    return kExitUsage;
  }
  // A name the project does not have, with no run ever (not only in the
  // window): a typo, most likely.
  if (!unknown.empty() && runs.empty() && !has_runs_ever(*db, options.workflow)) {
    print_error(unknown);
    return kExitUsage;
  }
  if (options.format == "json") {
    std::cout << history_json(runs, options.since, options.workflow);
  } else if (status.schema_missing) {
    std::cout << "no runs yet\n";
  } else {
    std::cout << history_human(runs, options.since, use_color(stdout), project_argument(options.path));
  }
  return kExitOk;
}

}  // namespace flowc::cli
