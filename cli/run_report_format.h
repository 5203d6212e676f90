// Rendering what runtime/report/runs.h read: aligned tables for people, one JSON
// object for programs. No SQL here, and no I/O: every function returns text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/report/runs.h"
#include "runtime/view/summary.h"

namespace flowc::cli {

/// A task's state as the reports show it (runtime/view/summary.h).
using runtime::view::shown_state;

/// A mirror run's stored parity report that failed, in one line
/// (ParityReport::mismatch_summary); "" when it held or there is none.
std::string parity_mismatch(const runtime::report::RunRecord& r);

/// `flowc history` for people: one aligned row per run (newest first) and a
/// count by status; `since` is the window as the user wrote it (`24h`).
/// ANSI colour on the status words when `color`. `project` follows each
/// command it suggests (project_argument(): " dir", or "" for here).
std::string history_human(const std::vector<runtime::report::RunRecord>& runs, const std::string& since,
                          bool color, const std::string& project);

/// `flowc history --format json`: `{"since", "workflow", "runs": [...]}`.
std::string history_json(const std::vector<runtime::report::RunRecord>& runs, const std::string& since,
                         const std::string& workflow);

/// `flowc status` for people: the run's header, then tables of its tasks,
/// attempts, expectation results and alerts, and its parity report;
/// `project` as for history_human.
std::string status_human(const runtime::report::RunReport& report, bool color, const std::string& project);

/// `flowc status --format json`: `{"run", "tasks", "attempts",
/// "expectations", "alerts", "parity"}`.
std::string status_json(const runtime::report::RunReport& report);

}  // namespace flowc::cli
