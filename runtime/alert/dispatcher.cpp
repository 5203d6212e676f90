#include "runtime/alert/dispatcher.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "compiler/plan/text.h"
#include "compiler/spelling/spelling.h"
#include "runtime/state/machine_key.h"

namespace flowc::runtime::alert {

namespace {

/// This process as the sender of an alert over `channels`, until the
/// longest their deliveries can take (side by side: the longest one's), and
/// a minute to record how they ended. The system clock, not the options'
/// (tests fake "now" for dedupe windows; a sending row is judged by the
/// server's).
Sender sender_for(const std::vector<plan::Channel>& channels, const DeliveryOptions& delivery) {
  Sender sender{state::default_worker(), state::machine_key(), std::chrono::system_clock::now()};
  std::chrono::milliseconds longest{0};
  for (const plan::Channel& channel : channels)
    longest = std::max(longest, longest_delivery(channel, delivery));
  sender.until += longest + std::chrono::minutes(1);
  return sender;
}

/// Delivers `payload` over each channel, side by side, calling `delivered`
/// with each channel's index and outcome as soon as it has one (from that
/// channel's thread): a channel that hangs until its timeouts run out (a
/// pager's command, a webhook's host) holds up none of the others, which
/// tell the on-call, and are recorded, meanwhile.
void deliver_all(const std::vector<plan::Channel>& channels, const nlohmann::ordered_json& payload,
                 const DeliveryOptions& options,
                 const std::function<void(size_t, const Delivery&)>& delivered) {
  std::vector<std::jthread> others;
  for (size_t i = 1; i < channels.size(); ++i)
    others.emplace_back([&, i] { delivered(i, deliver(channels[i], payload, options)); });
  if (!channels.empty()) delivered(0, deliver(channels[0], payload, options));
  others.clear();  // joins them
}

}  // namespace

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
  if (below_min_severity(plan, *spec)) {
    suppress(fmt::format("below the route's min_severity ({})", plan::to_string(route.min_severity)));
    return;
  }

  // The lock makes "was it delivered lately?" and "record the delivery" one
  // step across processes: two workers failing at once page once.
  const bool locked = store_.lock(key, error);
  if (!locked) report_store_error(error);

  if (locked) {
    if (std::string reason = repeated(route, key, now); !reason.empty()) {
      suppress(reason);
      store_.unlock(key);
      return;
    }
  }

  std::vector<AlertRecord> rows;
  for (size_t i = 0; i < route.channels.size(); ++i) {
    AlertRecord row = base;
    row.channel = plan::to_string(route.channels[i].kind);
    row.channel_index = static_cast<int>(i);
    rows.push_back(std::move(row));
  }
  // Recorded `sending` before any channel is tried: a flowc killed while
  // delivering leaves rows that the next run of the workflow delivers
  // (resend_interrupted), where it used to leave no trace.
  std::optional<std::vector<int64_t>> ids;
  const Sender sender = sender_for(route.channels, options_.delivery);
  if (locked) {
    ids = store_.begin_sending(rows, sender, error);
    if (!ids) report_store_error(error);
  }
  // Each channel's row is recorded when its delivery ends: a flowc killed
  // while another channel hangs leaves only that one `sending`, and the
  // next flowc does not deliver the others twice.
  std::mutex recording;  // the store's one connection, for the channels' threads
  deliver_all(route.channels, payload, options_.delivery, [&](size_t i, const Delivery& delivery) {
    std::lock_guard lock(recording);
    rows[i].status = delivery.ok ? "delivered" : "failed";
    rows[i].error = delivery.error;
    rows[i].tries = delivery.tries;
    std::string record_error;
    if (ids && !store_.finish_sending({(*ids)[i]}, {rows[i]}, sender, record_error))
      report_store_error(record_error);
  });
  const bool any_delivered =
      std::any_of(rows.begin(), rows.end(), [](const AlertRecord& row) { return row.status == "delivered"; });
  if (locked) {
    if (!ids && !store_.insert(rows, error)) report_store_error(error);
    store_.unlock(key);
  }
  if (any_delivered) {
    ++counts_.sent;
  } else {
    ++counts_.failed;
  }
}

std::string AlertDispatcher::repeated(const plan::Route& route, const std::string& key,
                                      Clock::time_point now) {
  if (route.repeat_seconds <= 0) return "";
  std::string error;
  std::optional<bool> recent =
      store_.delivered_since(key, now - std::chrono::seconds(route.repeat_seconds), error);
  if (!recent) report_store_error(error);
  if (!recent.value_or(false)) return "";
  return fmt::format("repeat: delivered within the last {}", spelling::duration_text(route.repeat_seconds));
}

