// Shared by the commands: find and compile the projects named on the command
// line, reporting environment problems (exit 2) in one style.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/project/project.h"

namespace flowc::cli {

/// Compiles every project under `paths` (default "."). Environment problems
/// (a path that does not exist or cannot be read, a missing standard library)
/// are printed to stderr as `flowc: PATH: message` and set `environment_error`;
/// the compilations are then incomplete and their diagnostics not to be shown.
std::vector<std::unique_ptr<project::Compilation>> load_projects(std::vector<std::string> paths,
                                                                 bool& environment_error);

/// The value of environment variable `name`; "" when unset (or `name` is "").
std::string env_value(const std::string& name);

/// Compiles the one project at `path` for a command that needs it checked.
/// Prints the problem and returns nullptr with `exit_code` set: 2 for a bad
/// path or a path holding several projects, 1 (after its diagnostics) when
/// the project has errors.
std::unique_ptr<project::Compilation> load_checked_project(const std::string& path, int& exit_code);

/// Prints that `path` holds `count` projects where a command needs one
/// (exit 2 follows): the one message of every such command.
void print_several_projects(const std::string& path, size_t count);

/// The workflow called `name` (or, when `name` is "", the project's only
/// one), or an invalid id after printing why (with a did-you-mean).
model::WorkflowId pick_workflow(const model::Model& model, const std::string& name);

/// "" when the project declares workflow `name`; else the one line saying
/// it does not (`no workflow `x` in the project; did you mean `y`?`).
std::string unknown_workflow(const model::Model& model, const std::string& name);

/// True for `human` and `json`; otherwise prints the error (exit 2).
bool is_human_or_json(const std::string& format);

/// The longest `--since`: 100 years.
inline constexpr int64_t kMaxSinceSeconds = int64_t{36500} * 86400;

/// `--since` (a duration like 30m, 24h, 7d, at most 100 years) in seconds;
/// prints the error and returns std::nullopt when it is not one (exit 2).
std::optional<int64_t> parse_since(const std::string& since);

/// A run id as the state database numbers them (a positive integer), else
/// std::nullopt.
std::optional<int64_t> parse_run_id(const std::string& text);

/// The project directory `root` as the user would type it after a command
/// here, so that a hint works as printed (`flowc db stop daily_kpi`, `flowc
/// status 13 daily_kpi`): "" when it is the current directory, else a blank
/// and the path, relative when below the current directory, shell-quoted
/// when it needs it.
std::string project_argument(const std::string& root);

/// The absolute, normalized directory `path` names (its parent when it is a
/// file): where command tasks run and logs go for commands that work from a
/// stored plan (`retry`, `worker`) and need no project there.
std::string absolute_directory(const std::string& path);

/// Prints `flowc: message` to stderr.
void print_error(const std::string& message);

/// Prints a human rendering of what users wrote (a plan, an inventory) to
/// stdout with its control characters shown as symbols, never sent: a
/// string may hold any of them (`"\u{1b}[2J"`), and `--param` values too.
void print_human(const std::string& text);

}  // namespace flowc::cli
