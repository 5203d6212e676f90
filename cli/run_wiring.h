// What every command that drives a run (`run`, `retry`, `backfill`, `schedule`) wires
// the same way: the request's databases, logs and project directory, the
// alert sink's options, and the operator view on stderr.
#pragma once

#include <memory>
#include <string>

#include "cli/run_databases.h"
#include "compiler/plan/plan.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/exec/exec.h"

namespace flowc::cli {

/// A request for a run of `plan` in the project at `root`: DSNs, the log
/// directory `<root>/.flow/logs` and the project directory (both absolute)
/// and `trigger` filled in; the caller adds the runner, observer, alerts, plan JSON and cancel token.
runtime::exec::RunRequest run_request(const plan::Plan& plan, const RunDatabases& databases, const std::string& root,
                                      std::string trigger);

/// Whether this process can write attempt logs in the project at `root`
/// (`<root>/.flow/logs`, made if needed); when it cannot, says why on
/// stderr (`flowc: the attempt log directory ... cannot be written: ...`):
/// an environment error (exit 2), checked before any run is created.
bool attempt_logs_writable(const std::string& root);

/// The same check, returning why not ("" when they can be written).
std::string attempt_log_problem(const std::string& root);

/// The alert sink's options for a run of `plan` (command channels and
/// relative jsonl paths resolve in the project directory).
runtime::alert::AlertSinkOptions alert_options(const plan::Plan& plan, const RunDatabases& databases,
                                               const std::string& root);

/// Why a run did not succeed, in one line: its first failed task and that
/// task's error, else a mirror run's `parity mismatch: <summary>`, else why
/// the run stopped.
std::string failure_reason(const runtime::exec::RunResult& result, const plan::Plan& plan);

/// The live table when stderr is a terminal (and TERM is not `dumb`), plain
/// timestamped lines otherwise; both on stderr.
std::unique_ptr<runtime::RunObserver> operator_view();

}  // namespace flowc::cli
