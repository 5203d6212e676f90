#include "cli/run_wiring.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "cli/load.h"
#include "runtime/exec/log_dir.h"
#include "runtime/view/view.h"

namespace flowc::cli {

namespace {

/// The project directory, absolute, so that the log path stored with each
/// attempt, shown by `flowc status` and sent in alerts, means the same file
/// wherever it is read from (with the attempt's worker naming the machine).
std::filesystem::path absolute_project(const std::string& root) {
  std::error_code error;
  std::filesystem::path project = std::filesystem::absolute(root, error).lexically_normal();
  if (error) project = root;
  if (project.has_relative_path() && project.filename().empty()) project = project.parent_path();
  return project;
}

}  // namespace

runtime::exec::RunRequest run_request(const plan::Plan& plan, const RunDatabases& databases, const std::string& root,
                                      std::string trigger) {
  runtime::exec::RunRequest request;
  request.plan = &plan;
  request.state_dsn = databases.state_dsn;
  request.target_dsn = databases.target_dsn;
  request.state_is_target = databases.state_dsn == databases.target_dsn;
  request.trigger = std::move(trigger);
  std::filesystem::path project = absolute_project(root);
  request.log_dir = (project / ".flow" / "logs").string();
  request.project_dir = project.string();
  return request;
}

std::string attempt_log_problem(const std::string& root) {
  return runtime::exec::log_dir_problem((absolute_project(root) / ".flow" / "logs").string());
}

bool attempt_logs_writable(const std::string& root) {
  std::string problem = attempt_log_problem(root);
  if (!problem.empty()) print_error(problem);
  return problem.empty();
}

runtime::alert::AlertSinkOptions alert_options(const plan::Plan& plan, const RunDatabases& databases,
                                               const std::string& root) {
  runtime::alert::AlertSinkOptions options;
  options.state_dsn = databases.state_dsn;
  options.state_schema = plan.state_schema;
  options.workflow = plan.workflow;
  options.ds = plan.ds;
  options.delivery.base_dir = root;
  return options;
}

std::string failure_reason(const runtime::exec::RunResult& result, const plan::Plan& plan) {
  using runtime::TaskState;
  if (result.outcome != runtime::exec::RunResult::Outcome::Finished) return result.message;
  const runtime::RunSummary& summary = result.summary;
  for (size_t i = 0; i < summary.task_states.size() && i < plan.tasks.size(); ++i) {
    TaskState state = summary.task_states[i];
    if (state != TaskState::Failed && state != TaskState::TimedOut) continue;
    std::string error = i < summary.task_errors.size() ? summary.task_errors[i] : "";
    if (size_t nl = error.find('\n'); nl != std::string::npos) error.resize(nl);
    return "task " + plan.tasks[i].name + (error.empty() ? " failed" : ": " + error);
  }
  if (summary.parity_ok == false) return "parity mismatch: " + summary.parity_mismatch;
  return result.message.empty() ? "the run was stopped" : result.message;
}

std::unique_ptr<runtime::RunObserver> operator_view() {
  const char* term = std::getenv("TERM");
  bool terminal = ::isatty(STDERR_FILENO) != 0 && term != nullptr && std::string_view(term) != "dumb";
  return runtime::view::make_view(std::cerr, terminal, runtime::view::live_options_for(STDERR_FILENO));
}

}  // namespace flowc::cli
