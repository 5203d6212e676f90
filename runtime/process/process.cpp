#include "runtime/process/process.h"

#include "compiler/source/source.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace flowc::runtime {

namespace {

using Clock = std::chrono::steady_clock;

/// A grace of 2 s between TERM and KILL, checked every 50 ms.
constexpr int kGraceChecks = 40;
constexpr useconds_t kGraceCheck = 50'000;
/// After the main process is gone the pipe is read until it closes, or is
/// silent this long, or for this long at most: what the group wrote before
/// it ended is kept, and a process outside the group (a daemon that called
/// setsid) cannot hold the run open by keeping the pipe.
constexpr int kDrainSilenceMs = 100;
constexpr auto kDrainLimit = std::chrono::seconds(2);

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// One line of /proc/PID/stat, the fields flowc reads.
struct ProcessStat {
  pid_t pid = 0;
  char state = 0;
  pid_t ppid = 0;
  pid_t pgrp = 0;
};

/// Calls `visit` for every process in /proc until it returns true; returns
/// false when /proc cannot be read.
template <typename Visit>
bool visit_processes(Visit visit) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // "pid (comm) state ppid pgrp ...", and comm may hold spaces and ')'.
    size_t comm_end = stat.rfind(')');
    if (comm_end == std::string::npos) continue;
    std::istringstream fields(stat.substr(comm_end + 1));
    ProcessStat process;
    long ppid = 0, pgrp = 0;
    if (!(fields >> process.state >> ppid >> pgrp)) continue;
    process.pid = static_cast<pid_t>(std::stol(name));
    process.ppid = static_cast<pid_t>(ppid);
    process.pgrp = static_cast<pid_t>(pgrp);
    if (visit(process)) break;
  }
  return !ec;
}

/// Whether a process of group `pgid` still runs. Zombies do not count: where
/// PID 1 does not reap orphans (many containers) they stay in the group.
bool group_running(pid_t pgid) {
  if (::kill(-pgid, 0) != 0) return false;
  bool running = false;
  bool readable = visit_processes([&](const ProcessStat& p) {
    running = p.pgrp == pgid && p.state != 'Z' && p.state != 'X';
    return running;
  });
  return running || !readable;  // without /proc, assume it runs: the grace then ends in KILL
}

/// Reaps the main process if it has exited (or, with `block`, when it does).
void reap(pid_t pid, bool block, bool& reaped, int& status) {
  while (!reaped) {
    pid_t got = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (got == pid) reaped = true;
    if (got >= 0 || errno != EINTR) return;
  }
}

/// Ends the process group: TERM, a grace for the main process (unless
/// already reaped) and the rest of the group to go, then KILL. The main
/// process is reaped when it returns.
void terminate_group(pid_t pid, bool& reaped, int& status) {
  ::kill(-pid, SIGTERM);
  for (int i = 0; i < kGraceChecks; ++i) {
    reap(pid, false, reaped, status);
    if (reaped && !group_running(pid)) return;
    ::usleep(kGraceCheck);
  }
  ::kill(-pid, SIGKILL);
  reap(pid, true, reaped, status);
}

/// Keeps or hands over one chunk of output, within options.max_output.
void deliver(const ProcessOptions& options, std::string_view chunk, size_t& delivered, ProcessResult& result) {
  size_t keep = std::min(options.max_output - std::min(options.max_output, delivered), chunk.size());
  delivered += keep;
  result.dropped_output += chunk.size() - keep;
  if (keep == 0) return;
  if (options.on_output) options.on_output(chunk.substr(0, keep));
  else result.output.append(chunk.substr(0, keep));
}

/// Reads what the pipe holds once the main process is gone (see kDrainLimit).
void drain(int& out, const ProcessOptions& options, size_t& delivered, ProcessResult& result) {
  char buffer[65536];
  Clock::time_point until = Clock::now() + kDrainLimit;
  while (out >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) break;
    pollfd fd{out, POLLIN, 0};
    int ready = ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left, kDrainSilenceMs)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    ssize_t got = ::read(out, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    deliver(options, std::string_view(buffer, static_cast<size_t>(got)), delivered, result);
  }
  close_fd(out);
}

}  // namespace

int kill_child_groups() {
  const pid_t self = ::getpid();
  std::vector<pid_t> leaders;
  visit_processes([&](const ProcessStat& p) {
    if (p.ppid == self && p.pgrp == p.pid) leaders.push_back(p.pid);
    return false;
  });
  int killed = 0;
  for (pid_t leader : leaders) {
    // A command that has just exited (a zombie not yet reaped) may have left
    // processes in its group: they are killed, but it is not counted.
    bool live = group_running(leader);
    if (::kill(-leader, SIGKILL) == 0 && live) ++killed;
  }
  return killed;
}

namespace {

/// The executable of process `pid`, without the " (deleted)" of a binary
/// replaced since it started; "" when it cannot be read.
std::string executable_of(pid_t pid) {
  std::error_code ec;
  std::string path = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.ends_with(kDeleted)) path.resize(path.size() - kDeleted.size());
  return ec ? "" : path;
}

/// Whether process `pid`'s environment holds every entry of `identity`.
bool environment_holds(pid_t pid, const std::vector<std::string>& identity) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string environ_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (environ_text.empty()) return false;
  for (const std::string& entry : identity) {
    std::string needle = entry + '\0';
    size_t at = environ_text.find(needle);
    while (at != std::string::npos && at != 0 && environ_text[at - 1] != '\0') at = environ_text.find(needle, at + 1);
    if (at == std::string::npos) return false;
  }
  return true;
}

}  // namespace

