// The machine key a lease records (runtime/state/machine_key.h), and
// exec::worker_gone, which trusts a lease owner's `host:pid` only when the
// lease was recorded with this process's key.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "runtime/exec/exec.h"
#include "runtime/state/machine_key.h"

namespace {

using flowc::runtime::exec::default_worker;
using flowc::runtime::exec::worker_gone;
using flowc::runtime::state::machine_key;
using flowc::runtime::state::machine_key_of;

/// The PID of a child that has exited and been reaped: no such process.
pid_t finished_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

/// An executor name of this host for `pid`, as default_worker() names one.
std::string executor_of(pid_t pid) {
  const std::string self = default_worker();
  return self.substr(0, self.find(':') + 1) + std::to_string(pid) + ":0";
}

}  // namespace

TEST_CASE("the machine key is the boot id and the PID namespace, read once") {
  const std::string& key = machine_key();
  REQUIRE_FALSE(key.empty());  // this is Linux with /proc
  std::string boot_id;
  std::getline(std::ifstream("/proc/sys/kernel/random/boot_id"), boot_id);
  char link[256] = {};
  REQUIRE(::readlink("/proc/self/ns/pid", link, sizeof link - 1) > 0);
  CHECK(key == boot_id + "/" + link);
  CHECK(key.find("pid:[") != std::string::npos);
  // Every call gives the same, the same object.
  CHECK(&machine_key() == &key);
  CHECK(machine_key() == key);
}

TEST_CASE("a machine key with a part missing is empty") {
  CHECK(machine_key_of("b0\n", "pid:[1]") == "b0/pid:[1]");
  CHECK(machine_key_of("", "pid:[1]").empty());
  CHECK(machine_key_of("b0\n", "").empty());
  CHECK(machine_key_of("\n", "pid:[1]").empty());
}

TEST_CASE("a worker is gone only when its lease was recorded by this machine and its process is gone") {
  const std::string gone = executor_of(finished_pid());
  CHECK(worker_gone(gone, machine_key()));
  // The same name recorded by another machine or container (the same host
  // name, another boot or PID namespace) is another process.
  CHECK_FALSE(worker_gone(gone, "another-boot-id/" + machine_key().substr(machine_key().find('/') + 1)));
  CHECK_FALSE(worker_gone(gone, machine_key().substr(0, machine_key().find('/')) + "/pid:[1]"));
  // No key (a lease from before migration 6, or a holder that could not
  // read one): waited out.
  CHECK_FALSE(worker_gone(gone, ""));
  // A live process, another host, a name flowc did not make.
  CHECK_FALSE(worker_gone(executor_of(::getpid()), machine_key()));
  CHECK_FALSE(worker_gone("another-host-name:" + gone.substr(gone.find(':') + 1), machine_key()));
  CHECK_FALSE(worker_gone(gone.substr(0, gone.find(':') + 1) + "x", machine_key()));
}
