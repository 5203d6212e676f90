// Where attempt logs go (cli.md, "Files flowc writes"): the check a command
// makes before it creates or takes up a run, and each run's own directory
// under the project's `.flow/logs`. Run ids restart at 1 in every state
// database while the log directory belongs to the project, so a run's
// directory carries a marker naming the run, and a run never writes into
// a directory another run made.
#pragma once

#include <cstdint>
#include <string>

namespace flowc::runtime::exec {

/// Why attempt logs cannot be written under `log_dir`, as one line naming
/// the directory (`the attempt log directory /p/.flow/logs cannot be
/// created: Permission denied`), or "" when they can: the directory is
/// created with its parents, and a file is created in it and removed. A path
/// that is not UTF-8 is refused too: every log path is stored in the state
/// database, which cannot store it.
std::string log_dir_problem(const std::string& log_dir);

/// A run's own log directory.
struct RunLogDir {
  std::string path;   // `<log_dir>/<run_id>` or `<log_dir>/<run_id>-<n>`; "" when `error` is set
  std::string error;  // why no directory could be made, one line
};

/// The name of the marker file in a run's log directory; its first line is
/// the run's identity (StateStore::run_identity).
inline constexpr const char* kRunMarker = ".flowc-run";

/// The directory of the attempt logs of run `run_id`, whose identity is
/// `identity` (one line: its state database and creation time):
/// `<log_dir>/<run_id>` when its marker names `identity`, or when it does
/// not exist; otherwise the first of `<run_id>-2`, `<run_id>-3`, ... that
/// is this run's or free. A directory without a marker (made by an earlier
/// flowc) is another run's. A new directory appears with its marker in it
/// (made under a temporary name, then renamed), so two processes taking up
/// the same run agree on one directory, and two runs never share one.
RunLogDir run_log_dir(const std::string& log_dir, int64_t run_id, const std::string& identity);

/// `<run_dir>/<task>.<attempt>.log`.
std::string attempt_log_path(const std::string& run_dir, const std::string& task, uint32_t attempt);

}  // namespace flowc::runtime::exec