void AlertDispatcher::resend_interrupted(const plan::Plan& plan, std::stop_token stop) {
  try {
    std::lock_guard lock(mutex_);
    resend_interrupted_locked(plan, std::move(stop));
  } catch (...) {
    // As raise(): never into the run.
  }
}

void AlertDispatcher::resend_interrupted_locked(const plan::Plan& plan, std::stop_token stop) {
  std::string error;
  // A state database that cannot be read now leaves the rows for a later
  // look, and says nothing: no alert of this process goes unrecorded (the
  // scheduler asks at every wake, and has said why a run did not start).
  std::vector<SendingAlert> sending = store_.sending(plan.workflow, plan.env, error);
  if (!error.empty()) return;
  std::FILE* err = options_.delivery.err ? options_.delivery.err : stderr;
  DeliveryOptions delivery_options = options_.delivery;
  delivery_options.stop = stop;
  for (SendingAlert& alert : sending) {
    if (stop.stop_requested()) return;
    // Still on its way: its sender lives (or may, on another machine) and
    // its channels' timeouts have not all run out.
    if (!alert.overdue && !state::worker_gone(alert.sender, alert.sender_machine)) continue;
    AlertRecord& row = alert.record;
    if (!store_.lock(row.dedup_key, error)) {
      fmt::print(err, "flowc: an alert that flowc {} was sending when it ended is left for a later run: {}\n",
                 alert.sender.empty() ? "(unknown)" : alert.sender, error);
      std::fflush(err);
      continue;
    }
    const auto route = std::find_if(plan.routes.begin(), plan.routes.end(),
                                    [&](const plan::Route& r) { return r.name == row.route; });
    std::vector<plan::Channel> channel;
    if (route != plan.routes.end() && row.channel_index >= 0 &&
        static_cast<size_t>(row.channel_index) < route->channels.size() &&
        plan::to_string(route->channels[static_cast<size_t>(row.channel_index)].kind) == row.channel)
      channel.push_back(route->channels[static_cast<size_t>(row.channel_index)]);
    const Sender taken_by = sender_for(channel, options_.delivery);
    if (!store_.take_over(alert.id, alert.sender, taken_by, error)) {
      // Another flowc took it first (or the database failed: it stays `sending`).
      store_.unlock(row.dedup_key);
      continue;
    }
    const std::string was = alert.sender.empty() ? "a flowc" : "flowc " + alert.sender;
    nlohmann::ordered_json payload = nlohmann::ordered_json::parse(row.payload, nullptr, false);
    // The same alert delivered since within the route's `repeat` (a retry
    // of the run that failed the same way): it is not sent twice.
    const std::string repeat =
        route != plan.routes.end() ? repeated(*route, row.dedup_key, options_.clock()) : std::string();
    if (!repeat.empty()) {
      row.status = "suppressed";
      row.error = fmt::format("{} ({} ended while sending this one)", repeat, was);
    } else if (channel.empty() || payload.is_discarded()) {
      row.status = "failed";
      row.error = fmt::format(
          "{} ended while sending it, and {}", was,
          channel.empty() ? fmt::format("route `{}` no longer has this {} channel", row.route, row.channel)
                          : std::string("its stored payload cannot be read"));
    } else {
      Delivery delivery = deliver(channel[0], payload, delivery_options);
      if (delivery.stopped) {
        // Still `sending`, now this process's: once it has ended, the next
        // flowc of the workflow delivers it.
        store_.unlock(row.dedup_key);
        return;
      }
      row.status = delivery.ok ? "delivered" : "failed";
      row.error = delivery.error;
      row.tries += delivery.tries;
    }
    if (!store_.finish_sending({alert.id}, {row}, taken_by, error)) report_store_error(error);
    store_.unlock(row.dedup_key);
    if (row.status == "suppressed") continue;
    const std::string which =
        fmt::format("{} alert of run {}{} (route {}, {})", row.kind, row.run_id,
                    row.task.empty() ? "" : ", task " + row.task, row.route, row.channel);
    if (row.status == "delivered") {
      fmt::print(err, "flowc: delivered the {} that {} was sending when it ended\n", which, was);
    } else {
      fmt::print(err, "flowc: could not deliver the {} that {} was sending when it ended: {}\n", which, was,
                 row.error);
    }
    std::fflush(err);
  }
}

}  // namespace flowc::runtime::alert
