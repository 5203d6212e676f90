// Finding the state database without running anything: the one the reading
// commands read (`history`, `status`, `ops`, `impact --run`, `cutover`;
// their reads are runtime/report) and `retry` and `worker` open. cli.md "Running
// and operating": --state-dsn, else FLOW_STATE_DSN, else the DSN of the
// project's target, else the project's private cluster in `.flow/pg` when
// one was ever created (a cluster is never created just to be read).
#pragma once

#include <optional>
#include <string>

#include "cli/local_cluster.h"
#include "runtime/report/state_database.h"

namespace flowc::cli {

/// Where run history lives (runtime/report/state_database.h): what the
/// reads of the reports take, and what `retry` and `worker` open.
using runtime::report::StateDatabase;

/// What the command line says about the state database.
struct StateDatabaseRequest {
  std::string path = ".";  // the project
  std::string workflow;    // whose target to use ("" = the default target or the only workflow's)
  std::string state_dsn;   // --state-dsn
  std::string target_dsn;  // --dsn: the targets' database, so the state's when nothing else names one
  /// Set (history, ops): a `workflow` the project does not declare is not
  /// refused, as it may have runs (renamed or removed since); this gets
  /// the line refusing it, for the caller to print when it has none.
  std::string* unknown_workflow = nullptr;
};

/// Resolves the state database for `request`. The schema comes from the
/// project at `request.path` when there is exactly one there, else "flow".
/// Uses the project's private cluster when it exists, started if it is
/// stopped (start_local_cluster() says so). When no database can be found, or the private cluster does
/// not start, prints one `flowc: ...` line and returns std::nullopt (exit 2).
std::optional<StateDatabase> find_state_database(const StateDatabaseRequest& request);

/// Whether `db` records any run of `workflow`, however long ago (false when
/// it cannot be read): a name the project no longer has is then not a typo.
bool has_runs_ever(const StateDatabase& db, const std::string& workflow);

}  // namespace flowc::cli
