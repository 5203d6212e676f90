#include "cli/ops_format.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/text_table.h"
#include "compiler/plan/plan.h"
#include "runtime/view/text.h"

namespace flowc::cli {
namespace {

using json = nlohmann::ordered_json;
using runtime::report::RecurringFailure;
using runtime::report::WorkflowOps;

std::optional<double> rate(uint32_t part, uint32_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / whole;
}

/// `3 of 4 (75.0%)`, or `n/a (none ...)`.
std::string ratio(uint32_t part, uint32_t whole, const char* none) {
  if (whole == 0) return fmt::format("n/a ({})", none);
  return fmt::format("{} of {} ({:.1f}%)", part, whole, 100.0 * part / whole);
}

json rate_json(uint32_t part, uint32_t whole) {
  std::optional<double> r = rate(part, whole);
  return r ? json(*r) : json(nullptr);
}

}  // namespace

std::string ops_human(const std::vector<WorkflowOps>& workflows, const std::string& since) {
  if (workflows.empty()) return "no runs in the last " + since + "\n";
  std::string out;
  for (const WorkflowOps& w : workflows) {
    if (!out.empty()) out += "\n";
    out += fmt::format("{}{} (last {})\n", w.workflow, w.env.empty() ? "" : " in " + w.env, since);
    std::string fixed =
        w.failed_then_fixed_by_retry == 0
            ? ""
            : fmt::format("; {} failed {} fixed by a retry since", w.failed_then_fixed_by_retry,
                          w.failed_then_fixed_by_retry == 1 ? "run" : "runs");
    out += fmt::format("  runs              {} ({} succeeded, {} failed, {} unfinished){}\n", w.runs,
                       w.succeeded, w.failed, w.runs - w.succeeded - w.failed, fixed);
    std::string backfills = w.backfill_runs_not_counted == 0
                                ? ""
                                : fmt::format("; {} backfill {} not counted", w.backfill_runs_not_counted,
                                              w.backfill_runs_not_counted == 1 ? "run" : "runs");
    out += fmt::format("  on time           {}{}\n",
                       ratio(w.on_time, w.with_deadline, "no run with a deadline"), backfills);
    out +=
        fmt::format("  failure rate      {}\n", ratio(w.failed, w.succeeded + w.failed, "no finished run"));
    std::string recovery =
        w.recovery.mean
            ? fmt::format("{} over {} {}", runtime::view::format_duration(*w.recovery.mean),
                          w.recovery.recoveries, w.recovery.recoveries == 1 ? "recovery" : "recoveries")
            : std::string("n/a (no recovery)");
    if (w.recovery.unrecovered > 0) recovery += fmt::format(", {} not recovered", w.recovery.unrecovered);
    out += fmt::format("  time to recovery  {}\n", recovery);
    out += fmt::format("  retries           {}\n", w.retries);
    out += fmt::format("  alerts            {} sent, {} suppressed, {} failed\n", w.alerts.sent,
                       w.alerts.suppressed, w.alerts.failed);
    if (w.recurring.empty()) {
      out += "  recurring failures: none\n";
      continue;
    }
    out += fmt::format("  recurring failures ({}):\n", w.recurring.size());
    std::vector<std::vector<std::string>> rows;
    for (const RecurringFailure& f : w.recurring) {
      rows.push_back({f.task, f.error_class.empty() ? "-" : f.error_class, std::to_string(f.count),
                      runtime::view::format_utc(f.last_seen)});
    }
    std::string table = text_table({"TASK", "CLASS", "COUNT", "LAST SEEN"}, rows);
    // Indented under the workflow: two more spaces on every line.
    for (size_t at = 0; at < table.size();) {
      size_t end = table.find('\n', at);
      out += "  " + table.substr(at, end + 1 - at);
      at = end + 1;
    }
  }
  return out;
}

std::string ops_json(const std::vector<WorkflowOps>& workflows, const std::string& since,
                     const std::string& workflow) {
  json out;
  out["since"] = since;
  out["workflow"] = workflow.empty() ? json(nullptr) : json(workflow);
  out["workflows"] = json::array();
  for (const WorkflowOps& w : workflows) {
    json recurring = json::array();
    for (const RecurringFailure& f : w.recurring) {
      recurring.push_back({{"task", f.task},
                           {"error_class", f.error_class},
                           {"count", f.count},
                           {"last_seen", runtime::view::format_utc(f.last_seen)}});
    }
    out["workflows"].push_back(
        {{"workflow", w.workflow},
         {"env", plan::env_name(w.env)},
         {"runs", w.runs},
         {"succeeded", w.succeeded},
         {"failed", w.failed},
         {"failed_then_fixed_by_retry", w.failed_then_fixed_by_retry},
         {"with_deadline", w.with_deadline},
         {"on_time", w.on_time},
         {"backfill_runs_not_counted", w.backfill_runs_not_counted},
         {"on_time_rate", rate_json(w.on_time, w.with_deadline)},
         {"failure_rate", rate_json(w.failed, w.succeeded + w.failed)},
         {"recurring_failures", recurring},
         {"mean_time_to_recovery_ms", w.recovery.mean ? json(w.recovery.mean->count()) : json(nullptr)},
         {"recoveries", w.recovery.recoveries},
         {"unrecovered_failures", w.recovery.unrecovered},
         {"retries", w.retries},
         {"alerts",
          {{"sent", w.alerts.sent}, {"suppressed", w.alerts.suppressed}, {"failed", w.alerts.failed}}}});
  }
  return out.dump(2) + "\n";
}

}  // namespace flowc::cli
