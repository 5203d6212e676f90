#include "compiler/check/types.h"

namespace flowc::check {

namespace {

// Every type name of language.md §12, with the doc comment `flowc doc NAME`
// prints (the types have no declaration in the standard library's files).
constexpr TypeSpec kTypes[] = {
    {"bool", TypeKind::Bool, "`true` or `false`."},
    {"int", TypeKind::Int, "A whole number: `42`, `1_000_000`."},
    {"float", TypeKind::Float,
     "A number with a fraction: `0.25`. An `int` is accepted where a `float` is\n"
     "expected."},
    {"percent", TypeKind::Percent, "A share: `5%`, `0.5%` (no space before the `%`)."},
    {"duration", TypeKind::Duration,
     "A length of time: `30s`, `5m`, `2h`, `1d`, `1h30m` (units `d h m s`, in that\n"
     "order, each at most once)."},
    {"date", TypeKind::Date,
     "A day: `2026-11-24`. A run is for one day, its\n"
     "`param ds: date = logical_date`."},
    {"time", TypeKind::Time, "A time of day: `07:00`, `23:59:30` (a workflow's `deadline`)."},
    {"timestamp", TypeKind::Timestamp,
     "A point in time: a param's type only, its value given on the command line\n"
     "(`--param at=2026-11-24T07:00`, UTC unless an offset follows)."},
    {"string", TypeKind::String, "Text: `\"...\"` on one line, or a `\"\"\"...\"\"\"` text block."},
    {"column", TypeKind::Column,
     "A column of the checked table, named by a plain identifier in a metric's\n"
     "argument: `unique(order_id)`."},
    {"table", TypeKind::Table, "A table: a task or a source stands for the table it writes or reads."},
    {"sql", TypeKind::Sql,
     "SQL text: a string, a text block or `file(\"path\")`, in which `${name}` names a\n"
     "task, a source or a param."},
    {"cron", TypeKind::Cron, "A schedule: `cron(\"0 7 * * *\", tz = \"Europe/Berlin\")`."},
    {"secret", TypeKind::Secret,
     "A value read from the environment at run time, `env(\"NAME\")`, and never shown.\n"
     "It may flow only into a target's `dsn`, a `webhook` url or a `command`'s `env`\n"
     "(E0203 elsewhere)."},
    {"severity", TypeKind::Severity,
     "How urgent an alert is: `info` < `low` < `medium` < `high` < `critical`. The\n"
     "`severity` of `alert(route, severity = high)` (default `high`), and a route's\n"
     "`min_severity`."},
    {"list", TypeKind::List,
     "`list<T>`: `[a, b, ...]`, values of one type `T` (a trailing comma is\n"
     "allowed)."},
    {"metric", TypeKind::Metric,
     "`metric<T>`: a number computed from the checked table (`row_count()`,\n"
     "`null_rate(col)`) whose value is a `T`; compared with a `T`, it makes an\n"
     "`expectation`."},
    {"expectation", TypeKind::Expectation,
     "A condition a run checks: a comparison of a metric (`row_count() > 0`), a\n"
     "predicate (`unique(id)`), or their `and`, `or` and `not`. What `expect` and\n"
     "`ready` take."},
    {"task", TypeKind::Task,
     "A task by name (`stage_orders`, or `workflow.task` in another workflow). A\n"
     "source is accepted where a task is expected, as in `after`."},
    {"source", TypeKind::Source, "A source of a workflow, by name."},
    {"route", TypeKind::Route,
     "A route by name: a `route NAME { ... }` block, where alerts go (its `notify`\n"
     "channels, `owner`, `min_severity` and `repeat`). `alert(route)` sends to it."},
    {"target", TypeKind::Target,
     "A database by name: a `target NAME { ... }` block (`dsn`, `schema`,\n"
     "environments)."},
    {"legacy", TypeKind::Legacy,
     "A legacy job by name: a `legacy NAME { ... }` block, a job that runs outside\n"
     "flowc today (what a workflow `replaces`)."},
    {"retry_policy", TypeKind::RetryPolicy,
     "How failed attempts are retried:\n"
     "`retry(2, backoff = exponential(30s), on = transient)`, the `retry` of a\n"
     "workflow or task."},
    {"write_mode", TypeKind::WriteMode,
     "How a SQL task writes its table, its `mode`: `replace` (the default),\n"
     "`overwrite_partition(col)`, `merge(key = [...])`, `append` or `none`."},
    {"command", TypeKind::Command,
     "A program and its arguments, run without a shell:\n"
     "`command([\"argv\", ...], env = [...])`. A task's `run`, and a `channel`."},
    {"alert", TypeKind::Alert,
     "An alert to send: `alert(route, severity = ...)`, the value of `on_failure`,\n"
     "`on_late` and `on_warning`."},
    {"stage", TypeKind::Stage,
     "How far a workflow's migration has come, its `stage`: `model` (not yet run for\n"
     "real), `mirror` (runs beside the legacy job, writing `<schema>__mirror`\n"
     "tables, and compares) or `production`."},
    {"channel", TypeKind::Channel,
     "Where a route sends alerts, an element of its `notify`: `webhook(url)`,\n"
     "`command(argv)`, `jsonl(path)` or `stderr()`."},
    {"backoff", TypeKind::Backoff,
     "The wait between retries, the `backoff` of `retry(...)`:\n"
     "`exponential(initial, max = ...)` (the default) or `fixed(delay)`."},
    {"any", TypeKind::Any,
     "Any value but a secret: in the standard library's signatures only\n"
     "(`min(col) -> metric<any>`)."},
    {"retry_on", TypeKind::RetryOn,
     "Which failures `retry(...)` retries, its `on`: `transient` (the default: lost\n"
     "connections, serialization failures, deadlocks, lock timeouts) or `any` (every\n"
     "failure, a task's own timeout included; W0403)."},
    {"workflow", TypeKind::Workflow,
     "A workflow by name, as in `workflow.task`: in the standard library's\n"
     "signatures only."},
};

// Assignability between argument-less kinds.
bool kind_assignable(TypeKind from, TypeKind to) {
  if (from == to || from == TypeKind::Error || to == TypeKind::Error) return true;
  if (from == TypeKind::Secret) return false;
  if (to == TypeKind::Any) return true;
  switch (to) {
    case TypeKind::Float: return from == TypeKind::Int;
    // A plain string may stand where a secret is allowed (a webhook url
    // without credentials); the reverse is E0203.
    case TypeKind::Secret: return from == TypeKind::String;
    case TypeKind::Sql: return from == TypeKind::String;
    // `command([...])` is both a task's `run` and an alert channel.
    case TypeKind::Channel: return from == TypeKind::Command;
    case TypeKind::Task: return from == TypeKind::Source;
    case TypeKind::Table: return from == TypeKind::Task || from == TypeKind::Source;
    default: return false;
  }
}

}  // namespace

std::span<const TypeSpec> type_specs() { return kTypes; }

std::optional<TypeKind> kind_from_name(std::string_view name) {
  for (const TypeSpec& spec : kTypes) {
    if (spec.name == name) return spec.kind;
  }
  return std::nullopt;
}

bool takes_argument(TypeKind kind) { return kind == TypeKind::List || kind == TypeKind::Metric; }

bool is_enum_kind(TypeKind kind) {
  return kind == TypeKind::Severity || kind == TypeKind::Stage || kind == TypeKind::WriteMode ||
         kind == TypeKind::RetryOn;
}

bool assignable(Type from, Type to) {
  if (is_error(from) || is_error(to)) return true;
  if (takes_argument(from.kind) || takes_argument(to.kind)) {
    if (to.kind == TypeKind::Any) return !carries_secret(from);
    if (from.kind != to.kind) return false;
    return kind_assignable(from.arg, to.arg);
  }
  return kind_assignable(from.kind, to.kind);
}

std::optional<Type> unify(Type a, Type b) {
  if (is_error(a)) return b;
  if (is_error(b)) return a;
  if (assignable(a, b)) return b;
  if (assignable(b, a)) return a;
  if (a.kind == b.kind && takes_argument(a.kind)) return Type{a.kind, TypeKind::Any};
  return std::nullopt;
}

bool comparable(Type a, Type b) {
  if (is_error(a) || is_error(b)) return true;
  if (a.kind == TypeKind::Any || b.kind == TypeKind::Any) return true;
  if (a.kind == b.kind) return !takes_argument(a.kind) || a.arg == b.arg;
  auto numeric = [](TypeKind k) { return k == TypeKind::Int || k == TypeKind::Float; };
  return numeric(a.kind) && numeric(b.kind);
}

bool is_param_value(Type t) {
  switch (t.kind) {
    case TypeKind::Error: case TypeKind::Bool: case TypeKind::Int: case TypeKind::Float: case TypeKind::Percent:
    case TypeKind::Duration: case TypeKind::Date: case TypeKind::Time: case TypeKind::Timestamp:
    case TypeKind::String: case TypeKind::Secret:
      return true;
    default:
      return false;
  }
}

bool carries_secret(Type t) {
  return t.kind == TypeKind::Secret || (takes_argument(t.kind) && t.arg == TypeKind::Secret);
}

}  // namespace flowc::check
