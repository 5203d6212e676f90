#include "cli/local_cluster.h"

#include <atomic>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <string_view>

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
  if (projects.size() > 1) {
    print_several_projects(path, projects.size());
    return false;
  }
  root = projects.front().root;
  return true;
}

std::string local_cluster_dir(const std::string& root) {
  return (std::filesystem::path(root) / ".flow" / "pg").string();
}

std::string db_stop_command(const std::string& root) { return "flowc db stop" + project_argument(root); }

std::optional<std::string> start_local_cluster(const std::string& root, std::stop_token cancel) {
  using runtime::localpg::Found;
  std::string error;
  std::optional<runtime::localpg::Cluster> cluster =
      runtime::localpg::ensure_running(local_cluster_dir(root), error, {.cancel = std::move(cancel)});
  if (!cluster) {
    print_error(error);
    return std::nullopt;
  }
  for (const std::string& note : cluster->notes) std::cerr << "flowc: " << note << "\n";
  // Once per process, like the stderr it is written to: `schedule`, `worker`
  // and `retry` resolve their databases more than once (per run, and for the
  // state database), and the line would repeat. The one flag of the process
  // rather than a parameter through every command's database lookup.
  static std::atomic<bool> said{false};
  if (cluster->found != Found::Running || !said.load()) {
    said.store(true);
    const char* what = cluster->found == Found::Missing   ? "created and started a"
                       : cluster->found == Found::Stopped ? "started the"
                                                          : "using the";
    std::cerr << "flowc: " << what << " private PostgreSQL cluster in " << cluster->dir << " (stop it with `"
              << db_stop_command(root) << "`)\n";
  }
  return cluster->dsn("postgres");
}

}  // namespace flowc::cli
