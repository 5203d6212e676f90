#include "runtime/process/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace flowc::runtime {

namespace {

using Clock = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// Kills the child's process group: TERM, a grace period, then KILL.
/// Returns true with `status` set when the child was reaped here.
bool kill_group(pid_t pid, int& status) {
  ::kill(-pid, SIGTERM);
  for (int i = 0; i < 20; ++i) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      ::kill(-pid, SIGKILL);  // stragglers of the group
      return true;
    }
    ::usleep(100'000);
  }
  ::kill(-pid, SIGKILL);
  return false;
}

}  // namespace

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
  // Its own process group, so a timeout kills everything it started.
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
  Clock::time_point deadline = options.timeout ? Clock::now() + *options.timeout : Clock::time_point::max();
  char buffer[65536];
  int status = 0;
  bool reaped = false;
  while (out_pipe[0] >= 0) {
    pollfd fds[2];
    int n = 0;
    fds[n++] = {out_pipe[0], POLLIN, 0};
    if (in_pipe[1] >= 0) fds[n++] = {in_pipe[1], POLLOUT, 0};
    int wait_ms = -1;
    if (options.timeout) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(left, 1000)));
    }
    if (options.stop.stop_possible()) wait_ms = wait_ms < 0 ? 100 : std::min(wait_ms, 100);
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (options.stop.stop_requested()) {
      result.cancelled = true;
      reaped = kill_group(pid, status);
      break;
    }
    if (options.timeout && Clock::now() >= deadline) {
      result.timed_out = true;
      reaped = kill_group(pid, status);
      break;
    }
    if (ready <= 0) continue;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t got = ::read(out_pipe[0], buffer, sizeof buffer);
      if (got <= 0) {
        close_fd(out_pipe[0]);
      } else {
        size_t room = options.max_output > result.output.size() ? options.max_output - result.output.size() : 0;
        size_t keep = std::min(room, static_cast<size_t>(got));
        result.output.append(buffer, keep);
        result.dropped_output += static_cast<size_t>(got) - keep;
      }
    }
    if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t put = ::write(in_pipe[1], options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (put > 0) written += static_cast<size_t>(put);
      if (put < 0 && errno != EAGAIN) close_fd(in_pipe[1]);
      if (written == options.stdin_data.size()) close_fd(in_pipe[1]);
    }
  }
  close_fd(in_pipe[1]);
  close_fd(out_pipe[0]);
  while (!reaped && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace flowc::runtime
