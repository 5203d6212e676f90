// `flowc ops`: the operating rhythm per workflow over a window (cli.md
// "Running and operating").
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/ops_format.h"
#include "cli/state_database.h"
#include "runtime/report/ops.h"

namespace flowc::cli {

using runtime::report::compute_ops;
using runtime::report::OpsData;
using runtime::report::read_ops;
using runtime::report::ReadStatus;
using runtime::report::WorkflowOps;

int run_ops(const OpsOptions& options) {
  if (!is_human_or_json(options.format)) return kExitUsage;
  std::optional<int64_t> since = parse_since(options.since);
  if (!since) return kExitUsage;
  // A workflow renamed or removed since its runs is still looked up.
  std::string unknown;
  std::optional<StateDatabase> db =
      find_state_database({options.path, options.workflow, options.state_dsn, "", &unknown});
  if (!db) return kExitUsage;

  OpsData data;
  ReadStatus status = read_ops(*db, {options.workflow, std::chrono::seconds(*since)}, data);
  if (!status.ok) {
    print_error(status.error);
    return kExitUsage;
  }
  // A name the project does not have, with no run ever (not only in the
  // window): a typo, most likely.
  if (!unknown.empty() && data.runs.empty() && !has_runs_ever(*db, options.workflow)) {
    print_error(unknown);
    return kExitUsage;
  }
  std::vector<WorkflowOps> workflows =
      compute_ops(data, std::chrono::floor<std::chrono::milliseconds>(runtime::Clock::now()));
  if (options.format == "json") {
    std::cout << ops_json(workflows, options.since, options.workflow);
  } else if (status.schema_missing) {
    std::cout << "no runs yet\n";
  } else {
    std::cout << ops_human(workflows, options.since);
  }
  return kExitOk;
}

}  // namespace flowc::cli
