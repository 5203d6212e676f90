#include "cli/state_database.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "cli/load.h"
#include "cli/local_cluster.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/project/project.h"
#include "runtime/report/runs.h"

namespace flowc::cli {
namespace {

/// The target whose database holds the runs: the named workflow's, else the
/// project's default, else the only workflow's; nullptr when none is clear.
const model::Target* pick_target(const model::Model& model, const std::string& workflow) {
  auto target_of = [&](model::TargetId id) -> const model::Target* {
    return id.valid() && id.index < model.targets.size() ? &model.targets[id.index] : nullptr;
  };
  if (const model::WorkflowId id = model.workflow_named(workflow); id.valid())
    return target_of(model.workflow(id).target);
  if (const model::Target* t = target_of(model.project.default_target)) return t;
  if (model.workflows.size() == 1) return target_of(model.workflows.front().target);
  return nullptr;
}

/// Why the project path cannot be read, in discover()'s words; "" when it
/// can. Said before any DSN is used: a mistyped PATH must not quietly mean
/// the default schema (cli.md "What cannot be read").
std::string unreadable(const std::string& path) {
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return "no such file or directory";
  if (std::filesystem::is_directory(status)) {
    std::filesystem::directory_iterator listing(path, ec);
    return ec ? ec.message() : "";
  }
  return ::access(path.c_str(), R_OK) == 0 ? "" : std::strerror(errno);
}

}  // namespace

std::optional<StateDatabase> find_state_database(const StateDatabaseRequest& request) {
  if (std::string why = unreadable(request.path); !why.empty()) {
    print_error(request.path + ": " + why);
    return std::nullopt;
  }
  StateDatabase db;
  std::string dsn = request.state_dsn.empty() ? env_value("FLOW_STATE_DSN") : request.state_dsn;
  if (dsn.empty()) dsn = request.target_dsn;

  // Compiled quietly: only the project block (schema) and the targets are
  // read, and a project with errors in its tasks still names those. Problems
  // finding the project matter only when no DSN was given.
  std::vector<project::LoadError> errors;
  std::vector<project::ProjectFiles> projects = project::discover({request.path}, errors);
  std::unique_ptr<project::Compilation> compilation;
  if (projects.size() == 1)
    compilation = project::compile(projects.front(), project::default_stdlib_dir(), errors);
  if (compilation) db.schema = compilation->model.project.state_schema;
  // A --workflow the project does not have is a typo, not an empty history
  // (unless its runs say otherwise: request.unknown_workflow).
  if (compilation && !request.workflow.empty()) {
    std::string refusal = unknown_workflow(compilation->model, request.workflow);
    if (!refusal.empty() && request.unknown_workflow == nullptr) {
      print_error(refusal);
      return std::nullopt;
    }
    if (request.unknown_workflow != nullptr) *request.unknown_workflow = refusal;
  }
  if (!dsn.empty()) {
    db.dsn = dsn;
    return db;
  }

  if (!compilation) {
    std::string why = projects.size() > 1
                          ? "`" + request.path + "` holds " + std::to_string(projects.size()) + " projects"
                      : errors.empty() ? request.path + ": no .flow project here"
                                       : errors.front().path + ": " + errors.front().message;
    print_error("no state database: pass --state-dsn or set FLOW_STATE_DSN (" + why + ")");
    return std::nullopt;
  }
  const model::Target* target = pick_target(compilation->model, request.workflow);
  if (target != nullptr) {
    db.dsn = env_value(target->dsn_env);
    if (db.dsn.empty()) db.dsn = target->dsn;
    if (!db.dsn.empty()) return db;
  }

  std::filesystem::path cluster_dir =
      std::filesystem::path(local_cluster_dir(compilation->root)).lexically_normal();
  std::error_code ec;
  if (std::filesystem::exists(cluster_dir / "PG_VERSION", ec)) {
    std::optional<std::string> cluster = start_local_cluster(compilation->root);
    if (!cluster) return std::nullopt;
    db.dsn = *cluster;
    db.embedded = true;
    return db;
  }

  std::string also = target != nullptr && !target->dsn_env.empty()
                         ? " or " + target->dsn_env + " (the DSN of target `" + target->name + "`)"
                         : std::string();
  print_error("no state database: pass --state-dsn or set FLOW_STATE_DSN" + also +
              "; there is no private cluster in " + cluster_dir.string() + " either");
  return std::nullopt;
}

bool has_runs_ever(const StateDatabase& db, const std::string& workflow) {
  std::vector<runtime::report::RunRecord> runs;
  const runtime::report::ReadStatus status =
      runtime::report::read_history(db, {workflow, std::chrono::seconds(kMaxSinceSeconds)}, runs);
  return status.ok && !runs.empty();
}

}  // namespace flowc::cli