int kill_orphaned_groups(const std::vector<std::string>& identity) {
  const pid_t self = ::getpid();
  const pid_t own_group = ::getpgrp();
  const std::string flowc = executable_of(self);
  std::vector<ProcessStat> all;
  visit_processes([&](const ProcessStat& p) {
    all.push_back(p);
    return false;
  });
  std::vector<pid_t> groups;
  for (const ProcessStat& p : all)
    if (p.pid != self && p.pgrp != own_group && p.pgrp > 1 && p.state != 'Z' &&
        std::find(groups.begin(), groups.end(), p.pgrp) == groups.end() && environment_holds(p.pid, identity))
      groups.push_back(p.pgrp);
  int killed = 0;
  for (pid_t& group : groups) {
    bool managed = std::any_of(all.begin(), all.end(), [&](const ProcessStat& p) {
      return p.pgrp == group && p.ppid > 1 && !flowc.empty() && executable_of(p.ppid) == flowc;
    });
    if (!managed && ::kill(-group, SIGKILL) == 0) {
      ++killed;
    } else {
      group = 0;  // not waited for below
    }
  }
  // KILL takes effect when each process is next scheduled: wait for that
  // (bounded), so that what the caller starts next never runs beside them.
  for (pid_t group : groups)
    for (int i = 0; group != 0 && i < kGraceChecks && group_running(group); ++i) ::usleep(kGraceCheck);
  return killed;
}

std::string runner_mark() { return "FLOW_RUNNER_PID=" + std::to_string(::getpid()); }

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

ProcessResult run_process(const ProcessOptions& options) {
  ProcessResult result;
  if (options.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  int out_pipe[2] = {-1, -1};
  int in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    result.error = std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout, a stop or (kill_group_on_exit) the
  // main process's exit kills everything it started.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  sigaddset(&default_signals, SIGINT);
  sigaddset(&default_signals, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  sigset_t no_mask;
  sigemptyset(&no_mask);
  posix_spawnattr_setsigmask(&attr, &no_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const std::string& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : options.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  if (rc != 0) {
    result.error = std::string(options.argv[0]) + ": " + std::strerror(rc);
    close_fd(in_pipe[1]);
    close_fd(out_pipe[0]);
    return result;
  }
  result.started = true;

  size_t written = 0;
  if (options.stdin_data.empty()) close_fd(in_pipe[1]);
  else ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  // Readable when the main process exits, so the wait ends then and not when
  // the pipe closes (a background child may hold it for hours). Without it
  // (a kernel before 5.3) poll wakes every 10 ms to ask.
  // (glibc 2.36's <sys/pidfd.h> lacks extern "C", hence the raw syscall.)
  int exited_fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  Clock::time_point deadline = options.timeout ? Clock::now() + *options.timeout : Clock::time_point::max();
  char buffer[65536];
  size_t delivered = 0;
  int status = 0;
  bool reaped = false;
  while (!reaped) {
    pollfd fds[3];
    int n = 0;
    int out_at = -1, in_at = -1;
    if (out_pipe[0] >= 0) fds[out_at = n++] = {out_pipe[0], POLLIN, 0};
    if (in_pipe[1] >= 0) fds[in_at = n++] = {in_pipe[1], POLLOUT, 0};
    if (exited_fd >= 0) fds[n++] = {exited_fd, POLLIN, 0};
    int wait_ms = -1;
    if (options.timeout) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(left, 1000)));
    }
    if (options.stop.stop_possible()) wait_ms = wait_ms < 0 ? 100 : std::min(wait_ms, 100);
    if (exited_fd < 0) wait_ms = wait_ms < 0 ? 10 : std::min(wait_ms, 10);
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (options.stop.stop_requested()) {
      result.cancelled = true;
      terminate_group(pid, reaped, status);
      break;
    }
    if (options.timeout && Clock::now() >= deadline) {
      result.timed_out = true;
      terminate_group(pid, reaped, status);
      break;
    }
    if (ready > 0 && out_at >= 0 && (fds[out_at].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t got = ::read(out_pipe[0], buffer, sizeof buffer);
      if (got == 0 || (got < 0 && errno != EINTR)) close_fd(out_pipe[0]);
      if (got > 0) deliver(options, std::string_view(buffer, static_cast<size_t>(got)), delivered, result);
    }
    if (ready > 0 && in_at >= 0 && (fds[in_at].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t put = ::write(in_pipe[1], options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (put > 0) written += static_cast<size_t>(put);
      if (put < 0 && errno != EAGAIN) close_fd(in_pipe[1]);
      if (written == options.stdin_data.size()) close_fd(in_pipe[1]);
    }
    reap(pid, false, reaped, status);
  }
  close_fd(exited_fd);
  close_fd(in_pipe[1]);
  reap(pid, true, reaped, status);  // waits only after poll itself failed
  if (!result.timed_out && !result.cancelled && options.kill_group_on_exit && group_running(pid)) {
    result.killed_leftovers = true;
    terminate_group(pid, reaped, status);
  }
  drain(out_pipe[0], options, delivered, result);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

int write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

std::string_view last_output_line(std::string_view output) {
  auto blank = [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; };
  while (!output.empty() && blank(output.back())) output.remove_suffix(1);
  size_t newline = output.rfind('\n');
  return newline == std::string_view::npos ? output : output.substr(newline + 1);
}

std::string message_line(std::string_view line, size_t max) {
  std::string cut(line.substr(0, max));
  if (line.size() > max) cut += "...";
  return escape_invalid_utf8(cut);
}

}  // namespace flowc::runtime
