// How a task of one plan runs differently from the same task of another:
// the plan stored with a run against the project as it is now (`flowc
// cutover` asks whether a mirror run ran what the workflow runs now, `flowc
// retry` warns that it reruns a task as it ran, not as it is now).
#pragma once

#include <string>

#include "compiler/plan/plan.h"

namespace flowc::plan {

/// Which of a task's parts are compared.
enum class TaskParts : uint8_t {
  Output,  // what decides the table it writes: output, mode, SQL, command
  All,     // also its expectations, readiness check, retries and timeout
};

/// The first of `parts` in which `now` differs from `ran`, as a phrase
/// ("its SQL", "its output or write mode", "its command", "its
/// expectations", "its readiness check", "its retries or timeout"); "" when
/// they agree. Source positions are not compared (a comment or a moved line
/// changes nothing that runs); param values are (both plans are of one ds).
std::string task_difference(const Task& ran, const Task& now, TaskParts parts);

}  // namespace flowc::plan
