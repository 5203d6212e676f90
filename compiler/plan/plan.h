// The execution plan: everything the runtime reads, and nothing else. One
// Plan is one run of one workflow for one `ds` in one environment. It is
// immutable once lowered, holds no syntax-tree or model ids, and round-trips
// through JSON, so a plan printed by `flowc plan --format json` is exactly
// what runs. It never holds a secret's value: only the names of the
// environment variables that hold them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace flowc::plan {

/// `"name"`, with embedded double quotes doubled: an identifier in SQL text.
std::string quote_identifier(std::string_view name);

/// A stable 64-bit hash of `text` (FNV-1a): the same on every machine and in
/// every run (the plan hash, alert dedupe locks, shortened names).
uint64_t stable_hash(std::string_view text);

/// The longest identifier PostgreSQL keeps whole (NAMEDATALEN - 1 bytes).
inline constexpr size_t kMaxIdentifierBytes = 63;

/// `name` followed by `suffix`, within PostgreSQL's 63 bytes: a name too
/// long keeps its first bytes (whole UTF-8 characters) and a hash of the
/// whole, so two long names that share their start still differ.
std::string identifier_with_suffix(std::string_view name, std::string_view suffix);

/// A command's argv as one shell command line: each argument that needs it
/// in single quotes (`'a b'`, `'O'\''Brien'`), so it reads unambiguously and
/// can be pasted into a shell (`flowc plan`, the attempt log).
std::string shell_words(const std::vector<std::string>& argv);

/// A physical table: schema and name, unquoted ("analytics", "revenue_daily").
struct TableName {
  std::string schema;
  std::string name;
  /// `"schema"."name"`, quoted for SQL text.
  [[nodiscard]] std::string quoted() const;
  /// `schema.name`, for people (a part quoted when it is not lower-case
  /// letters, digits and `_`).
  [[nodiscard]] std::string dotted() const;
  /// `schema.name` for a command's argument, which a program may put in
  /// SQL: also a reserved word quoted (`"select"."from"`).
  [[nodiscard]] std::string argument() const;
  /// The staging table a `replace` builds, checks and swaps in:
  /// `name` + spelling::kStagingSuffix, in the same schema.
  [[nodiscard]] TableName staging() const;
  friend bool operator==(const TableName&, const TableName&) = default;
};

/// A value bound to a `$n` placeholder; `$1` is `params[0]`.
struct BoundParam {
  std::string name;      // the workflow param ("ds")
  std::string sql_type;  // the cast written in the text ("date", "bigint", "text")
  std::string value;     // its text form ("2026-11-24")
  friend bool operator==(const BoundParam&, const BoundParam&) = default;
};

/// One SQL statement, exactly as sent: `${}` already resolved to quoted table
/// names, params as `$1::type` placeholders with their values beside them.
struct Statement {
  std::string sql;
  std::vector<BoundParam> params;
  friend bool operator==(const Statement&, const Statement&) = default;
};

/// Where a statement came from, for diagnostics (`check --db`) and humans.
struct Origin {
  std::string file;   // the .flow or .sql file
  uint32_t line = 0;  // 1-based; 0 = unknown
  uint32_t column = 0;
  friend bool operator==(const Origin&, const Origin&) = default;
};

enum class ValueKind : uint8_t { Int, Float, Percent, Duration, Date, Time, Bool, Text, Any };

/// A literal operand of a condition, in the units metrics are fetched in:
/// durations in seconds, percents as written (5% = 5.0), dates as
/// "YYYY-MM-DD" text in `text` and days since 1970-01-01 in `number`.
struct Literal {
  ValueKind kind = ValueKind::Int;
  double number = 0;
  std::string text;   // as written ("5%", "2h", "emea")
  friend bool operator==(const Literal&, const Literal&) = default;
};

/// One aggregate computed by a MetricQuery; the query returns one row whose
/// column i is metric i, as text (NULL when the table is empty for min/max).
struct Metric {
  std::string label;   // "row_count()", "null_rate(discount)"
  ValueKind kind = ValueKind::Int;
  /// This metric computed on its own (`select <metric> from <table> [where
  /// <partition>]`, a subquery without the scan): when the batched select
  /// fails, the runtime runs each to tell which checks broke. Empty in
  /// plans stored before it existed.
  Statement alone;
  friend bool operator==(const Metric&, const Metric&) = default;
};

