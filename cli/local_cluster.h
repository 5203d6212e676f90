// The project's embedded default cluster (`.flow/pg`), as the commands that
// need a database find it: `run` starts it when no DSN is given anywhere,
// `db stop` stops it.
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

namespace flowc::cli {

/// The project directory of `path` (the nearest ancestor holding
/// `flow.project`, else the directory itself). Prints the problem and
/// returns false when `path` holds no project, or several.
bool project_root(const std::string& path, std::string& root);

/// `<root>/.flow/pg`.
std::string local_cluster_dir(const std::string& root);

/// The command that stops the private cluster of the project at `root`, as
/// typed from the current directory: `flowc db stop` when the project is the
/// current directory, else `flowc db stop PATH` (relative when the project is
/// below the current directory, shell-quoted when it needs it).
std::string db_stop_command(const std::string& root);

/// Starts (or reuses) the private cluster of the project at `root` and
/// returns its DSN. Says so on stderr (cli.md: flowc "starts (or reuses)" it
/// "and says so"), every command that uses it, in one line with the command that stops
/// it, once per process: a later reuse is not said again (a scheduler that
/// plans many runs), a later start is. Prints the problem (naming the package
/// to install when the server binaries are missing) and returns nullopt when
/// it cannot. While another flowc has the cluster's lock it says so and
/// waits (localpg::kLockWaitLimit at most); `cancel` (the command's Ctrl-C,
/// where it handles SIGINT) ends that wait.
std::optional<std::string> start_local_cluster(const std::string& root, std::stop_token cancel = {});

}  // namespace flowc::cli
