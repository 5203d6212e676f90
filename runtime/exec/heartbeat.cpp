#include "runtime/exec/heartbeat.h"

#include <thread>

#include "runtime/events/nap.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {
void run_heartbeat(ExecutorPool& pool, std::stop_token stop) {
  using std::chrono::milliseconds;
  const milliseconds lease = pool.settings.lease;
  const milliseconds interval = std::max(lease / 3, milliseconds(10));
  std::jthread watchdog([&pool, lease](std::stop_token watchdog_stop) {
    const milliseconds check = std::max(lease / 6, milliseconds(5));
    while (nap(watchdog_stop, check)) pool.stop_overdue(lease / 2);
  });
  state::StateStore store(pool.settings.state_dsn, pool.settings.schema);
  // After a failed renewal the next comes within a second, not a third of a
  // lease later: a state database restarted in a few seconds then costs no
  // attempt (the watchdog fences at half a lease without one).
  const milliseconds soon = std::min(interval, milliseconds(1000));
  milliseconds wait = interval;
  while (nap(stop, wait)) {
    wait = interval;
    std::vector<std::string> tokens = pool.held_tokens();
    if (tokens.empty()) continue;
    state::Renewed renewed = store.renew(tokens, lease);
    // A failed renewal extends nothing: the watchdog fences if it lasts.
    if (renewed.status)
      pool.renewed(tokens, renewed.tokens, renewed.run_ended);
    else
      wait = soon;
  }
}

}  // namespace flowc::runtime::exec
