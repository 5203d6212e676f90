// Subprocesses without a shell: argv, an explicit environment, combined
// stdout+stderr captured, stdin fed, a timeout that kills the whole process
// group. Used by command tasks, command alert channels and the embedded
// PostgreSQL cluster.
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace flowc::runtime {

struct ProcessOptions {
  std::vector<std::string> argv;      // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;       // KEY=VALUE entries; the child's whole environment
  std::string cwd;                    // empty: inherit
  std::string stdin_data;             // written to the child's stdin, then closed
  std::optional<std::chrono::milliseconds> timeout;
  size_t max_output = 16 * 1024 * 1024;  // bytes kept; the rest is counted and dropped
  /// When requested, the process group is killed as on a timeout (checked at
  /// least every 100 ms): a command task whose lease is lost or whose run is
  /// cancelled.
  std::stop_token stop;
};

struct ProcessResult {
  bool started = false;
  std::string error;       // why it could not start (strerror), when !started
  int exit_code = -1;      // when it exited
  int signal = 0;          // when a signal ended it
  bool timed_out = false;  // the timeout fired and the group was killed
  std::string output;      // stdout and stderr, interleaved as written
  size_t dropped_output = 0;
  bool cancelled = false;  // `stop` was requested and the group was killed
};

/// Runs the process to completion. Never throws; a program that cannot be
/// started is reported in `error` with started = false.
ProcessResult run_process(const ProcessOptions& options);

/// The current process's environment as KEY=VALUE entries.
std::vector<std::string> current_environment();

}  // namespace flowc::runtime
