#include "runtime/view/summary.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "runtime/view/text.h"

namespace flowc::runtime::view {
namespace {

std::string plural(uint32_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string rstrip(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

std::string shown_state(std::string_view run_status, std::string_view task_state) {
  bool run_finished = run_status == "succeeded" || run_status == "failed";
  if (!run_finished) return std::string(task_state);
  if (task_state == "pending" || task_state == "ready" || task_state == "waiting") return "not_run";
  if (task_state == "retry_wait") return "not_retried";
  return std::string(task_state);
}

void print_summary(const RunSummary& summary, const plan::Plan& plan, const std::string& project_argument,
                   std::ostream& out) {
  std::string workflow = summary.workflow.empty() ? plan.workflow : summary.workflow;
  std::string ds = summary.ds.empty() ? plan.ds : summary.ds;
  std::string env = summary.env.empty() ? "" : " env " + summary.env;
  out << fmt::format("run {} {} ds {}{}: {}{}\n", summary.run_id, workflow, ds, env,
                     to_string(summary.status), run_took(summary));

  const size_t n = plan.tasks.size();
  if (n > 0) {
    struct Row {
      std::string task, state, attempts, error;
    };
    std::vector<Row> rows = {{"task", "state", "attempts", "error"}};
    for (size_t i = 0; i < n; ++i) {
      Row row;
      row.task = plan.tasks[i].name;
      row.state = shown_state(to_string(summary.status),
                              i < summary.task_states.size() ? to_string(summary.task_states[i]) : "pending");
      row.attempts = std::to_string(i < summary.task_attempts.size() ? summary.task_attempts[i] : 0);
      row.error = i < summary.task_errors.size() ? shown_message(summary.task_errors[i], 120) : "";
      rows.push_back(std::move(row));
    }
    size_t task_width = 0, state_width = 0, attempts_width = 0;
    for (const Row& row : rows) {
      task_width = std::max(task_width, text_width(row.task));
      state_width = std::max(state_width, row.state.size());
      attempts_width = std::max(attempts_width, row.attempts.size());
    }
    out << '\n';
    for (const Row& row : rows) {
      out << rstrip("  " + pad(row.task, task_width) + "  " + pad(row.state, state_width) + "  " +
                    pad(row.attempts, attempts_width) + "  " + row.error)
          << '\n';
    }
    out << '\n';
  }
  // Mirror runs: the comparison with the legacy tables, after the tasks that produced them.
  if (!summary.parity_text.empty()) out << summary.parity_text << '\n';
  // An alert no channel could deliver is said here, not only in the state
  // database: the on-call did not hear about it.
  std::string undelivered =
      summary.alerts_failed == 0 ? "" : fmt::format(", {} not delivered (every channel failed)", summary.alerts_failed);
  // Workers deliver the alerts of the tasks they run, maybe after this
  // summary: they are in the state database, not in these counts.
  std::string elsewhere =
      summary.tasks_ran_elsewhere
          ? fmt::format(
                " by this process; its tasks' alerts are the workers' (`flowc status {}{}` "
                "lists them)",
                summary.run_id, project_argument)
          : "";
  out << fmt::format("{}; alerts: {} sent, {} suppressed{}{}\n",
                     plural(summary.warnings, "warning", "warnings"), summary.alerts_sent,
                     summary.alerts_suppressed, undelivered, elsewhere);
  out << fmt::format("details: flowc status {}{}\n", summary.run_id, project_argument);
  // The next questions after a failure: what does it affect, and can it be
  // retried safely? impact reads a bare first argument as a name: the
  // project is given as a path (`./p`).
  if (summary.status == RunStatus::Failed) {
    const bool bare = !project_argument.empty() && project_argument.find('/') == std::string::npos;
    out << fmt::format(
        "affected: flowc impact --run {}{} says what its failures made stale, and who to tell\n",
        summary.run_id, bare ? " ./" + project_argument.substr(1) : project_argument);
    out << fmt::format(
        "retry: flowc retry {}{} --dry-run says what would run again and whether that is safe\n",
        summary.run_id, project_argument);
  }
  out.flush();
}

}  // namespace flowc::runtime::view
