#include "runtime/alert/dispatcher.h"

#include <fmt/format.h>

#include "compiler/plan/text.h"
#include "compiler/spelling/spelling.h"

namespace flowc::runtime::alert {

AlertDispatcher::AlertDispatcher(AlertSinkOptions options)
    : options_(std::move(options)), store_(options_.state_dsn, options_.state_schema) {
  if (!options_.clock) options_.clock = [] { return Clock::now(); };
}

AlertDispatcher::AlertDispatcher(std::string state_dsn, std::string state_schema, int64_t run_id,
                                 std::string workflow, std::string ds, std::function<Clock::time_point()> clock)
    : AlertDispatcher(AlertSinkOptions{std::move(state_dsn), std::move(state_schema), run_id, std::move(workflow),
                                       std::move(ds), std::move(clock), DeliveryOptions{}}) {}

AlertDispatcher::~AlertDispatcher() = default;

void AlertDispatcher::raise(const plan::Plan& plan, const Incident& incident) {
  try {
    std::lock_guard lock(mutex_);
    raise_locked(plan, incident);
  } catch (...) {
    // The contract: alerting never throws into the executor. Everything
    // below already reports its own failures; this is the last line.
  }
}

AlertCounts AlertDispatcher::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void AlertDispatcher::report_store_error(const std::string& error) {
  if (store_error_reported_) return;
  store_error_reported_ = true;
  std::FILE* err = options_.delivery.err ? options_.delivery.err : stderr;
  fmt::print(err, "flowc: alerts are sent to their channels but not recorded or deduplicated: state database: {}\n", error);
  std::fflush(err);
}

void AlertDispatcher::raise_locked(const plan::Plan& plan, const Incident& incident) {
  std::optional<plan::AlertSpec> spec = spec_for(plan, incident);
  if (!spec) return;
  const plan::Route& route = plan.routes[spec->route];
  if (route.channels.empty()) return;

  // The sink is made before the run exists (execute_run creates it), so the
  // incident's run id wins when it has one.
  const RunIdentity run{incident.run_id != 0 ? incident.run_id : options_.run_id, options_.workflow, options_.ds};
  const nlohmann::ordered_json payload = build_payload(plan, *spec, incident, run);
  const std::string key = payload["dedup_key"].get<std::string>();
  const Clock::time_point now = options_.clock();

  AlertRecord base;
  base.run_id = payload["run_id"].get<int64_t>();
  base.workflow = payload["workflow"].get<std::string>();
  base.task = payload["task"].is_string() ? payload["task"].get<std::string>() : "";
  base.kind = payload["kind"].get<std::string>();
  base.route = route.name;
  base.severity = payload["severity"].get<std::string>();
  base.dedup_key = key;
  base.payload = payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  base.created_at = now;

  std::string error;
  auto suppress = [&](const std::string& reason) {
    std::vector<AlertRecord> rows;
    for (const plan::Channel& channel : route.channels) {
      AlertRecord row = base;
      row.channel = plan::to_string(channel.kind);
      row.status = "suppressed";
      row.error = reason;
      rows.push_back(std::move(row));
    }
    if (!store_.insert(rows, error)) report_store_error(error);
    ++counts_.suppressed;
  };

  // language.md: alerts below the route's min_severity are not sent, but
  // still recorded (and counted), so `flowc ops` sees every incident.
  if (spec->severity < route.min_severity) {
    suppress(fmt::format("below the route's min_severity ({})", plan::to_string(route.min_severity)));
    return;
  }

  // The lock makes "was it delivered lately?" and "record the delivery" one
  // step across processes: two workers failing at once page once.
  const bool locked = store_.lock(key, error);
  if (!locked) report_store_error(error);

  if (locked && route.repeat_seconds > 0) {
    std::optional<bool> recent = store_.delivered_since(key, now - std::chrono::seconds(route.repeat_seconds), error);
    if (!recent) report_store_error(error);
    if (recent.value_or(false)) {
      suppress(
          fmt::format("repeat: delivered within the last {}", spelling::duration_text(route.repeat_seconds)));
      store_.unlock(key);
      return;
    }
  }

  std::vector<AlertRecord> rows;
  bool any_delivered = false;
  for (const plan::Channel& channel : route.channels) {
    Delivery delivery = deliver(channel, payload, options_.delivery);
    AlertRecord row = base;
    row.channel = plan::to_string(channel.kind);
    row.status = delivery.ok ? "delivered" : "failed";
    row.error = delivery.error;
    row.tries = delivery.tries;
    any_delivered = any_delivered || delivery.ok;
    rows.push_back(std::move(row));
  }
  if (locked) {
    if (!store_.insert(rows, error)) report_store_error(error);
    store_.unlock(key);
  }
  if (any_delivered) {
    ++counts_.sent;
  } else {
    ++counts_.failed;
  }
}

}  // namespace flowc::runtime::alert
