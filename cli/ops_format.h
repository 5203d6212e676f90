// Rendering `flowc ops`: one block per workflow for people, one JSON object
// for programs. No I/O: every function returns text.
#pragma once

#include <string>
#include <vector>

#include "runtime/report/ops.h"

namespace flowc::cli {

/// `flowc ops` for people: per workflow its runs, on-time rate, failure
/// rate, mean time to recovery, retries, alerts and recurring failures;
/// `since` is the window as written (`30d`).
std::string ops_human(const std::vector<runtime::report::WorkflowOps>& workflows, const std::string& since);

/// `flowc ops --format json`: `{"since", "workflow", "workflows": [...]}`;
/// rates are fractions (0.75), `null` when there is nothing to divide by.
std::string ops_json(const std::vector<runtime::report::WorkflowOps>& workflows, const std::string& since,
                     const std::string& workflow);

}  // namespace flowc::cli
