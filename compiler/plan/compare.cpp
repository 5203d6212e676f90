#include "compiler/plan/compare.h"

namespace flowc::plan {
namespace {

/// The expectations without where they are written.
std::vector<Check> checks_as_run(std::vector<Check> checks) {
  for (Check& check : checks) check.origin = {};
  return checks;
}

}  // namespace

std::string task_difference(const Task& ran, const Task& now, TaskParts parts) {
  if (ran.kind != now.kind || ran.output != now.output || ran.mode != now.mode ||
      ran.partition_column != now.partition_column || ran.merge_key != now.merge_key)
    return "its output or write mode";
  if (ran.select != now.select) return "its SQL";
  if (ran.argv != now.argv || ran.env_secrets != now.env_secrets) return "its command";
  if (parts == TaskParts::Output) return "";
  if (ran.metrics != now.metrics || ran.conditions != now.conditions ||
      checks_as_run(ran.checks) != checks_as_run(now.checks))
    return "its expectations";
  if (ran.readiness != now.readiness) return "its readiness check";
  if (ran.retry != now.retry || ran.timeout_seconds != now.timeout_seconds) return "its retries or timeout";
  return "";
}

}  // namespace flowc::plan
