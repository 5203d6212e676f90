// The heartbeat of one process's leases: renews every lease its executors
// hold, on its own state connection, every lease/3. A lease the database
// refuses to renew was reclaimed: its attempt is stopped at once. A separate
// watchdog, doing no I/O so that a hung connection cannot delay it, stops
// every attempt whose lease was last extended more than half a lease ago:
// the executor fences itself before its lease runs out, and another
// executor may take the task over.
#pragma once

#include <stop_token>

#include "runtime/exec/pool.h"

namespace flowc::runtime::exec {

/// Runs until `stop` is requested.
void run_heartbeat(ExecutorPool& pool, std::stop_token stop);

}  // namespace flowc::runtime::exec
