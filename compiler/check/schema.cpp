#include "compiler/check/schema.h"

#include <array>

namespace flowc::check {

namespace {

using syntax::BlockKind;
using K = TypeKind;

constexpr AttributeSpec kProject[] = {
    {"default_target", scalar(K::Target), false, "the only target, when there is one",
     "The target workflows use when they name none."},
    {"state_schema", scalar(K::String), false, "\"flow\"", "The schema where run history lives."},
};

constexpr AttributeSpec kTarget[] = {
    {"dsn", scalar(K::Secret), false, "`--dsn`, or the private local cluster",
     "Connection string, normally `env(\"NAME\")`: a secret, never printed."},
    {"schema", scalar(K::String), false, "\"public\"", "Schema of unqualified table names."},
};

constexpr AttributeSpec kEnvironment[] = {
    {"schema_suffix", scalar(K::String), false, "\"_<environment name>\"",
     "Appended to schema names when running with `--env <name>`."},
};

constexpr AttributeSpec kRoute[] = {
    {"owner", scalar(K::String), false, "", "The team that receives the alerts."},
    {"notify", list_of(K::Channel), true, "",
     "Channels: `webhook(url)`, `command(argv)`, `jsonl(path)`, `stderr()`."},
    {"min_severity", scalar(K::Severity), false, "info", "Alerts below this severity are not sent."},
    {"repeat", scalar(K::Duration), false, "0s (every time)",
     "The same alert is not sent again within this time."},
};

constexpr AttributeSpec kLegacy[] = {
    {"schedule", scalar(K::Cron), false, "", "When the job runs today."},
    {"command", scalar(K::String), false, "", "What it runs."},
    {"owner", scalar(K::String), false, "", "Who answers for it (needed by the inventory)."},
    {"reads", list_of(K::String), false, "[]", "Tables it reads."},
    {"writes", list_of(K::String), false, "[]", "Tables it writes (needed by the inventory)."},
    {"runtime", scalar(K::Duration), false, "", "How long it usually runs."},
    {"consumers", list_of(K::String), false, "[]", "Who uses its output (needed by the inventory)."},
    {"symptoms", scalar(K::String), false, "", "What people see when it fails."},
    {"rollback", scalar(K::String), false, "",
     "How to go back to it after a cutover (needed by the inventory)."},
    {"enabled", scalar(K::Bool), false, "true", "Whether it still runs; `false` once retired."},
};

constexpr AttributeSpec kWorkflow[] = {
    {"owner", scalar(K::String), false, "", "The team that answers for it (E0305 when missing or blank)."},
    {"target", scalar(K::Target), false, "the project's `default_target`", "Where its tasks run."},
    {"schedule", scalar(K::Cron), false, "unscheduled",
     "When runs start: `cron(\"0 7 * * *\", tz = \"Europe/Berlin\")`."},
    {"deadline", scalar(K::Time), false, "",
     "Time of day (in the schedule's time zone) by which a run must end."},
    {"concurrency", scalar(K::Int), false, "4", "Tasks run at once, 1 to 1024."},
    {"replaces", scalar(K::Legacy), false, "", "The legacy job this workflow migrates."},
    {"stage", scalar(K::Stage), false, "model", "`model`, `mirror` or `production`."},
    {"cutover_after", scalar(K::Int), false, "3", "Clean mirror runs needed before production."},
    {"on_failure", scalar(K::Alert), false, "", "Alert when a run fails."},
    {"on_late", scalar(K::Alert), false, "", "Alert when a run misses its deadline."},
    {"on_warning", scalar(K::Alert), false, "", "Alert when an `else warn` expectation fails."},
    {"retry", scalar(K::RetryPolicy), false, "no retries", "Default retry policy of its tasks."},
    {"timeout", scalar(K::Duration), false, "none", "Default timeout of its tasks."},
};

constexpr AttributeSpec kSource[] = {
    {"table", scalar(K::String), true, "",
     "The table it reads, `schema.name` or a name in the target's schema."},
    {"ready", scalar(K::Expectation), false, "none (assumed ready)",
     "Condition over metrics that must hold before dependents start.", /*takes_params=*/true},
    {"wait", scalar(K::Duration), false, "1h", "How long to wait for `ready` before the run fails."},
    {"poll", scalar(K::Duration), false, "1m", "How often `ready` is checked while waiting (at least 1s)."},
};

constexpr AttributeSpec kTask[] = {
    {"writes", scalar(K::String), false, "required for SQL tasks unless `mode = none`",
     "The table it writes."},
    {"mode", scalar(K::WriteMode), false, "replace (SQL), none (command)",
     "`replace`, `overwrite_partition(col)`, `merge(key = [...])`, `append` or `none`."},
    {"sql", scalar(K::Sql), false, "",
     "The `select` (or, with `mode = none`, the statements); exactly one of `sql` and `run`."},
    {"run", scalar(K::Command), false, "", "A command to run instead of SQL: `command([\"argv\", ...])`."},
    {"after", list_of(K::Task), false, "[]", "Tasks that must finish first, without reading their output."},
    {"timeout", scalar(K::Duration), false, "the workflow's `timeout`", "Longest one attempt may run."},
    {"retry", scalar(K::RetryPolicy), false, "the workflow's `retry`", "How failed attempts are retried."},
    {"publish", scalar(K::Bool), false, "false", "A production output others consume."},
    {"compare", list_of(K::Metric), false, "[]", "Metrics compared with the legacy table in `mirror` stage.",
     /*takes_params=*/true},
    {"compare_ignore", list_of(K::String), false, "[]",
     "Columns the mirror's row and key diffs leave out: a load time, a batch id."},
    {"idempotent", scalar(K::Bool), false, "false (true for replace, overwrite_partition, merge)",
     "Running it twice is safe (needed to retry `mode = none` tasks)."},
};

constexpr EnumValueSpec kEnumValues[] = {
    {K::Severity, "info", 0, "Lowest severity: for the record."},
    {K::Severity, "low", 1, "Severity `low`."},
    {K::Severity, "medium", 2, "Severity `medium`."},
    {K::Severity, "high", 3, "Severity `high` (the default of `alert`)."},
    {K::Severity, "critical", 4, "Highest severity."},
    {K::Stage, "model", 0, "Not yet run for real: `flowc run` only outside production."},
    {K::Stage, "mirror", 1, "Runs beside the legacy job, writing to `<schema>__mirror`, and compares."},
    {K::Stage, "production", 2, "Writes for real; the cutover checklist must hold."},
    {K::WriteMode, "replace", 0, "Build the table, then swap it in (idempotent)."},
    {K::WriteMode, "append", 3, "Insert only (not idempotent)."},
    {K::WriteMode, "none", 4, "The SQL does its own writing (idempotent only when declared)."},
    {K::RetryOn, "transient", 0,
     "Retry only transient failures: lost connections, serialization failures, deadlocks, lock timeouts; not "
     "a task's own timeout."},
    {K::RetryOn, "any", 1, "Retry every failure (W0403)."},
};

}  // namespace

std::span<const AttributeSpec> attributes_of(BlockKind kind) {
  switch (kind) {
    case BlockKind::Project: return kProject;
    case BlockKind::Target: return kTarget;
    case BlockKind::Environment: return kEnvironment;
    case BlockKind::Route: return kRoute;
    case BlockKind::Legacy: return kLegacy;
    case BlockKind::Workflow: return kWorkflow;
    case BlockKind::Source: return kSource;
    case BlockKind::Task: return kTask;
  }
  return {};
}

const AttributeSpec* find_attribute(BlockKind kind, std::string_view name) {
  for (const AttributeSpec& spec : attributes_of(kind)) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool may_contain(BlockKind outer, BlockKind inner) {
  if (outer == BlockKind::Target) return inner == BlockKind::Environment;
  if (outer == BlockKind::Workflow) return inner == BlockKind::Source || inner == BlockKind::Task;
  return false;
}

bool is_top_level(BlockKind kind) {
  return kind != BlockKind::Environment && kind != BlockKind::Source && kind != BlockKind::Task;
}

std::string_view expected_parent(BlockKind inner) {
  switch (inner) {
    case BlockKind::Environment: return "target";
    case BlockKind::Source:
    case BlockKind::Task: return "workflow";
    default: return "file";
  }
}

bool allows_params(BlockKind kind) { return kind == BlockKind::Workflow; }
bool allows_expect(BlockKind kind) { return kind == BlockKind::Source || kind == BlockKind::Task; }

std::span<const EnumValueSpec> enum_values() { return kEnumValues; }

const EnumValueSpec* find_enum_value(TypeKind type, std::string_view name) {
  for (const EnumValueSpec& value : kEnumValues) {
    if (value.type == type && value.name == name) return &value;
  }
  return nullptr;
}

const EnumValueSpec* find_any_enum_value(std::string_view name) {
  for (const EnumValueSpec& value : kEnumValues) {
    if (value.name == name) return &value;
  }
  return nullptr;
}

}  // namespace flowc::check
