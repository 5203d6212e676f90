// The checked model of a project: every declaration resolved and typed. It is
// what `lower` turns into a Plan, what the LSP queries (symbols, references,
// types, docs), and what inventory/doc/impact read. Values in vectors, typed ids.
// Everything here is already validated: consumers never re-check.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::model {

template <typename Tag>
using Id = syntax::Id<Tag>;

using SymbolId = Id<struct SymbolTag>;
using WorkflowId = Id<struct WorkflowTag>;
using TaskId = Id<struct TaskTag>;      // tasks and sources share one vector: Node
using LegacyId = Id<struct LegacyTag>;
using RouteId = Id<struct RouteTag>;
using TargetId = Id<struct TargetTag>;
using TermId = Id<struct TermTag>;

/// The types of language.md §4.
enum class TypeKind : uint8_t {
  Error,  // already diagnosed; compatible with everything
  Bool, Int, Float, Percent, Duration, Date, Time, Timestamp, String, Column, Table, Sql, Cron,
  Secret, Severity, List, Metric, Expectation, Task, Source, Route, Target, Legacy, RetryPolicy,
  WriteMode, Command, Alert, Stage, Channel, Backoff, Any,
  RetryOn,   // `retry(on = transient | any)`
  Workflow,  // the value of a workflow's name (`replaces`-style references, `workflow.task`)
};

/// A type; `arg` is the element type of list<T> and metric<T>.
struct Type {
  TypeKind kind = TypeKind::Error;
  TypeKind arg = TypeKind::Error;
  friend bool operator==(const Type&, const Type&) = default;
};

/// "list<column>", "duration", ...; an open argument is left out (`metric`),
/// and the error type (already diagnosed, never meant for a message) is "unknown".
std::string type_name(Type type);

/// How tables are compared across tasks, sources and legacy jobs (E0302,
/// E0303, W0404, impact, mirror parity): lower-case "schema.name", an
/// unqualified `table` in `default_schema`.
std::string table_key(std::string_view table, std::string_view default_schema);

enum class SymbolKind : uint8_t {
  Project, Target, Environment, Route, Legacy, Workflow, Source, Task, Param, Function, Attribute, EnumValue,
};

/// A named declaration anywhere in the project or the standard library.
struct Symbol {
  SymbolKind kind = SymbolKind::Task;
  std::string name;            // as declared ("orders")
  std::string qualified_name;  // globally unique ("daily_kpi.orders"; top-level: the name)
  SourceRange name_range;      // the identifier in its declaration
  SourceRange decl_range;      // the whole declaration
  Type type;
  std::string signature;       // functions: "fn unique(cols: column...) -> expectation"
  std::string doc;             // doc comment
  bool in_stdlib = false;
  bool is_secret = false;      // its value comes from env(): never show it
  WorkflowId workflow;         // for names scoped to a workflow
  // Index into the Model vector of its kind: workflows (Workflow), nodes
  // (Source, Task), routes, targets, legacies; UINT32_MAX for the others.
  uint32_t entity = UINT32_MAX;
};

/// One use of a name in the source, resolved.
struct Reference {
  SourceRange range;  // the identifier (or the `name` inside `${name}`)
  SymbolId symbol;
};

enum class Stage : uint8_t { Model, Mirror, Production };
/// The stage as written in `.flow`: "model", "mirror", "production".
std::string_view stage_name(Stage stage);
enum class WriteModeKind : uint8_t { Replace, OverwritePartition, Merge, Append, None };
/// The mode as written in `.flow`: "replace", "overwrite_partition", ...
std::string_view mode_name(WriteModeKind kind);
enum class SeverityLevel : uint8_t { Info, Low, Medium, High, Critical };

struct WriteMode {
  WriteModeKind kind = WriteModeKind::None;
  std::string partition_column;       // overwrite_partition(col)
  std::vector<std::string> merge_key; // merge(key = [...])
  SourceRange range;
};

struct RetryPolicy {
  uint32_t attempts = 0;          // retries after the first attempt
  bool exponential = true;
  int64_t initial_seconds = 30;
  int64_t max_seconds = 600;
  bool on_any = false;            // retry(on = any)
  SourceRange range;
};

/// `alert(route, severity = ...)`.
struct AlertSpec {
  RouteId route;
  SeverityLevel severity = SeverityLevel::High;
  SourceRange range;
};

