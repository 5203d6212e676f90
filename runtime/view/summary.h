// What `flowc run` prints when a run ends: one table a person reads in five
// seconds, and where to look next.
#pragma once

#include <ostream>

#include "runtime/events/events.h"

namespace flowc::runtime::view {

/// Prints the run's id, workflow, ds, status and duration, a row per task
/// (state, attempts, first line of its error), a mirror run's parity report
/// (RunSummary::parity_text), warnings, alerts sent and suppressed, and the
/// hint `details: flowc status <id>`. Task names come
/// from `plan`; the summary's per-task vectors are indexed like plan.tasks.
void print_summary(const RunSummary& summary, const plan::Plan& plan, std::ostream& out);

}  // namespace flowc::runtime::view
