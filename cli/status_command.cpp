// `flowc status RUN_ID`: one run in detail (cli.md "Running and operating").
#include <charconv>
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/run_report_format.h"
#include "cli/state_database.h"
#include "cli/terminal.h"
#include "runtime/report/runs.h"

namespace flowc::cli {
namespace {

using runtime::report::read_run;
using runtime::report::ReadStatus;
using runtime::report::RunReport;

}  // namespace

int run_status(const StatusOptions& options) {
  if (!is_human_or_json(options.format)) return kExitUsage;
  auto no_such_run = [&] {
    print_error("no run " + std::to_string(options.run_id) + " in the state database");
    return kExitUsage;
  };

  std::optional<StateDatabase> db = find_state_database({options.path, "", options.state_dsn, ""});
  if (!db) return kExitUsage;
  std::optional<RunReport> report;
  ReadStatus status = read_run(*db, options.run_id, report);
  if (!status.ok) {
    print_error(status.error);
    return kExitUsage;
  }
  if (!report) return no_such_run();
  std::cout << (options.format == "json"
                    ? status_json(*report)
                    : status_human(*report, use_color(stdout), project_argument(options.path)));
  return kExitOk;
}

}  // namespace flowc::cli
