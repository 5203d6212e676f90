// `flowc impact`: what lies downstream of a task, source or table of the
// project, and who to tell. Pure functions of the checked model (no I/O, no
// database): the run's task states for `--run` come in as plain data. The
// graph walk and table keys are compiler/lower/impact.h's, shared with the
// per-task impact of plans. Formatting is in cli/impact_format.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/model/model.h"

namespace flowc::impact {

/// What NAME named.
struct ImpactSubject {
  /// Run: the failures of the run `--run` names, when no NAME is given.
  enum class Kind { Task, Source, Table, Run } kind = Kind::Task;
  std::string name;                              // "daily_kpi.stage_orders", or the table as given
  std::string table;                             // the node's table (schema-qualified), or the table's key
  std::vector<model::TaskId> starts;             // the nodes whose downstream is the subject's
  std::vector<std::string> tables;               // table keys affected from the start
  std::vector<std::string> written_by, read_by;  // tables: the tasks writing it, the sources reading it
};

/// Resolves NAME: `workflow.task` or `workflow.source`; a task or source
/// name unique in the project; else a table (as written in `.flow`, or
/// schema-qualified; case-insensitive) that a task writes, a source reads or
/// a legacy job reads or writes. On failure returns std::nullopt and sets
/// `error` to one line (with a did-you-mean when a name is close).
std::optional<ImpactSubject> resolve_impact_subject(const model::Model& model, std::string_view name,
                                                    std::string& error);

/// A downstream task (sources are walked through, never listed).
struct ImpactTask {
  std::string name;   // workflow.task
  std::string table;  // schema-qualified, "" for a command task without `writes`
  bool published = false;
  bool stale = false;  // --run only
};

/// A table written by the subject or a downstream task.
struct ImpactTable {
  std::string name;  // schema-qualified production name; for a mirror run's stale table, its mirror name
  bool published = false;
  bool stale = false;
};

/// A legacy job that reads a downstream table (its own outputs then count as
/// downstream too, when it is enabled), or writes one (its consumers read
/// that table whoever writes it).
struct ImpactLegacy {
  std::string name, owner;
  bool enabled = true;
  std::vector<std::string> reads, writes;  // the downstream tables it reads / writes, as written
  std::vector<std::string> consumers;
  bool stale = false;
};

/// A legacy consumer and the legacy jobs it is reached through.
struct ImpactConsumer {
  std::string name;
  std::vector<std::string> via;
  bool stale = false;
};

/// Someone to tell, and why: "workflow daily_kpi", "route analytics_oncall"
/// (the workflow's failure route), "legacy kpi_cron".
struct ImpactOwner {
  std::string owner;
  std::vector<std::string> roles;
  bool stale = false;
};

/// The run `--run` names: its workflow and each task's state.
struct ImpactRun {
  int64_t id = 0;
  std::string workflow, ds, status;
  std::vector<std::pair<std::string, std::string>> task_states;  // (task, state)
  /// A mirror run writes only mirror tables: its failures make stale its own
  /// failed and blocked tasks' mirror outputs, no production table, and no
  /// legacy consumer (the legacy job still serves them).
  bool mirror = false;
  /// The run's environment, "" for production. A run in another one wrote
  /// that environment's tables (`<schema><suffix>.<table>`): as for a
  /// mirror run, only its own failed and blocked tasks' tables there are
  /// stale, and no production table, legacy job or consumer.
  std::string env;
  /// The latest later run of the same workflow, ds, env and stage, if any:
  /// the tasks it succeeded rebuilt their outputs, which are no longer stale.
  struct Later {
    int64_t id = 0;
    std::string status;
    std::vector<std::string> succeeded;  // its succeeded tasks
  };
  std::optional<Later> superseded_by;
  /// The run will not go on: it finished, or the process driving it is gone
  /// (killed). Its tasks that never ran to an end built nothing either.
  bool ended = false;
  /// A mirror run whose parity with the legacy job did not hold: what did
  /// not match, in one line; "" otherwise. Every output the run wrote is
  /// then in doubt: the workflow's tasks' mirror tables are stale, as the
  /// parity alert's impact says (nothing in production).
  std::string parity_mismatch;
  /// Who owns the run, from its stored plan (the project may have changed
  /// since): the workflow's owner, and its `on_failure` route's name and
  /// owner; "" when none.
  std::string owner, failure_route, failure_route_owner;
};

/// Everything downstream of a subject, in a stable order: tasks by workflow
/// (the subject's first, then the others in declaration order) and
/// declaration order within one; tables, consumers and owners deduplicated
/// in order of first appearance; legacy jobs in declaration order.
struct ImpactReport {
  ImpactSubject subject;
  std::vector<ImpactTask> tasks;
  std::vector<ImpactTable> tables;
  std::vector<ImpactLegacy> legacies;
  std::vector<ImpactConsumer> consumers;
  std::vector<ImpactOwner> owners;
  std::optional<ImpactRun> run;          // set with --run
  std::vector<std::string> run_failed;   // the run's failed and timed_out tasks
  std::vector<std::string> run_blocked;  // its upstream_failed tasks
  /// Of a run that ended (ImpactRun::ended), the tasks it never ran to an
  /// end (stopped by Ctrl-C, or its process killed): their outputs are as
  /// stale as a failed task's.
  std::vector<std::string> run_not_run;
  std::vector<std::string> run_rebuilt;  // of all three, those a later run has succeeded since: not stale
  /// Of the run's failed, blocked and not-run tasks, those the project does
  /// not have now (renamed, or the workflow removed, since the run): what
  /// they made stale cannot be followed. The run's own owners are then
  /// among the owners to tell, from its stored plan.
  std::vector<std::string> run_unknown;
};

/// The failures of `run` as the subject (`flowc impact --run N` without
/// NAME: "what does this run's failure affect"): the downstream starts at
/// the tasks compute_impact() takes as the run's failures (failed, timed
/// out, blocked, and those an ended run never ran to an end; not those a
/// later run has rebuilt). Named "run N".
ImpactSubject run_subject(const model::Model& model, const ImpactRun& run);

/// The downstream of `subject`; with `run`, each item is marked stale when
/// that run's failures reach it too.
ImpactReport compute_impact(const model::Model& model, const ImpactSubject& subject,
                            const std::optional<ImpactRun>& run);

}  // namespace flowc::impact
