#include "runtime/alert/payload.h"

#include <ctime>

#include <fmt/format.h>

namespace flowc::runtime::alert {
namespace {

using json = nlohmann::ordered_json;

json or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

/// payload[key], or null when the key is missing (const operator[] would
/// be undefined behaviour on a payload someone else built).
const json& at(const json& payload, const char* key) {
  static const json null;
  if (!payload.is_object()) return null;
  auto it = payload.find(key);
  return it == payload.end() ? null : *it;
}

std::string str(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string join(const json& list, size_t limit) {
  std::string out;
  size_t shown = 0;
  for (const auto& item : list) {
    if (shown == limit) return out + fmt::format(" and {} more", list.size() - shown);
    if (!out.empty()) out += ", ";
    out += item.is_string() ? item.get<std::string>() : item.dump();
    ++shown;
  }
  return out;
}

/// A late run or a failed parity check makes the workflow's published
/// outputs stale as a whole; a failed task makes stale what is downstream.
/// A mirror run's are its mirror tables, which nobody consumes yet: the
/// legacy job still serves the published tables' readers.
json impact_json(const plan::Plan& plan, const Incident& incident) {
  json out = {{"tasks", json::array()}, {"tables", json::array()}, {"published", json::array()},
              {"legacy_consumers", json::array()}};
  if (incident.task) {
    plan::Impact impact = plan::impact_of(plan, *incident.task);
    out["tasks"] = impact.tasks;
    out["tables"] = impact.tables;
    out["published"] = impact.published;
    out["legacy_consumers"] = impact.legacy_consumers;
  } else if (plan.stage == plan::Stage::Mirror) {
    for (const plan::Task& task : plan.tasks)
      if (task.output && task.kind != plan::TaskKind::Source) out["tables"].push_back(task.output->dotted());
  } else {
    for (const plan::Task& task : plan.tasks)
      if (task.publish && task.output) out["published"].push_back(task.output->dotted());
    if (plan.replaces) out["legacy_consumers"] = plan.replaces->consumers;
  }
  return out;
}

std::string headline(const json& payload) {
  const std::string kind = str(payload, "kind");
  const std::string workflow = str(payload, "workflow");
  const std::string task = str(payload, "task");
  std::string subject = task.empty() ? workflow : workflow + "/" + task;
  if (kind == "warning") return subject + " warning";
  if (kind == "late") return subject + " is late";
  if (kind == "parity") return subject + " mirror parity failed";
  return subject + (str(payload, "error_class") == "timeout" ? " timed out" : " failed");
}

std::string where(const json& payload) {
  std::string out = "ds " + str(payload, "ds");
  // Said only when not production: whoever the route pages reads at once
  // that a dev environment or a mirror run failed, not the real tables.
  if (const std::string env = str(payload, "env"); !env.empty() && env != "production") out += ", env " + env;
  if (const std::string stage = str(payload, "stage"); !stage.empty() && stage != "production")
    out += ", stage " + stage;
  if (const json& run = at(payload, "run_id"); run.is_number() && run.get<int64_t>() != 0)
    out += fmt::format(", run {}", run.get<int64_t>());
  if (const json& attempt = at(payload, "attempt"); attempt.is_number())
    out += fmt::format(", attempt {}", attempt.get<int64_t>());
  return out;
}

/// "permanent, SQLSTATE 42P01" / "permanent, exit 3" / "".
std::string error_detail(const json& payload) {
  std::string out = str(payload, "error_class");
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (!str(payload, "sqlstate").empty()) add("SQLSTATE " + str(payload, "sqlstate"));
  if (const json& code = at(payload, "exit_code"); code.is_number()) add(fmt::format("exit {}", code.get<int>()));
  return out;
}

std::string impact_summary(const json& impact, size_t limit) {
  std::string out;
  auto add = [&](const std::string& label, const json& list) {
    if (!list.is_array() || list.empty()) return;
    out += (out.empty() ? "" : "; ") + label + " " + join(list, limit);
  };
  add("published", at(impact, "published"));
  add("legacy consumers", at(impact, "legacy_consumers"));
  add("tables", at(impact, "tables"));
  add("tasks", at(impact, "tasks"));
  return out;
}

/// Slack reads `<...>` as links and `&` as an entity: its message format
/// asks for exactly these three to be escaped.
std::string slack_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string_view to_string(Incident::Kind kind) {
  switch (kind) {
    case Incident::Kind::Failure: return "failure";
    case Incident::Kind::Warning: return "warning";
    case Incident::Kind::Late: return "late";
    case Incident::Kind::Parity: return "parity";
  }
  return "failure";
}

std::optional<plan::AlertSpec> spec_for(const plan::Plan& plan, const Incident& incident) {
  const std::optional<plan::AlertSpec>* spec = &plan.on_failure;
  if (incident.kind == Incident::Kind::Warning) spec = &plan.on_warning;
  if (incident.kind == Incident::Kind::Late) spec = &plan.on_late;
  if (!spec->has_value() || (*spec)->route >= plan.routes.size()) return std::nullopt;
  return **spec;
}

bool below_min_severity(const plan::Plan& plan, const plan::AlertSpec& spec) {
  return spec.severity < plan.routes[spec.route].min_severity;
}

std::string dedup_key(const plan::Plan& plan, const plan::AlertSpec& spec, const Incident& incident,
                      const RunIdentity& run) {
  std::string route = spec.route < plan.routes.size() ? plan.routes[spec.route].name : "";
  std::string task = incident.task && *incident.task < plan.tasks.size() ? plan.tasks[*incident.task].name : "";
  std::string cls = incident.kind == Incident::Kind::Failure && incident.error_class != ErrorClass::None
                        ? std::string(runtime::to_string(incident.error_class))
                        : std::string(to_string(incident.kind));
  // A `--env dev` run is another instance of the workflow: its failure must
  // not hide the production run's page (both may share a state database).
  std::string workflow = run.workflow.empty() ? plan.workflow : run.workflow;
  if (!plan.env.empty()) workflow += "@" + plan.env;
  return route + "/" + workflow + "/" + task + "/" + cls;
}

json build_payload(const plan::Plan& plan, const plan::AlertSpec& spec, const Incident& incident,
                   const RunIdentity& run) {
  const plan::Route* route = spec.route < plan.routes.size() ? &plan.routes[spec.route] : nullptr;
  const plan::Task* task =
      incident.task && *incident.task < plan.tasks.size() ? &plan.tasks[*incident.task] : nullptr;
  std::string owner = route && !route->owner.empty() ? route->owner : plan.owner;
  json payload = {
      {"kind", std::string(to_string(incident.kind))},
      {"workflow", run.workflow.empty() ? plan.workflow : run.workflow},
      {"run_id", run.run_id != 0 ? run.run_id : incident.run_id},
      {"task", task ? json(task->name) : json(nullptr)},
      {"severity", std::string(plan::to_string(spec.severity))},
      {"route", route ? json(route->name) : json(nullptr)},
      {"owner", or_null(owner)},
      // Who owns the workflow (the data), beside who is paged for it.
      {"workflow_owner", or_null(plan.owner)},
      {"message", incident.message},
      {"error_class", or_null(std::string(runtime::to_string(incident.error_class)))},
      {"sqlstate", or_null(incident.sqlstate)},
      {"exit_code", incident.exit_code ? json(*incident.exit_code) : json(nullptr)},
      {"attempt", incident.attempt != 0 ? json(incident.attempt) : json(nullptr)},
      {"ds", run.ds.empty() ? plan.ds : run.ds},
      {"env", plan::env_name(plan.env)},
      {"stage", std::string(plan::to_string(plan.stage))},
      {"started_at",
       incident.started == Clock::time_point{} ? json(nullptr) : json(format_utc(incident.started))},
      {"duration_seconds", static_cast<double>(incident.duration.count()) / 1000.0},
      {"log_path", or_null(incident.log_path)},
      {"impact", impact_json(plan, incident)},
      {"dedup_key", dedup_key(plan, spec, incident, run)},
  };
  payload["text"] = slack_text(payload);
  return payload;
}

std::string slack_text(const json& payload) {
  std::string line = fmt::format("[{}] {} ({})", str(payload, "severity"), headline(payload), where(payload));
  if (!str(payload, "message").empty()) line += ": " + first_line(str(payload, "message"), 300);
  if (std::string detail = error_detail(payload); !detail.empty()) line += " [" + detail + "]";

  std::string second;
  auto add = [&](const std::string& part) { second += (second.empty() ? "" : " | ") + part; };
  if (!str(payload, "owner").empty()) add("owner " + str(payload, "owner"));
  if (std::string impact = impact_summary(at(payload, "impact"), 5); !impact.empty()) add("impact: " + impact);
  if (!str(payload, "log_path").empty()) add("log " + str(payload, "log_path"));
  return slack_escape(second.empty() ? line : line + "\n" + second);
}

std::string render_block(const json& payload) {
  std::string out = fmt::format("flowc alert [{}] {} ({})\n", str(payload, "severity"), headline(payload),
                                where(payload));
  auto field = [&](std::string_view label, const std::string& value) {
    if (!value.empty()) out += fmt::format("  {:<9}{}\n", std::string(label) + ":", value);
  };
  std::string error = first_line(str(payload, "message"), 2000);
  if (std::string detail = error_detail(payload); !detail.empty()) error += " (" + detail + ")";
  field("error", error);
  std::string when = str(payload, "started_at");
  if (const json& seconds = at(payload, "duration_seconds"); !when.empty() && seconds.is_number())
    when += fmt::format(", {:.1f}s", seconds.get<double>());
  field("started", when);
  field("log", str(payload, "log_path"));
  field("owner", str(payload, "owner"));
  field("impact", impact_summary(at(payload, "impact"), 20));
  return out;
}

}  // namespace flowc::runtime::alert
