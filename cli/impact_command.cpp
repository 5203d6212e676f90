// `flowc impact NAME [PATH]`: everything downstream of a task, source or
// table, and who to tell; with --run, what that run's failures made stale
// (cli.md "Running and operating").
#include <charconv>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/impact_format.h"
#include "cli/load.h"
#include "cli/run_report_format.h"
#include "cli/state_database.h"
#include "compiler/impact/report.h"
#include "runtime/report/runs.h"

namespace flowc::cli {
namespace {

using impact::ImpactReport;
using impact::ImpactRun;
using impact::ImpactSubject;
using runtime::report::read_run;
using runtime::report::ReadStatus;
using runtime::report::RunReport;
using runtime::report::TaskRecord;

/// The run's task states from the state database; exit code in `exit_code`
/// when it cannot be read or does not exist.
std::optional<ImpactRun> read_impact_run(const ImpactOptions& options, int& exit_code) {
  exit_code = kExitUsage;
  auto no_such_run = [&]() -> std::optional<ImpactRun> {
    print_error("no run " + std::to_string(options.run_id) + " in the state database");
    return std::nullopt;
  };
  std::optional<StateDatabase> db = find_state_database({options.path, "", options.state_dsn, ""});
  if (!db) return std::nullopt;
  std::optional<RunReport> report;
  ReadStatus status = read_run(*db, options.run_id, report);
  if (!status.ok) {
    print_error(status.error);
    return std::nullopt;
  }
  if (!report) return no_such_run();
  ImpactRun run{
      report->run.id,
      report->run.workflow,
      report->run.ds,
      report->run.status,
      {},
      report->run.stage == "mirror",
      report->run.env == "production" ? "" : report->run.env,
      std::nullopt,
      report->run.status == "succeeded" || report->run.status == "failed" || report->run.process_gone,
      parity_mismatch(report->run),
      report->run.owner,
      report->run.failure_route,
      report->run.failure_route_owner};
  for (const TaskRecord& t : report->tasks) run.task_states.emplace_back(t.task, t.state);
  std::optional<RunReport> later;
  if (report->run.later_run != 0) status = read_run(*db, report->run.later_run, later);
  if (!status.ok) {
    print_error(status.error);
    return std::nullopt;
  }
  if (later) {
    run.superseded_by = ImpactRun::Later{later->run.id, later->run.status, {}};
    for (const TaskRecord& t : later->tasks)
      if (t.state == "succeeded") run.superseded_by->succeeded.push_back(t.task);
  }
  exit_code = kExitOk;
  return run;
}

/// Whether `argument` can only be a project's path, not a task, source or
/// table name: `.`, `..`, a path with a `/`, a directory holding a
/// `flow.project`, or a `.flow` file that exists (`schema.flow` would be a
/// table, but not one beside a file of that name).
bool names_a_project_path(const std::string& argument) {
  if (argument == "." || argument == ".." || argument.find('/') != std::string::npos) return true;
  std::error_code ignored;
  const std::filesystem::path path(argument);
  if (path.extension() == ".flow" && std::filesystem::is_regular_file(path, ignored)) return true;
  return std::filesystem::is_regular_file(path / "flow.project", ignored);
}

}  // namespace

int run_impact(const ImpactOptions& given) {
  if (!is_human_or_json(given.format)) return kExitUsage;
  ImpactOptions options = given;
  // `flowc impact --run 5 PATH`: with --run, NAME may be left out, so a
  // first argument that can only be a path (no task or table name holds a
  // `/` or is `.`) is PATH.
  if (!options.name.empty() && options.path == "." && names_a_project_path(options.name)) {
    options.path = options.name;
    options.name.clear();
  }
  if (options.name.empty() && options.run_id == 0) {
    print_error(
        "impact needs NAME (a task, source or table), or --run RUN_ID for what a run's failures affect");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  std::unique_ptr<project::Compilation> compilation = load_checked_project(options.path, exit_code);
  if (!compilation) return exit_code;
  const project::Compilation& c = *compilation;
  std::optional<ImpactSubject> subject;
  if (!options.name.empty()) {
    std::string error;
    subject = impact::resolve_impact_subject(c.model, options.name, error);
    if (!subject) {
      print_error(error);
      return kExitUsage;
    }
  }
  std::optional<ImpactRun> run;
  if (options.run_id != 0) {
    run = read_impact_run(options, exit_code);
    if (!run) return exit_code;
  }
  if (!subject) subject = impact::run_subject(c.model, *run);
  ImpactReport report = impact::compute_impact(c.model, *subject, run);
  std::cout << (options.format == "json" ? impact_json(report) : impact_human(report));
  return kExitOk;
}

}  // namespace flowc::cli
