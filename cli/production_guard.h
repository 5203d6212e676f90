// Whether a stored production plan may still write its tables: `flowc retry`
// and a scheduler adopting an abandoned run both drive a plan recorded
// earlier, and the project may have moved on since (a rollback to mirror, a
// legacy job enabled again). Two schedules must never write one table.
#pragma once

#include <string>

#include "compiler/plan/plan.h"

namespace flowc::cli {

/// Why the stored production plan `plan` may not write its tables now,
/// judged by the project at `root` (an absolute directory): the project has
/// the workflow at another stage, or reports E0303 inside it (an enabled
/// legacy job writes its tables). Each reason ends with what to do instead.
/// "" when it may: a plan of another stage (a mirror run writes only mirror
/// tables), or no one project at `root` declares the workflow (a worker's
/// directory may hold none: nothing is said then).
std::string production_write_refusal(const plan::Plan& plan, const std::string& root);

}  // namespace flowc::cli
