// The runtime's AlertSink: picks the route of an incident, dedupes it
// against the alerts table, delivers it over every channel of the route and
// records one row per channel. Owns its own connection to the state
// database; safe to call from every executor thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/alert/channels.h"
#include "runtime/alert/payload.h"
#include "runtime/alert/store.h"
#include "runtime/events/events.h"

namespace flowc::runtime::alert {

/// Everything an AlertDispatcher needs besides the plan.
struct AlertSinkOptions {
  std::string state_dsn;                 // a secret: never printed
  std::string state_schema = "flow";
  int64_t run_id = 0;
  std::string workflow;
  std::string ds;
  /// "Now", for dedupe windows and the rows' created_at; the system clock
  /// when empty. Tests pass a fake one.
  std::function<Clock::time_point()> clock;
  DeliveryOptions delivery;
};

/// runtime.md "Alerts": one incident is one alert per channel of its route,
/// deduplicated by (route, workflow, task, error class) within the route's
/// `repeat`; one below the route's min_severity is recorded, not sent. raise() never throws and never fails the run: a channel that
/// fails is retried (DeliveryOptions::tries) and recorded as failed; a state
/// database that cannot be reached only costs the dedupe and the record
/// (the alert is still delivered, and the problem is printed once on
/// DeliveryOptions::err).
class AlertDispatcher final : public AlertSink {
 public:
  explicit AlertDispatcher(AlertSinkOptions options);
  /// The common case: defaults for everything else.
  AlertDispatcher(std::string state_dsn, std::string state_schema, int64_t run_id, std::string workflow,
                  std::string ds, std::function<Clock::time_point()> clock = {});
  ~AlertDispatcher() override;

  /// Routes, dedupes, delivers and records one incident; blocks while the
  /// channels are tried.
  void raise(const plan::Plan& plan, const Incident& incident) override;

  /// Delivers again, over the same channel of the same route, each alert of
  /// the plan's workflow left `sending` by a flowc that ended while sending
  /// it (its process gone from this machine, or its channels' longest
  /// delivery long past), and says so on stderr. Counted in no run's
  /// summary. A `stop` request ends it: a delivery it cuts short leaves its
  /// row `sending`, this process's, for the next flowc once this one has
  /// ended. Never throws.
  void resend_interrupted(const plan::Plan& plan, std::stop_token stop = {}) override;

  /// Alerts (not channel deliveries) this sink handled: sent = delivered by
  /// at least one channel, failed = delivered by none, suppressed = not sent
  /// because it repeats a recent one or is below the route's min_severity.
  [[nodiscard]] AlertCounts counts() const override;

 private:
  void raise_locked(const plan::Plan& plan, const Incident& incident);
  void resend_interrupted_locked(const plan::Plan& plan, std::stop_token stop);
  /// Why an alert of `key` on `route` is not sent again now: "repeat:
  /// delivered within the last <repeat>" when the same alert was delivered
  /// that recently (hold the key's lock), "" otherwise, or when the store
  /// could not say (reported: sending twice beats not sending).
  std::string repeated(const plan::Route& route, const std::string& key, Clock::time_point now);
  void report_store_error(const std::string& error);

  AlertSinkOptions options_;
  mutable std::mutex mutex_;
  AlertStore store_;
  AlertCounts counts_;
  bool store_error_reported_ = false;
};

}  // namespace flowc::runtime::alert
