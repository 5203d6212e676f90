#include "cli/local_cluster.h"

#include <filesystem>
#include <iostream>

#include "cli/load.h"
#include "compiler/project/project.h"
#include "runtime/localpg/localpg.h"

namespace flowc::cli {

bool project_root(const std::string& path, std::string& root) {
  std::vector<project::LoadError> errors;
  std::vector<project::ProjectFiles> projects = project::discover({path}, errors);
  for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
  if (projects.empty()) {
    if (errors.empty()) print_error(path + ": no .flow project here");
    return false;
  }
  root = projects.front().root;
  return true;
}

std::string local_cluster_dir(const std::string& root) {
  return (std::filesystem::path(root) / ".flow" / "pg").string();
}

std::optional<std::string> start_local_cluster(const std::string& root) {
  std::string error;
  std::optional<runtime::localpg::Cluster> cluster =
      runtime::localpg::ensure_running(local_cluster_dir(root), true, error);
  if (!cluster) {
    print_error(error);
    return std::nullopt;
  }
  std::cerr << "flowc: using the private PostgreSQL cluster in " << cluster->dir << " (stop it with `flowc db stop`)\n";
  return cluster->dsn("postgres");
}

}  // namespace flowc::cli
