#include "runtime/attempt/attempt.h"

#include <fmt/format.h>

#include <filesystem>

namespace flowc::runtime {

std::string_view to_string(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::None: return "";
    case ErrorClass::Transient: return "transient";
    case ErrorClass::Permanent: return "permanent";
    case ErrorClass::Timeout: return "timeout";
  }
  return "";
}

ErrorClass classify_sqlstate(std::string_view sqlstate) {
  if (sqlstate == "57014") return ErrorClass::Timeout;
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53")) return ErrorClass::Transient;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return ErrorClass::Transient;
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return ErrorClass::Transient;
  return ErrorClass::Permanent;
}

void mark_cancelled(AttemptResult& r, std::string message) {
  r.error_class = ErrorClass::Transient;
  r.message = std::move(message);
  r.cancelled = true;
}

ErrorClass classify_exit(int exit_code, int signal, bool timed_out) {
  if (timed_out) return ErrorClass::Timeout;
  if (signal == 0 && exit_code == 75) return ErrorClass::Transient;
  return ErrorClass::Permanent;
}

std::vector<std::string> command_identity(int64_t run_id, const plan::Plan& plan, std::string_view task,
                                          const std::string& project_dir) {
  std::vector<std::string> identity = {fmt::format("FLOW_RUN_ID={}", run_id),
                                       "FLOW_WORKFLOW=" + plan.workflow, "FLOW_DS=" + plan.ds,
                                       "FLOW_ENV=" + plan::env_name(plan.env)};
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(project_dir.empty() ? "." : project_dir, ec);
  dir = std::filesystem::weakly_canonical(dir, ec);
  identity.push_back("FLOW_PROJECT_DIR=" + dir.string());
  if (!task.empty()) identity.push_back("FLOW_TASK=" + std::string(task));
  return identity;
}

}  // namespace flowc::runtime
