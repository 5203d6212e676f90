// Which databases a run uses (cli.md "Running and operating"): the target's
// DSN from --dsn, else the environment variable its `env()` names, else a
// DSN written in plain text; the state database from --state-dsn, else
// FLOW_STATE_DSN, else the target; and with no DSN anywhere, the project's
// private cluster in `.flow/pg`.
#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include "cli/commands.h"
#include "compiler/plan/plan.h"

namespace flowc::cli {

/// Resolved DSNs. Secrets: never printed.
struct RunDatabases {
  std::string target_dsn;
  std::string state_dsn;
  bool embedded = false;  // the private cluster
  /// Where `state_dsn` came from, said after a failure to reach it (a user
  /// who set only the target's variable may not know the runs are kept
  /// there): ` (its DSN is target `warehouse`'s, from WAREHOUSE_DSN, as
  /// neither --state-dsn nor FLOW_STATE_DSN is set)`; "" for the private cluster.
  std::string state_dsn_origin;
};

/// The line after a run's summary when its suggested commands (`flowc
/// status N`) need the state DSN its command line gave, which the summary
/// does not repeat (it may hold a password): from `state_dsn_option`
/// (--state-dsn), or from `dsn_option` (--dsn) when FLOW_STATE_DSN does
/// not name the runs' database instead; "" otherwise.
std::string state_dsn_hint(const std::string& state_dsn_option, const std::string& dsn_option);

/// The target's DSN: `--dsn`, else the target's `env(...)` variable, else its
/// written `dsn`; "" when none is given.
std::string target_dsn_of(const plan::Plan& plan, const RunOptions& options);

/// Resolves the DSNs of a run of `plan` (project at `root`), starting the
/// private cluster when no DSN is given anywhere. Prints one clear line and
/// returns std::nullopt when the target has no DSN but a state DSN was given,
/// or when the private cluster cannot start. `cancel` ends a wait for the
/// private cluster's lock (start_local_cluster()).
std::optional<RunDatabases> resolve_databases(const plan::Plan& plan, const RunOptions& options,
                                              const std::string& root, std::stop_token cancel = {});

}  // namespace flowc::cli
