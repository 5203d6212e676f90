// Whether a process runs, as the tests that kill process groups check it.
#pragma once

#include <sys/types.h>

#include <fstream>
#include <string>

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

}  // namespace flowc::testing
