#include "runtime/state/machine_key.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <fstream>

#include <fmt/format.h>

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

std::string default_worker() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host[0] ? host : "localhost", ::getpid());
}

bool worker_gone(const std::string& worker, const std::string& machine) {
  // A PID names a process only on its machine, in its PID namespace: the
  // same host name is no proof of that (containers given one --hostname,
  // VMs all called localhost).
  if (machine.empty() || machine != machine_key()) return false;
  // "host:pid", and an executor of it "host:pid:n".
  const std::string self = default_worker();
  const std::string host = self.substr(0, self.find(':') + 1);
  if (!worker.starts_with(host)) return false;  // another machine's, or not named by flowc
  const char* begin = worker.data() + host.size();
  const char* end = worker.data() + worker.size();
  pid_t pid = 0;
  auto [stop, ec] = std::from_chars(begin, end, pid);
  if (ec != std::errc() || (stop != end && *stop != ':') || pid <= 0) return false;
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace flowc::runtime::state
