// Subprocesses without a shell: argv, an explicit environment, combined
// stdout+stderr captured or streamed, stdin fed, a timeout that kills the
// whole process group. Used by command tasks, command alert channels, the
// embedded PostgreSQL cluster and `flowc graph --format svg`.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace flowc::runtime {

struct ProcessOptions {
  std::vector<std::string> argv;      // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;       // KEY=VALUE entries; the child's whole environment
  std::string cwd;                    // empty: inherit
  std::string stdin_data;             // written to the child's stdin, then closed
  std::optional<std::chrono::milliseconds> timeout;
  size_t max_output = 16 * 1024 * 1024;  // bytes kept (or handed to on_output); the rest is counted and dropped
  /// When set, output goes here as it is read (on the calling thread, in
  /// order, in chunks that split lines anywhere) instead of into
  /// ProcessResult::output. It must not throw.
  std::function<void(std::string_view)> on_output;
  /// The run ends when the main process exits, whatever else still holds
  /// the output pipe. When true, whatever is left of its process group is
  /// then killed as on a timeout (TERM, 2 s grace, KILL), so nothing it
  /// started outlives it. False only for a program whose point is to leave
  /// something running (`pg_ctl start`).
  bool kill_group_on_exit = true;
  /// When requested, the process group is killed as on a timeout (checked at
  /// least every 100 ms): a command task whose lease is lost or whose run is
  /// cancelled.
  std::stop_token stop;
};

struct ProcessResult {
  bool started = false;
  std::string error;       // why it could not start (strerror), when !started
  int exit_code = -1;      // when the main process exited
  int signal = 0;          // when a signal ended the main process
  bool timed_out = false;  // the timeout fired and the group was killed
  bool cancelled = false;  // `stop` was requested and the group was killed
  /// The main process exited while others of its group still ran, and
  /// those were killed (kill_group_on_exit).
  bool killed_leftovers = false;
  std::string output;      // stdout and stderr, interleaved as written; empty with on_output
  size_t dropped_output = 0;
};

/// The last line of a program's output that is not blank, which usually
/// says why it failed, as printed (it may hold a secret: mask it, then make
/// it a message_line()). "" when there is none.
std::string_view last_output_line(std::string_view output);

/// A line of output as a message: at most `max` bytes ("..." after them),
/// bytes that are not UTF-8 written `\xNN` (it goes into the state
/// database, which takes UTF-8 only). Applied after masking, so neither the
/// cut nor the escapes can hide a secret from it.
std::string message_line(std::string_view line, size_t max = 200);

/// Runs the process until its main process exits (or the timeout or `stop`
/// kills its group), then collects the output already written: the pipe is
/// read until it closes, or stays silent for 100 ms, for at most 2 s more.
/// Never throws; a program that cannot be started is reported in `error`
/// with started = false.
ProcessResult run_process(const ProcessOptions& options);

/// Kills (KILL) the process group of every child of this process that leads
/// one: the commands run_process started, with what they started in their
/// groups. For an exit that cannot wait for run_process to end them (a
/// second Ctrl-C): they are in groups of their own, so the terminal's
/// Ctrl-C never reaches them, and without this they would outlive flowc.
/// Returns how many of those groups had a process that was not a zombie.
int kill_child_groups();

/// Kills (KILL) every process group left behind by a flowc that is gone: a
/// group with a process whose environment holds every entry of `identity`
/// (KEY=VALUE) and none of whose processes is the child of a running flowc
/// (this binary). A command's processes outlive a flowc killed with -9 (they
/// are in a group of their own); the next attempt of the same task ends
/// them before it starts, so they never run beside it. A command that a
/// live flowc runs (another project's run with the same identity, a fenced
/// worker) is left to that flowc. Returns how many groups were killed.
int kill_orphaned_groups(const std::vector<std::string>& identity);

/// `FLOW_RUNNER_PID=<this process's id>`: in every command's environment, so
/// that what a command moved out of its process group is found when this
/// process must exit at once (kill_orphaned_groups).
std::string runner_mark();

/// Writes all of `text` to `fd`, again after an interrupted or partial
/// write. Returns 0, or the errno of the write that failed (EIO for one that
/// wrote nothing).
int write_all(int fd, std::string_view text);

/// The current process's environment as KEY=VALUE entries.
std::vector<std::string> current_environment();

}  // namespace flowc::runtime