/// Every metric on one table (and partition) in one `select`: one scan.
struct MetricQuery {
  TableName table;
  std::string partition;   // "" = whole table; else the filter, e.g. `"ds" = $1::date`
  Statement statement;     // select <m0>, <m1>, ... from <table> [where <partition>]
  std::vector<Metric> metrics;
  friend bool operator==(const MetricQuery&, const MetricQuery&) = default;
};

enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

/// A boolean condition over metrics; nodes live in one vector, operands by index.
struct Condition {
  enum class Kind : uint8_t {
    Compare,  // metric op literals[0]
    InRange,  // literals[0] <= metric <= literals[1]
    InList,   // metric equals one of literals
    Change,   // |metric - previous| / previous * 100 op literals[0] (a percent); passes with no history
    And, Or, Not,  // over operands
    Const,    // literals[0].number != 0
  };
  Kind kind = Kind::Const;
  CompareOp op = CompareOp::Eq;
  uint32_t metric = 0;             // index into the MetricQuery's metrics
  std::vector<Literal> literals;
  std::vector<uint32_t> operands;  // indexes into the owning vector of conditions
  friend bool operator==(const Condition&, const Condition&) = default;
};

/// One `expect` statement.
struct Check {
  std::string name;          // the `as` label or the condition's source text
  bool warn = false;         // `else warn`
  uint32_t condition = 0;    // root, index into Task::conditions
  Origin origin;
  friend bool operator==(const Check&, const Check&) = default;
};

enum class WriteMode : uint8_t { Replace, OverwritePartition, Merge, Append, None };

struct RetryPolicy {
  uint32_t retries = 0;            // attempts after the first
  bool exponential = true;
  int64_t initial_seconds = 30;
  int64_t max_seconds = 600;
  bool on_any = false;             // retry every error, not only transient ones
  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

/// A dependency on a task of another workflow: wait for its latest
/// successful run for the same ds, at most `wait_seconds`.
struct ExternalDependency {
  std::string workflow;
  std::string task;
  int64_t wait_seconds = 3600;
  int64_t poll_seconds = 60;
  friend bool operator==(const ExternalDependency&, const ExternalDependency&) = default;
};

/// The readiness probe of a source: `metrics` evaluated every `poll_seconds`
/// until `condition` holds or `wait_seconds` have passed since the run started.
struct Readiness {
  MetricQuery metrics;
  std::vector<Condition> conditions;
  uint32_t condition = 0;          // root
  int64_t wait_seconds = 0;        // 0 = evaluate once
  int64_t poll_seconds = 60;
  std::string text;                // the `ready` expression as written
  friend bool operator==(const Readiness&, const Readiness&) = default;
};

/// A mirror-parity comparison of one output with the legacy table it replaces.
struct Parity {
  TableName mirror;                // what this run wrote
  TableName legacy;                // what the legacy job writes
  std::string partition;           // "" = whole table; else a filter with $n params
  std::vector<BoundParam> params;  // bound to the partition filter
  std::vector<std::string> metric_sql;    // aggregate expressions, as in `compare`
  std::vector<std::string> metric_labels; // "row_count()", "sum(revenue)"
  std::vector<std::string> key;    // keyed diff (merge); empty = no key
  bool compare_rows = false;       // overwrite_partition: the partition's rows, as multisets (no key)
  /// Columns left out of the key and row diffs (`compare_ignore`: a load
  /// time, a batch id), as written.
  std::vector<std::string> ignore;
  double tolerance_percent = 0;    // relative difference allowed per metric
  /// By metric_sql: where the metric is written (its `compare` element; the
  /// task for the row count compared without `compare`).
  std::vector<Origin> metric_origins;
  /// An output whose write mode does not say which rows are this run's
  /// (`append`, a command's or a `none` task's `writes`): the workflow's
  /// params, each compared as `"name" = value` when both tables have a
  /// column of its name, which then narrows the comparison to this run's
  /// rows and compares them row by row. Without one, the tables are
  /// compared whole (legacy's holds the rows of runs before the mirror).
  std::vector<BoundParam> run_columns;
  friend bool operator==(const Parity&, const Parity&) = default;
};

enum class TaskKind : uint8_t { Source, Sql, Command };

struct Task {
  std::string name;
  TaskKind kind = TaskKind::Sql;
  std::vector<uint32_t> deps;      // indexes into Plan::tasks (all earlier in the vector)
  std::vector<ExternalDependency> external;
  Origin origin;

