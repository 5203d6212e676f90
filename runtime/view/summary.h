// What `flowc run` prints when a run ends: one table a person reads in five
// seconds, and where to look next.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "runtime/events/events.h"

namespace flowc::runtime::view {

/// A task's state as flowc shows it, in the run's summary and in every
/// report. An instance that a finished run left waiting its turn (the run
/// was stopped by Ctrl-C, or superseded when its driver was gone) keeps its
/// stored state; what it means then is said instead: `not_run` (pending,
/// ready, waiting) or `not_retried` (retry_wait). (`running` stays: a
/// worker may still finish it.)
std::string shown_state(std::string_view run_status, std::string_view task_state);

/// Prints the run's id, workflow, ds, status and duration, a row per task
/// (state, attempts, first line of its error), a mirror run's parity report
/// (RunSummary::parity_text), warnings, alerts sent and suppressed, and the
/// hints `details: flowc status <id>` (and after a failure `flowc retry <id>
/// --dry-run`), each followed by `project_argument` (" daily_kpi", or "" for
/// the current directory) so that it works as printed. Task names come from
/// `plan`; the summary's per-task vectors are indexed like plan.tasks.
void print_summary(const RunSummary& summary, const plan::Plan& plan, const std::string& project_argument,
                   std::ostream& out);

}  // namespace flowc::runtime::view
