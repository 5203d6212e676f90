#include "cli/load.h"

#include <cstdlib>
#include <iostream>

namespace flowc::cli {

std::string env_value(const std::string& name) {
  if (name.empty()) return "";
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? std::string(value) : std::string();
}

void print_error(const std::string& message) { std::cerr << "flowc: " << message << "\n"; }

std::vector<std::unique_ptr<project::Compilation>> load_projects(std::vector<std::string> paths,
                                                                 bool& environment_error) {
  if (paths.empty()) paths.push_back(".");
  std::vector<project::LoadError> errors;
  std::vector<project::ProjectFiles> projects = project::discover(paths, errors);
  std::vector<std::unique_ptr<project::Compilation>> compilations;
  std::string stdlib = project::default_stdlib_dir();
  for (const project::ProjectFiles& files : projects) compilations.push_back(project::compile(files, stdlib, errors));
  for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
  environment_error = !errors.empty();
  return compilations;
}

}  // namespace flowc::cli