/// One piece of a SQL or command template after resolution.
struct TemplatePart {
  enum class Kind : uint8_t { Text, Table, Param, Self } kind = Kind::Text;
  std::string text;      // Text: literal SQL; Param: the param name
  TaskId node;           // Table: the task or source whose table this is
  SourceRange range;     // where it was written (in the .flow or .sql file)
};

struct SqlTemplate {
  std::vector<TemplatePart> parts;
  FileId file;           // the .sql file when written as file("..."), else the .flow file
  SourceRange range;
};

/// An expression after name resolution, type checking and `fn` expansion:
/// what lowering reads for `expect`, `ready`, `compare` and param defaults.
/// User `fn` calls are already replaced by their bodies, so a Call is always
/// an `extern fn` of the standard library (a metric such as `row_count`, or a
/// configuration function). Operands live in Model::term_operands.
struct Term {
  enum class Kind : uint8_t {
    Error,     // already diagnosed
    Bool, Int, Float, Percent, Duration, Date, Time,  // literals (see int_value / float_value)
    String,    // text
    Template,  // a string with `${}`: int_value indexes Model::templates
    Enum,      // text is the value ("high"), int_value its ordinal (severity: info = 0 .. critical = 4)
    Column,    // text is the column name
    List,      // operands are the elements
    Range,     // operands[0] .. operands[1]
    Ref,       // symbol: a task, source, param, route, target, legacy or workflow; text its name
    Self,      // `self`: the checked task's own table
    Call,      // text: the extern fn name; operands: one per parameter in declaration order,
               // defaults filled in, a variadic parameter as one List
    Compare,   // operands[0] op operands[1]
    In,        // operands[0] in operands[1] (a Range or a List)
    Change,    // operands[0] (a metric) change op operands[1] (a percent)
    And, Or, Not,
  };
  Kind kind = Kind::Error;
  syntax::CompareOp op = syntax::CompareOp::Eq;
  Type type;
  int64_t int_value = 0;   // Bool 0/1, Int, Duration seconds, Date days since 1970-01-01, Time seconds since midnight
  double float_value = 0;  // Float; Percent as written (5% -> 5.0)
  std::string text;
  SymbolId symbol;
  uint32_t first_operand = 0;
  uint32_t operand_count = 0;
  SourceRange range;       // where it was written (inside a `fn` body for expanded terms)
};

/// One `expect` statement, after stdlib functions are expanded.
struct Expectation {
  std::string name;       // the `as` label, or the source text of the condition
  bool warn = false;      // `else warn`
  SourceRange range;
  TermId term;            // the condition, resolved and expanded
};

enum class NodeKind : uint8_t { Source, Task };

/// A source or a task of a workflow.
struct Node {
  NodeKind kind = NodeKind::Task;
  SymbolId symbol;
  WorkflowId workflow;
  std::string name;
  std::string table;                  // source `table` / task `writes` ("" for command tasks without writes)
  SourceRange table_range;
  WriteMode mode;
  std::optional<SqlTemplate> sql;     // SQL tasks
  std::vector<SqlTemplate> command;   // command tasks: argv, each element a template
  std::vector<TaskId> after;          // explicit order
  std::vector<TaskId> deps;           // all dependencies: after + ${} references (deduplicated)
  std::vector<Expectation> expectations;
  std::optional<RetryPolicy> retry;   // effective (task's own or the workflow default)
  int64_t timeout_seconds = 0;        // effective; 0 = none
  bool publish = false;
  bool idempotent = false;            // effective: write mode idempotent, or declared
  std::vector<TermId> compare_terms;  // mirror parity metrics, resolved
  std::vector<std::string> compare_ignore;  // columns mirror parity's key and row diffs leave out
  std::vector<std::string> command_env; // command tasks: names of env(...) secrets passed to the process
  // Sources only.
  std::optional<syntax::ExprId> ready;
  TermId ready_term;                  // the `ready` condition, resolved and expanded (invalid: none)
  std::string ready_text;             // that condition as written, on one line (check::condition_name)
  int64_t wait_seconds = 0;
  int64_t poll_seconds = 0;
  FileId file;
  SourceRange range;
};

struct Param {
  SymbolId symbol;
  std::string name;
  Type type;
  std::optional<syntax::ExprId> default_value;
  TermId default_term;                // the default, resolved (invalid: none)
};