  // Sql tasks: `select` is the task's sql (for mode None: the statements it runs).
  std::optional<TableName> output;
  WriteMode mode = WriteMode::None;
  std::string partition_column;    // OverwritePartition
  std::vector<std::string> merge_key;  // Merge
  Statement select;
  Origin sql_origin;               // where the SQL text starts (.flow or .sql file)
  bool publish = false;
  bool idempotent = false;
  /// A task of another workflow waits for this one to succeed (for the same
  /// ds and env): its success is announced, so that task starts at once
  /// rather than at its next poll (runtime.md: LISTEN/NOTIFY).
  bool announce_success = false;

  // Command tasks: argv after `${}` resolution (params as text, tables dotted),
  // and the names of the env(...) secrets passed through, never their values.
  std::vector<std::string> argv;
  std::vector<std::string> env_secrets;

  // Expectations: one batched query (after the write, inside its transaction
  // for Replace / OverwritePartition; for a source, once it is ready).
  std::optional<MetricQuery> metrics;
  std::vector<Condition> conditions;
  std::vector<Check> checks;

  std::optional<Readiness> readiness;  // sources only
  std::optional<Parity> parity;        // mirror runs only

  RetryPolicy retry;
  int64_t timeout_seconds = 0;     // 0 = none
  friend bool operator==(const Task&, const Task&) = default;
};

enum class Severity : uint8_t { Info, Low, Medium, High, Critical };
enum class Stage : uint8_t { Model, Mirror, Production };

struct Channel {
  enum class Kind : uint8_t { Webhook, Command, Jsonl, Stderr } kind = Kind::Stderr;
  // Webhook: {url} or, when the url is a secret, empty with `secret_env` set.
  // Command: argv. Jsonl: {path}. Stderr: {}.
  std::vector<std::string> args;
  std::string secret_env;          // env var holding the webhook url
  std::vector<std::string> env_secrets;  // Command: env vars passed through
  friend bool operator==(const Channel&, const Channel&) = default;
};

struct Route {
  std::string name;
  std::string owner;
  Severity min_severity = Severity::Info;
  int64_t repeat_seconds = 0;
  std::vector<Channel> channels;
  friend bool operator==(const Route&, const Route&) = default;
};

/// `alert(route, severity = ...)`; `route` indexes Plan::routes.
struct AlertSpec {
  uint32_t route = 0;
  Severity severity = Severity::High;
  friend bool operator==(const AlertSpec&, const AlertSpec&) = default;
};

/// What a failure of one task makes stale: the answer to "which dashboards
/// are affected", carried in every alert. Computed from the plan's
/// ImpactGraph by impact_of().
struct Impact {
  std::vector<std::string> tasks;
  std::vector<std::string> tables;          // dotted physical names
  std::vector<std::string> published;       // dotted names of publish = true outputs
  std::vector<std::string> legacy_consumers;
  friend bool operator==(const Impact&, const Impact&) = default;
};

/// A task that a failure can make stale: one of this plan's, or a task of
/// another workflow downstream of them.
struct ImpactNode {
  std::string name;        // the task's name; "workflow.task" for another workflow's
  std::string table;       // dotted physical output; "" for none (sources, commands without `writes`)
  bool published = false;  // `publish = true` (only with a table)
  /// The legacy jobs reading or writing this node's production table, or a
  /// table that an enabled legacy job reading it writes (and so on):
  /// indexes into ImpactGraph::legacy_job_consumers, ascending.
  std::vector<uint32_t> legacy;
  /// The nodes this one makes stale directly, ascending: those depending on
  /// it, and the dependents of every source reading its production table or
  /// a table a legacy job makes of it (lower::downstream_of's rule, which
  /// `flowc impact` follows too).
  std::vector<uint32_t> dependents;
  friend bool operator==(const ImpactNode&, const ImpactNode&) = default;
};

/// Everything downstream of every task, in O(tasks + edges) rather than one
/// list per task (a chain's lists are quadratic). impact_of() reads one
/// task's Impact from it.
struct ImpactGraph {
  /// nodes[i] is tasks[i] for i < tasks.size(); then the tasks of other
  /// workflows reachable from this plan's, in declaration order. So nodes in
  /// ascending order are this workflow's in run order, then the others'.
  std::vector<ImpactNode> nodes;
  /// The consumers of each legacy job some node reaches, one list a job, in
  /// declaration order.
  std::vector<std::vector<std::string>> legacy_job_consumers;
  friend bool operator==(const ImpactGraph&, const ImpactGraph&) = default;
};

struct LegacyJob {
  std::string name;
  std::string owner;
  std::vector<std::string> writes;
  std::vector<std::string> consumers;
  std::string rollback;
  bool enabled = true;
  friend bool operator==(const LegacyJob&, const LegacyJob&) = default;
};

struct Plan {
  std::string project;
  std::string workflow;
  std::string owner;
  std::string ds;                  // YYYY-MM-DD
  std::string env;                 // "" = production
  Stage stage = Stage::Model;
  std::string state_schema = "flow";
  std::string target;              // the target's name
  std::string target_dsn_env;      // env var holding the target DSN ("" = none)
  std::string target_dsn;          // a DSN written in plain text ("" = none)
  uint32_t concurrency = 4;
  std::optional<int64_t> deadline_seconds;   // time of day, in `time_zone`
  std::string time_zone = "UTC";
  std::string schedule;            // cron text
  std::vector<BoundParam> params;  // every workflow param with its value
  std::vector<Task> tasks;         // topological order: deps come first
  ImpactGraph impact_graph;        // no nodes: none (a plan stored before the graph)
  std::vector<Route> routes;
  std::optional<AlertSpec> on_failure, on_late, on_warning;
  std::optional<LegacyJob> replaces;
  uint32_t cutover_after = 3;
  std::string hash;                // of the JSON form without this field
  friend bool operator==(const Plan&, const Plan&) = default;
};

/// Whether an attempt of `task` reads or writes the target database: a
/// source or SQL task, and a command with expectations (they run on its
/// `writes` after it); a command without any connects to nothing.
bool uses_target(const Task& task);

/// The names of the environment variables whose values are secrets of a
/// run of `plan`: the target DSN's, each command's `env` secrets and each
/// alert channel's (a webhook URL, a notify command's `env`), once each.
/// Every message of the run is masked with their values.
std::vector<std::string> secret_env_names(const Plan& plan);

/// direct_dependents(plan)[i]: the tasks that depend on tasks[i] directly,
/// ascending (indexes into plan.tasks).
std::vector<std::vector<uint32_t>> direct_dependents(const Plan& plan);

/// Every task that depends on tasks[task], directly or not, ascending (one
/// forward pass: tasks are in topological order).
std::vector<uint32_t> downstream_of(const Plan& plan, uint32_t task);

/// What a failure of tasks[task] makes stale, from plan.impact_graph: the
/// tasks reachable from it (this workflow's in run order, then other
/// workflows' in declaration order); its own output and theirs, each once;
/// the published ones among them; the consumers of the legacy jobs those
/// nodes reach (ImpactNode::legacy), in declaration order, each once. Empty when the plan
/// has no node for `task`. O(nodes + edges); never throws.
Impact impact_of(const Plan& plan, uint32_t task);

/// The two tables a Parity compares.
enum class ParitySide : uint8_t { Mirror, Legacy };

/// The query of `metric_sql` (some of parity.metric_sql) on one side:
/// `select m0, m1, ... from <table>[ where <partition>]`. On the legacy side
/// a metric that names the mirror table itself (partition_exists,
/// sql(...)) names the legacy table.
std::string parity_query(const Parity& parity, std::span<const std::string> metric_sql, ParitySide side);

/// A statement's text without trailing blanks and semicolons, so that it can
/// be nested in a larger statement (a task's select in the write's insert).
std::string strip_statement(std::string_view sql);

/// The statement that returns the columns of `select` and no row: what the
/// write modes insert by name, and what parity asks of a task's select.
std::string select_columns_sql(std::string_view select);

std::string_view to_string(WriteMode mode);
std::string_view to_string(Severity severity);
std::string_view to_string(Stage stage);
/// An environment as people, the reports and FLOW_ENV name it: the default
/// one (a plan's env "", no table suffix) is `production`.
std::string env_name(std::string_view env);
std::string_view to_string(TaskKind kind);

}  // namespace flowc::plan
