// Plan <-> JSON. Writing is one function per struct; reading mirrors it with
// `at()` (which throws on a missing field or a wrong type). Those exceptions,
// and the ones for unknown enum names, are caught in plan_from_json: nothing
// thrown here leaves this file.
#include "compiler/plan/json.h"

#include <fmt/format.h>

#include <stdexcept>

#include "compiler/plan/text.h"

namespace flowc::plan {

using Json = nlohmann::ordered_json;

namespace {

// ---- writing ----

// Declared up front: the templates below find the overloads by ordinary
// lookup (ADL does not see an unnamed namespace).
Json write(const TableName&);
Json write(const BoundParam&);
Json write(const Statement&);
Json write(const Origin&);
Json write(const Literal&);
Json write(const Metric&);
Json write(const MetricQuery&);
Json write(const Condition&);
Json write(const Check&);
Json write(const RetryPolicy&);
Json write(const ExternalDependency&);
Json write(const Readiness&);
Json write(const Parity&);
Json write(const Task&);
Json write(const Channel&);
Json write(const Route&);
Json write(const AlertSpec&);
Json write(const ImpactNode&);
Json write(const ImpactGraph&);
Json write(const LegacyJob&);

Json write(const TableName& t) { return Json{{"schema", t.schema}, {"name", t.name}}; }

Json write(const BoundParam& p) {
  return Json{{"name", p.name}, {"sql_type", p.sql_type}, {"value", p.value}};
}

template <typename T>
Json write_all(const std::vector<T>& items) {
  Json out = Json::array();
  for (const T& item : items) out.push_back(write(item));
  return out;
}

Json write(const Statement& s) { return Json{{"sql", s.sql}, {"params", write_all(s.params)}}; }

Json write(const Origin& o) { return Json{{"file", o.file}, {"line", o.line}, {"column", o.column}}; }

Json write(const Literal& l) {
  return Json{{"kind", to_string(l.kind)}, {"number", l.number}, {"text", l.text}};
}

Json write(const Metric& m) {
  return Json{{"label", m.label}, {"kind", to_string(m.kind)}, {"alone", write(m.alone)}};
}

Json write(const MetricQuery& q) {
  return Json{{"table", write(q.table)},
              {"partition", q.partition},
              {"statement", write(q.statement)},
              {"metrics", write_all(q.metrics)}};
}

Json write(const Condition& c) {
  return Json{{"kind", to_string(c.kind)},
              {"op", to_string(c.op)},
              {"metric", c.metric},
              {"literals", write_all(c.literals)},
              {"operands", c.operands}};
}

Json write(const Check& c) {
  return Json{{"name", c.name}, {"warn", c.warn}, {"condition", c.condition}, {"origin", write(c.origin)}};
}

Json write(const RetryPolicy& r) {
  return Json{{"retries", r.retries},
              {"exponential", r.exponential},
              {"initial_seconds", r.initial_seconds},
              {"max_seconds", r.max_seconds},
              {"on_any", r.on_any}};
}

Json write(const ExternalDependency& e) {
  return Json{{"workflow", e.workflow},
              {"task", e.task},
              {"wait_seconds", e.wait_seconds},
              {"poll_seconds", e.poll_seconds}};
}

Json write(const Readiness& r) {
  return Json{{"metrics", write(r.metrics)},    {"conditions", write_all(r.conditions)},
              {"condition", r.condition},       {"wait_seconds", r.wait_seconds},
              {"poll_seconds", r.poll_seconds}, {"text", r.text}};
}

Json write(const Parity& p) {
  Json out{{"mirror", write(p.mirror)},
           {"legacy", write(p.legacy)},
           {"partition", p.partition},
           {"params", write_all(p.params)},
           {"metric_sql", p.metric_sql},
           {"metric_labels", p.metric_labels},
           {"key", p.key},
           {"compare_rows", p.compare_rows},
           {"tolerance_percent", p.tolerance_percent},
           {"metric_origins", write_all(p.metric_origins)}};
  // Only when set: a plan without it hashes as it did before it existed.
  if (!p.ignore.empty()) out["ignore"] = p.ignore;
  if (!p.run_columns.empty()) out["run_columns"] = write_all(p.run_columns);
  return out;
}

template <typename T>
Json write_optional(const std::optional<T>& value) {
  return value ? write(*value) : Json(nullptr);
}

Json write(const Task& t) {
  return Json{{"name", t.name},
              {"kind", to_string(t.kind)},
              {"deps", t.deps},
              {"external", write_all(t.external)},
              {"origin", write(t.origin)},
              {"output", write_optional(t.output)},
              {"mode", to_string(t.mode)},
              {"partition_column", t.partition_column},
              {"merge_key", t.merge_key},
              {"select", write(t.select)},
              {"sql_origin", write(t.sql_origin)},
              {"publish", t.publish},
              {"idempotent", t.idempotent},
              {"announce_success", t.announce_success},
              {"argv", t.argv},
              {"env_secrets", t.env_secrets},
              {"metrics", write_optional(t.metrics)},
              {"conditions", write_all(t.conditions)},
              {"checks", write_all(t.checks)},
              {"readiness", write_optional(t.readiness)},
              {"parity", write_optional(t.parity)},
              {"retry", write(t.retry)},
              {"timeout_seconds", t.timeout_seconds}};
}

Json write(const Channel& c) {
  return Json{{"kind", to_string(c.kind)},
              {"args", c.args},
              {"secret_env", c.secret_env},
              {"env_secrets", c.env_secrets}};
}

Json write(const Route& r) {
  return Json{{"name", r.name},
              {"owner", r.owner},
              {"min_severity", to_string(r.min_severity)},
              {"repeat_seconds", r.repeat_seconds},
              {"channels", write_all(r.channels)}};
}

Json write(const AlertSpec& a) { return Json{{"route", a.route}, {"severity", to_string(a.severity)}}; }

Json write(const ImpactNode& n) {
  return Json{{"name", n.name},
              {"table", n.table},
              {"published", n.published},
              {"legacy", n.legacy},
              {"dependents", n.dependents}};
}

Json write(const ImpactGraph& g) {
  return Json{{"nodes", write_all(g.nodes)}, {"legacy_job_consumers", g.legacy_job_consumers}};
}

Json write(const LegacyJob& l) {
  return Json{{"name", l.name},           {"owner", l.owner},       {"writes", l.writes},
              {"consumers", l.consumers}, {"rollback", l.rollback}, {"enabled", l.enabled}};
}

Json write_without_hash(const Plan& p) {
  Json out{{"project", p.project},
           {"workflow", p.workflow},
           {"owner", p.owner},
           {"ds", p.ds},
           {"env", env_name(p.env)},  // "production" for the default, as history and alerts name it
           {"stage", to_string(p.stage)},
           {"state_schema", p.state_schema},
           {"target", p.target},
           {"target_dsn_env", p.target_dsn_env},
           {"target_dsn", p.target_dsn},
           {"concurrency", p.concurrency},
           {"deadline_seconds", p.deadline_seconds ? Json(*p.deadline_seconds) : Json(nullptr)},
           {"time_zone", p.time_zone},
           {"schedule", p.schedule},
           {"params", write_all(p.params)},
           {"tasks", write_all(p.tasks)},
           {"impact", write(p.impact_graph)},
           {"routes", write_all(p.routes)},
           {"on_failure", write_optional(p.on_failure)},
           {"on_late", write_optional(p.on_late)},
           {"on_warning", write_optional(p.on_warning)},
           {"replaces", write_optional(p.replaces)},
           {"cutover_after", p.cutover_after}};
  return out;
}

// ---- reading ----

/// A field that is present but wrong; the message names it.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void read(const nlohmann::json&, TableName&);
void read(const nlohmann::json&, BoundParam&);
void read(const nlohmann::json&, Statement&);
void read(const nlohmann::json&, Origin&);
void read(const nlohmann::json&, Literal&);
void read(const nlohmann::json&, Metric&);
void read(const nlohmann::json&, MetricQuery&);
void read(const nlohmann::json&, Condition&);
void read(const nlohmann::json&, Check&);
void read(const nlohmann::json&, RetryPolicy&);
void read(const nlohmann::json&, ExternalDependency&);
void read(const nlohmann::json&, Readiness&);
void read(const nlohmann::json&, Parity&);
void read(const nlohmann::json&, Task&);
void read(const nlohmann::json&, Channel&);
void read(const nlohmann::json&, Route&);
void read(const nlohmann::json&, AlertSpec&);
void read(const nlohmann::json&, ImpactNode&);
void read(const nlohmann::json&, ImpactGraph&);
void read(const nlohmann::json&, LegacyJob&);
void read(const nlohmann::json&, Plan&);

template <typename Enum>
Enum read_enum(const nlohmann::json& j, const char* field, std::optional<Enum> (*from)(std::string_view)) {
  std::string name = j.at(field).get<std::string>();
  std::optional<Enum> value = from(name);
  if (!value) throw BadField(fmt::format("unknown {} `{}`", field, name));
  return *value;
}

template <typename T>
T get(const nlohmann::json& j, const char* field) {
  return j.at(field).get<T>();
}

void read(const nlohmann::json& j, TableName& t) {
  t.schema = get<std::string>(j, "schema");
  t.name = get<std::string>(j, "name");
}

void read(const nlohmann::json& j, BoundParam& p) {
  p.name = get<std::string>(j, "name");
  p.sql_type = get<std::string>(j, "sql_type");
  p.value = get<std::string>(j, "value");
}

template <typename T>
void read_all(const nlohmann::json& j, const char* field, std::vector<T>& out) {
  out.clear();
  for (const nlohmann::json& item : j.at(field)) read(item, out.emplace_back());
}

template <typename T>
void read_optional(const nlohmann::json& j, const char* field, std::optional<T>& out) {
  const nlohmann::json& value = j.at(field);
  if (value.is_null()) {
    out.reset();
    return;
  }
  read(value, out.emplace());
}

void read(const nlohmann::json& j, Statement& s) {
  s.sql = get<std::string>(j, "sql");
  read_all(j, "params", s.params);
}

void read(const nlohmann::json& j, Origin& o) {
  o.file = get<std::string>(j, "file");
  o.line = get<uint32_t>(j, "line");
  o.column = get<uint32_t>(j, "column");
}

void read(const nlohmann::json& j, Literal& l) {
  l.kind = read_enum(j, "kind", value_kind_from);
  l.number = get<double>(j, "number");
  l.text = get<std::string>(j, "text");
}

void read(const nlohmann::json& j, Metric& m) {
  m.label = get<std::string>(j, "label");
  m.kind = read_enum(j, "kind", value_kind_from);
  // Plans stored before metrics had their own statement have none.
  if (j.contains("alone")) read(j.at("alone"), m.alone);
}

void read(const nlohmann::json& j, MetricQuery& q) {
  read(j.at("table"), q.table);
  q.partition = get<std::string>(j, "partition");
  read(j.at("statement"), q.statement);
  read_all(j, "metrics", q.metrics);
}

void read(const nlohmann::json& j, Condition& c) {
  c.kind = read_enum(j, "kind", condition_kind_from);
  c.op = read_enum(j, "op", compare_op_from);
  c.metric = get<uint32_t>(j, "metric");
  read_all(j, "literals", c.literals);
  c.operands = get<std::vector<uint32_t>>(j, "operands");
}

void read(const nlohmann::json& j, Check& c) {
  c.name = get<std::string>(j, "name");
  c.warn = get<bool>(j, "warn");
  c.condition = get<uint32_t>(j, "condition");
  read(j.at("origin"), c.origin);
}

void read(const nlohmann::json& j, RetryPolicy& r) {
  r.retries = get<uint32_t>(j, "retries");
  r.exponential = get<bool>(j, "exponential");
  r.initial_seconds = get<int64_t>(j, "initial_seconds");
  r.max_seconds = get<int64_t>(j, "max_seconds");
  r.on_any = get<bool>(j, "on_any");
}

void read(const nlohmann::json& j, ExternalDependency& e) {
  e.workflow = get<std::string>(j, "workflow");
  e.task = get<std::string>(j, "task");
  e.wait_seconds = get<int64_t>(j, "wait_seconds");
  e.poll_seconds = get<int64_t>(j, "poll_seconds");
}

void read(const nlohmann::json& j, Readiness& r) {
  read(j.at("metrics"), r.metrics);
  read_all(j, "conditions", r.conditions);
  r.condition = get<uint32_t>(j, "condition");
  r.wait_seconds = get<int64_t>(j, "wait_seconds");
  r.poll_seconds = get<int64_t>(j, "poll_seconds");
  r.text = get<std::string>(j, "text");
}

void read(const nlohmann::json& j, Parity& p) {
  read(j.at("mirror"), p.mirror);
  read(j.at("legacy"), p.legacy);
  p.partition = get<std::string>(j, "partition");
  read_all(j, "params", p.params);
  p.metric_sql = get<std::vector<std::string>>(j, "metric_sql");
  p.metric_labels = get<std::vector<std::string>>(j, "metric_labels");
  p.key = get<std::vector<std::string>>(j, "key");
  p.compare_rows = j.value("compare_rows", false);  // absent in plans stored before it
  if (j.contains("ignore")) p.ignore = get<std::vector<std::string>>(j, "ignore");  // likewise
  if (j.contains("run_columns")) read_all(j, "run_columns", p.run_columns);         // likewise
  p.tolerance_percent = get<double>(j, "tolerance_percent");
  // Plans stored by an older flowc (a queued or retried run) have none.
  if (j.contains("metric_origins")) read_all(j, "metric_origins", p.metric_origins);
}

void read(const nlohmann::json& j, Task& t) {
  t.name = get<std::string>(j, "name");
  t.kind = read_enum(j, "kind", task_kind_from);
  t.deps = get<std::vector<uint32_t>>(j, "deps");
  read_all(j, "external", t.external);
  read(j.at("origin"), t.origin);
  read_optional(j, "output", t.output);
  t.mode = read_enum(j, "mode", write_mode_from);
  t.partition_column = get<std::string>(j, "partition_column");
  t.merge_key = get<std::vector<std::string>>(j, "merge_key");
  read(j.at("select"), t.select);
  read(j.at("sql_origin"), t.sql_origin);
  t.publish = get<bool>(j, "publish");
  t.idempotent = get<bool>(j, "idempotent");
  t.announce_success = j.value("announce_success", false);  // absent in plans stored before it
  t.argv = get<std::vector<std::string>>(j, "argv");
  t.env_secrets = get<std::vector<std::string>>(j, "env_secrets");
  read_optional(j, "metrics", t.metrics);
  read_all(j, "conditions", t.conditions);
  read_all(j, "checks", t.checks);
  read_optional(j, "readiness", t.readiness);
  read_optional(j, "parity", t.parity);
  read(j.at("retry"), t.retry);
  t.timeout_seconds = get<int64_t>(j, "timeout_seconds");
}

void read(const nlohmann::json& j, Channel& c) {
  c.kind = read_enum(j, "kind", channel_kind_from);
  c.args = get<std::vector<std::string>>(j, "args");
  c.secret_env = get<std::string>(j, "secret_env");
  c.env_secrets = get<std::vector<std::string>>(j, "env_secrets");
}

void read(const nlohmann::json& j, Route& r) {
  r.name = get<std::string>(j, "name");
  r.owner = get<std::string>(j, "owner");
  r.min_severity = read_enum(j, "min_severity", severity_from);
  r.repeat_seconds = get<int64_t>(j, "repeat_seconds");
  read_all(j, "channels", r.channels);
}

void read(const nlohmann::json& j, AlertSpec& a) {
  a.route = get<uint32_t>(j, "route");
  a.severity = read_enum(j, "severity", severity_from);
}

void read(const nlohmann::json& j, ImpactNode& n) {
  n.name = get<std::string>(j, "name");
  n.table = get<std::string>(j, "table");
  n.published = get<bool>(j, "published");
  n.legacy = get<std::vector<uint32_t>>(j, "legacy");
  n.dependents = get<std::vector<uint32_t>>(j, "dependents");
}

void read(const nlohmann::json& j, ImpactGraph& g) {
  // A plan stored (runs.plan) before the graph has `impact` as an array of
  // per-task lists. It must still read, for `flowc retry`, workers and the
  // scheduler: it reads as a plan without an impact graph, so its alerts
  // list no impact.
  if (j.is_array()) {
    g = {};
    return;
  }
  read_all(j, "nodes", g.nodes);
  g.legacy_job_consumers = get<std::vector<std::vector<std::string>>>(j, "legacy_job_consumers");
}

void read(const nlohmann::json& j, LegacyJob& l) {
  l.name = get<std::string>(j, "name");
  l.owner = get<std::string>(j, "owner");
  l.writes = get<std::vector<std::string>>(j, "writes");
  l.consumers = get<std::vector<std::string>>(j, "consumers");
  l.rollback = get<std::string>(j, "rollback");
  l.enabled = get<bool>(j, "enabled");
}

void read(const nlohmann::json& j, Plan& p) {
  p.project = get<std::string>(j, "project");
  p.workflow = get<std::string>(j, "workflow");
  p.owner = get<std::string>(j, "owner");
  p.ds = get<std::string>(j, "ds");
  p.env = get<std::string>(j, "env");
  if (p.env == "production") p.env.clear();  // the default environment (plans stored before say "")
  p.stage = read_enum(j, "stage", stage_from);
  p.state_schema = get<std::string>(j, "state_schema");
  p.target = get<std::string>(j, "target");
  p.target_dsn_env = get<std::string>(j, "target_dsn_env");
  p.target_dsn = get<std::string>(j, "target_dsn");
  p.concurrency = get<uint32_t>(j, "concurrency");
  const nlohmann::json& deadline = j.at("deadline_seconds");
  p.deadline_seconds = deadline.is_null() ? std::nullopt : std::optional<int64_t>(deadline.get<int64_t>());
  p.time_zone = get<std::string>(j, "time_zone");
  p.schedule = get<std::string>(j, "schedule");
  read_all(j, "params", p.params);
  read_all(j, "tasks", p.tasks);
  read(j.at("impact"), p.impact_graph);
  read_all(j, "routes", p.routes);
  read_optional(j, "on_failure", p.on_failure);
  read_optional(j, "on_late", p.on_late);
  read_optional(j, "on_warning", p.on_warning);
  read_optional(j, "replaces", p.replaces);
  p.cutover_after = get<uint32_t>(j, "cutover_after");
  p.hash = get<std::string>(j, "hash");
}

}  // namespace

Json to_json(const Plan& plan) {
  Json out = write_without_hash(plan);
  out["hash"] = plan.hash;
  return out;
}

namespace {

/// What a JSON library exception met while reading a plan says, in our
/// words: its messages (`[json.exception.out_of_range.403] key 'project' not
/// found`) are not for users.
std::string plain_reason(const nlohmann::json::exception& e) {
  constexpr int kKeyNotFound = 403;
  if (e.id == kKeyNotFound) {
    std::string_view what = e.what();
    size_t open = what.find('\'');
    size_t close = open == std::string_view::npos ? open : what.find('\'', open + 1);
    if (close != std::string_view::npos)
      return fmt::format("no field `{}`", what.substr(open + 1, close - open - 1));
    return "a field is missing";
  }
  if (dynamic_cast<const nlohmann::json::type_error*>(&e) != nullptr) return "a field has the wrong type";
  return "a field has a value out of range";
}

}  // namespace

std::optional<Plan> plan_from_json(const nlohmann::json& json, std::string& error) {
  if (json.is_discarded()) {
    error = "not JSON";
    return std::nullopt;
  }
  Plan plan;
  try {
    read(json, plan);
  } catch (const BadField& e) {
    error = e.what();
    return std::nullopt;
  } catch (const nlohmann::json::exception& e) {
    error = "not a flowc plan: " + plain_reason(e);
    return std::nullopt;
  }
  return plan;
}

std::string plan_hash(const Plan& plan) {
  return fmt::format("{:016x}", stable_hash(write_without_hash(plan).dump()));
}

}  // namespace flowc::plan
