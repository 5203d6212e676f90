// Whether a process runs, as the tests that kill process groups check it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace flowc::testing {

/// Whether `pid` runs. A zombie does not: where PID 1 does not reap orphans
/// (as in many containers) a killed orphan stays one.
inline bool process_running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat) || stat.rfind(')') == std::string::npos) return false;
  size_t state = stat.rfind(')') + 2;
  return state < stat.size() && stat[state] != 'Z' && stat[state] != 'X';
}

/// Whether `pid` stops running within `seconds`: KILL takes effect when a
/// process is next scheduled.
inline bool gone_within(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 20 && process_running(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return !process_running(pid);
}

/// How many running processes have exactly this command line (its
/// arguments joined by NULs), after waiting up to a second for killed ones
/// to go: KILL takes effect when a process is next scheduled.
inline int processes_running(const std::string& cmdline) {
  auto count = [&] {
    int found = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::ifstream in(entry.path() / "cmdline");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.size() == cmdline.size() + 1 && text.compare(0, cmdline.size(), cmdline) == 0 &&
          process_running(static_cast<pid_t>(std::atoi(entry.path().filename().c_str()))))
        ++found;
    }
    return found;
  };
  int left = count();
  for (int i = 0; i < 20 && left > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = count();
  }
  return left;
}

}  // namespace flowc::testing
