#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/local_cluster.h"
#include "runtime/localpg/localpg.h"

namespace flowc::cli {

int run_db_start(const std::string& path) {
  std::string root;
  if (!project_root(path, root)) return kExitUsage;
  std::optional<std::string> dsn = start_local_cluster(root);
  if (!dsn) return kExitUsage;
  std::cout << *dsn << "\n";
  return kExitOk;
}

int run_db_stop(const std::string& path) {
  std::string root;
  if (!project_root(path, root)) return kExitUsage;
  std::string dir = local_cluster_dir(root);
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "PG_VERSION", ec)) {
    std::cerr << "flowc: no private cluster in " << dir << ": nothing to stop\n";
    return kExitOk;
  }
  std::string error;
  bool was_running = false;
  if (!runtime::localpg::stop(dir, error, &was_running)) {
    print_error(error);
    return kExitUsage;
  }
  if (was_running)
    std::cerr << "flowc: stopped the private PostgreSQL cluster in " << dir << "\n";
  else
    std::cerr << "flowc: the private PostgreSQL cluster in " << dir << " is not running: nothing to stop\n";
  return kExitOk;
}

}  // namespace flowc::cli
