#include "runtime/state/machine_key.h"

#include <unistd.h>

#include <fstream>

namespace flowc::runtime::state {
namespace {

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string pid_namespace() {
  char link[256] = {};
  ssize_t n = ::readlink("/proc/self/ns/pid", link, sizeof link - 1);
  return n > 0 ? std::string(link, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string machine_key_of(std::string boot_id, const std::string& pid_namespace) {
  while (!boot_id.empty() && (boot_id.back() == '\n' || boot_id.back() == ' ')) boot_id.pop_back();
  if (boot_id.empty() || pid_namespace.empty()) return "";
  return boot_id + "/" + pid_namespace;
}

const std::string& machine_key() {
  // Neither part changes while the process lives (setns() into another PID
  // namespace moves only the children), so one read serves every lease.
  static const std::string key = machine_key_of(boot_id(), pid_namespace());
  return key;
}

}  // namespace flowc::runtime::state
