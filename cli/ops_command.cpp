// `flowc ops`: the operating rhythm per workflow over a window (cli.md
// "Running and operating").
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/ops_format.h"
#include "cli/ops_report.h"
#include "cli/state_database.h"
#include "compiler/check/literals.h"

namespace flowc::cli {

int run_ops(const OpsOptions& options) {
  if (options.format != "human" && options.format != "json") {
    print_error("unknown --format `" + options.format + "` (expected human or json)");
    return kExitUsage;
  }
  std::optional<int64_t> since = check::parse_duration(options.since);
  if (!since || *since <= 0) {
    print_error("--since `" + options.since + "` is not a duration (write it like 30m, 24h, 7d or 1h30m)");
    return kExitUsage;
  }
  std::optional<StateDatabase> db = find_state_database({options.path, options.workflow, options.state_dsn});
  if (!db) return kExitUsage;

  OpsData data;
  ReadStatus status = read_ops(*db, {options.workflow, std::chrono::seconds(*since)}, data);
  if (!status.ok) {
    print_error(status.error);
    return kExitUsage;
  }
  std::vector<WorkflowOps> workflows = compute_ops(data, runtime::Clock::now());
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
