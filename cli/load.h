// Shared by the commands: find and compile the projects named on the command
// line, reporting environment problems (exit 2) in one style.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/project/project.h"

namespace flowc::cli {

/// Compiles every project under `paths` (default "."). Environment problems
/// are printed to stderr as `flowc: PATH: message` and set `environment_error`.
std::vector<std::unique_ptr<project::Compilation>> load_projects(std::vector<std::string> paths,
                                                                 bool& environment_error);

/// The value of environment variable `name`; "" when unset (or `name` is "").
std::string env_value(const std::string& name);

/// Prints `flowc: message` to stderr.
void print_error(const std::string& message);

}  // namespace flowc::cli