/// The most tasks of one run at once, and the most slots of a worker: each
/// is an executor with its own thread and database connections.
constexpr uint32_t kMaxConcurrency = 1024;
/// The most retries a `retry(...)` policy may ask for.
constexpr uint32_t kMaxRetries = 100;

struct Workflow {
  SymbolId symbol;
  std::string name;
  std::string owner;
  TargetId target;
  std::string schedule;               // cron text ("" = unscheduled)
  std::string time_zone = "UTC";
  std::optional<int64_t> deadline_seconds;  // time of day
  uint32_t concurrency = 4;
  LegacyId replaces;
  Stage stage = Stage::Model;
  uint32_t cutover_after = 3;
  std::optional<AlertSpec> on_failure, on_late, on_warning;
  std::vector<Param> params;
  std::vector<TaskId> nodes;          // sources and tasks, in declaration order
  FileId file;
  SourceRange range;
};

struct Channel {
  enum class Kind : uint8_t { Webhook, Command, Jsonl, Stderr } kind = Kind::Stderr;
  std::vector<std::string> args;      // url / argv / path; a secret is kept as "env:NAME"
  bool secret = false;
  std::vector<std::string> env;       // Command: names of env(...) secrets passed to the process
};

struct Route {
  SymbolId symbol;
  std::string name;
  std::string owner;
  std::vector<Channel> channels;
  SeverityLevel min_severity = SeverityLevel::Info;
  int64_t repeat_seconds = 0;
};

struct Environment {
  SymbolId symbol;
  std::string name;
  std::string schema_suffix;
};

struct Target {
  SymbolId symbol;
  std::string name;
  std::string dsn_env;                // the NAME of env("NAME"), never its value
  std::string dsn;                    // a DSN written as a plain string (no secret in it), else ""
  std::string schema = "public";
  std::vector<Environment> environments;
};

struct Legacy {
  SymbolId symbol;
  std::string name;
  std::string schedule;
  std::string time_zone;  // of `schedule`: "UTC" unless `tz = ...`; "" when unscheduled
  std::string command;
  std::string owner;
  std::vector<std::string> reads, writes, consumers;
  std::optional<int64_t> runtime_seconds;
  std::string symptoms, rollback;
  bool enabled = true;
  bool enabled_written = false;       // the block says `enabled = ...`: the cutover can switch it off
  /// The block says `reads = [...]` / `writes = [...]` / `consumers =
  /// [...]`, an empty list included: `writes = []` is a job that writes no
  /// table (a mail job), `consumers = []` one whose output nobody uses.
  bool reads_written = false, writes_written = false, consumers_written = false;
  WorkflowId replaced_by;             // the workflow whose `replaces` names it
  /// A production workflow that writes a table this enabled job writes too
  /// (E0303, reported at that workflow): "" when none.
  std::string written_in_production_by;
  SourceRange range;
};

struct Project {
  std::string name;
  TargetId default_target;
  std::string state_schema = "flow";
};

/// The whole checked project.
struct Model {
  Project project;
  std::vector<Symbol> symbols;
  std::vector<Reference> references;
  std::vector<Workflow> workflows;
  std::vector<Node> nodes;
  std::vector<Route> routes;
  std::vector<Target> targets;
  std::vector<Legacy> legacies;
  std::vector<Term> terms;
  std::vector<TermId> term_operands;
  std::vector<SqlTemplate> templates; // the `${}` strings that Template terms point at

  [[nodiscard]] const Symbol& symbol(SymbolId id) const { return symbols[id.index]; }
  [[nodiscard]] const Workflow& workflow(WorkflowId id) const { return workflows[id.index]; }
  [[nodiscard]] const Node& node(TaskId id) const { return nodes[id.index]; }
  [[nodiscard]] const Term& term(TermId id) const { return terms[id.index]; }
  /// The workflow declared as `name`; invalid when there is none.
  [[nodiscard]] WorkflowId workflow_named(std::string_view name) const;
  /// The operands of a term (empty for leaves).
  [[nodiscard]] std::span<const TermId> operands(TermId id) const {
    const Term& t = terms[id.index];
    return {term_operands.data() + t.first_operand, t.operand_count};
  }
};

}  // namespace flowc::model
