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

/// "<host>:<pid>": how a process's executors are named (each appends ":<n>")
/// in leases and attempts, unless the request names them; also the sender
/// of the alerts it delivers.
std::string default_worker();

/// Whether the executor named `worker` (default_worker()'s name, or one of
/// its executors: `host:pid:n`), recorded with the machine key `machine`
/// (a lease's state::TaskRow::machine, an alert's sender_machine), is known
/// to be gone: `machine` is this process's machine_key() (the same boot of
/// the same machine, the same PID namespace), `host` is this host name, and
/// no process `pid` exists. False for another machine's or container's (the
/// host name alone does not tell them apart), for a record without a key
/// (before migration 6, or by a process that could not read one), and
/// whenever it cannot be told: then its lease is waited out.
bool worker_gone(const std::string& worker, const std::string& machine);

}  // namespace flowc::runtime::state
