// Which machine and PID namespace this process runs in, recorded with every
// lease (task_runs.lease_machine): a lease owner's name (`host:pid:n`)
// names a process only among the processes that share this key. Host names
// do not tell machines apart (two containers started with one --hostname,
// two VMs called localhost), and a PID means nothing outside its PID
// namespace.
#pragma once

#include <string>

namespace flowc::runtime::state {

/// "<boot id>/<pid namespace>": the kernel's boot id
/// (/proc/sys/kernel/random/boot_id, different on every machine and after
/// every reboot, shared by the containers of one host) and this process's
/// PID namespace (the link /proc/self/ns/pid, "pid:[4026531836]", different
/// in every container). "" when either cannot be read (not Linux, no /proc):
/// then no lease is ever judged to be this machine's. Read once per process;
/// every call returns the same.
const std::string& machine_key();

/// The key built from its two parts as read; "" when either is empty.
std::string machine_key_of(std::string boot_id, const std::string& pid_namespace);

}  // namespace flowc::runtime::state
