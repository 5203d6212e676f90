// The subcommands of `flowc`. Each returns the process exit code: 0 success,
// 1 the thing checked failed, 2 usage or environment error (cli.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flowc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct CheckOptions {
  std::vector<std::string> paths;
  bool strict = false;
  std::string format = "human";
  std::string db;
};
int run_check(const CheckOptions& options);

struct FmtOptions {
  std::vector<std::string> paths;
  bool check = false;
};
int run_fmt(const FmtOptions& options);

struct DocOptions {
  std::string name;
  std::string path = ".";
  bool path_given = false;  // else the current directory, a project only with flow.project at or above it
};
int run_doc(const DocOptions& options);

struct InventoryOptions {
  std::string path = ".";
  std::string format = "human";
  std::string import_kind;  // "crontab" with --import
  std::string import_file;
};
int run_inventory(const InventoryOptions& options);

/// Selecting one run of one workflow: shared by plan, graph and run.
struct PlanSelection {
  std::string path = ".";
  std::string workflow;  // may be omitted when the project has one workflow
  std::string ds;        // YYYY-MM-DD; default: logical_date (yesterday, UTC)
  std::string env;       // "" = production
  std::vector<std::string> params;  // `--param NAME=VALUE`, as given
};

struct PlanOptions {
  PlanSelection selection;
  std::string format = "human";  // human | json
};
int run_plan(const PlanOptions& options);

struct GraphOptions {
  PlanSelection selection;
  std::string format = "dot";    // dot | mermaid | svg
};
int run_graph(const GraphOptions& options);

struct RunOptions {
  PlanSelection selection;
  /// Tasks at once; unset = the workflow's `concurrency`; 0 = this process
  /// runs no task (`flowc worker` processes do).
  std::optional<uint32_t> concurrency;
  bool dry_run = false;
  std::string dsn;               // overrides every target's DSN
  std::string state_dsn;         // the state database (default: the target's)
};
int run_run(const RunOptions& options);

/// `flowc history`: the runs in the state database, newest first.
struct HistoryOptions {
  std::string path = ".";        // the project (for its state schema and target)
  std::string workflow;          // only this workflow's runs ("" = all)
  std::string since = "24h";     // a duration: runs started this long ago or later
  std::string format = "human";  // human | json
  std::string state_dsn;         // default: $FLOW_STATE_DSN, else the target's, else .flow/pg
};
int run_history(const HistoryOptions& options);

/// `flowc status RUN_ID`: one run in detail.
struct StatusOptions {
  int64_t run_id = 0;  // above 0 (the command line refuses others)
  std::string path = ".";
  std::string format = "human";  // human | json
  std::string state_dsn;
};
int run_status(const StatusOptions& options);

/// `flowc impact NAME`: what lies downstream of a task, source or table.
struct ImpactOptions {
  std::string name;  // `task`, `workflow.task`, `workflow.source`, or a table ("" with --run: its failures)
  std::string path = ".";
  int64_t run_id = 0;            // --run: mark what this run's failures made stale (0 = none)
  std::string format = "human";  // human | json
  std::string state_dsn;         // with --run
};
int run_impact(const ImpactOptions& options);

/// `flowc retry RUN_ID`: reruns what failed in a run (or one task and its
/// downstream) in the same run record, from the plan stored with the run.
struct RetryOptions {
  int64_t run_id = 0;            // above 0 (the command line refuses others)
  std::string path = ".";        // the project (state database, logs, command tasks)
  std::string task;              // "" = everything that did not succeed
  std::string dsn;               // overrides the target's DSN
  std::string state_dsn;
  bool dry_run = false;          // say what would run again and whether that is safe; run nothing
  std::string format = "human";  // of the dry run: human | json
};
int run_retry(const RetryOptions& options);

/// `flowc backfill`: one run per ds from `from` to `to`, oldest first.
struct BackfillOptions {
  PlanSelection selection;       // path, workflow, env (ds unused)
  std::string from, to;          // YYYY-MM-DD, inclusive
  uint32_t concurrency = 1;      // runs at once
  bool force = false;            // rerun days whose latest run succeeded
  std::string dsn;
  std::string state_dsn;
};
int run_backfill(const BackfillOptions& options);

/// `flowc schedule`: the long-running scheduler. For every workflow of the
/// project with a `schedule`, the run its latest fire time stands for is
/// created (trigger `schedule`) and driven like `flowc run`; at most one
/// scheduled run per (workflow, ds, env) ever, even with two schedulers.
struct ScheduleOptions {
  std::string path = ".";        // the project (compiled again at every fire)
  std::string env;               // "" = production
  std::optional<uint32_t> concurrency;  // tasks at once per run, as for `flowc run`
  bool once = false;             // create and drive what is owed now, then exit
  std::string dsn;
  std::string state_dsn;
};
int run_schedule(const ScheduleOptions& options);

/// `flowc worker`: executors that claim and run ready task instances of any
/// running run in the state database, until SIGINT or SIGTERM (then the
/// attempts in progress finish first).
struct WorkerOptions {
  std::string path = ".";        // the project: command tasks run here, logs go to its .flow/logs
  uint32_t slots = 4;            // tasks at once
  std::string dsn;               // overrides every target's DSN
  std::string state_dsn;         // default: $FLOW_STATE_DSN, else the project's target, else .flow/pg
};
int run_worker(const WorkerOptions& options);

/// `flowc cutover W [PATH]`: the cutover checklist of workflow W; exit 0
/// only when every item holds.
struct CutoverOptions {
  std::string workflow;          // required
  std::string path = ".";        // the project
  std::string format = "human";  // human | json
  std::string state_dsn;         // default: $FLOW_STATE_DSN, else the target's, else .flow/pg
  std::vector<std::string> params;  // --param NAME=VALUE: for params without a default
};
int run_cutover(const CutoverOptions& options);

/// `flowc ops`: on-time rate, failure rate, recurring failures, time to
/// recovery, retries and alerts per workflow over a window.
struct OpsOptions {
  std::string path = ".";
  std::string workflow;          // only this workflow ("" = all)
  std::string since = "30d";     // a duration
  std::string format = "human";  // human | json
  std::string state_dsn;
};
int run_ops(const OpsOptions& options);

/// `flowc db start`: starts (or reuses) the private cluster of the project at
/// `path` and prints its DSN on stdout (for psql and scripts).
int run_db_start(const std::string& path);

/// `flowc db stop`: stops the private cluster of the project at `path`.
int run_db_stop(const std::string& path);

/// `flowc lsp`: serves the Language Server Protocol on stdin/stdout until
/// `exit`; returns 0 after a clean shutdown, 1 otherwise.
int run_lsp();

}  // namespace flowc::cli
