// The state database as the executor sees it: runs, task instances, claims
// with leases, fenced state changes and the history `change` checks read.
// Every state change an executor makes names the lease token of its claim
// (`... where lease_token = $token`), so a stale executor's writes are
// rejected and counted, never applied. Nothing here throws: pqxx exceptions
// become a Status.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/attempt/attempt.h"
#include "runtime/connect/statement_watchdog.h"
#include "runtime/events/events.h"

namespace flowc::runtime::state {

/// The outcome of one operation on the state database.
struct Status {
  bool ok = true;
  bool connection_lost = false;  // the connection broke (or never came up): reconnect, reconcile, retry
  std::string sqlstate;          // of an SQL error
  std::string error;             // one line, never a DSN
  /// The state schema is newer than this flowc or damaged (migrate.h:
  /// inspect_schema): trying again cannot help.
  bool schema_refused = false;
  explicit operator bool() const { return ok; }

  /// `error` for a message that stands alone: "the state database: " first,
  /// unless it names the state database already ("cannot reach the state
  /// database: ...").
  [[nodiscard]] std::string described() const {
    return error.find("state database") != std::string::npos ? error : "the state database: " + error;
  }
};

/// One task instance of a new run.
struct NewTask {
  std::string name;
  uint32_t index = 0;               // position in the plan's tasks
  std::vector<uint32_t> deps;       // indexes of the tasks it waits for
  uint32_t max_attempts = 1;        // 1 + retry.retries
};

struct NewRun {
  std::string workflow, ds, env;
  std::string stage = "model";      // model | mirror | production
  std::string trigger = "manual";   // schedule | manual | backfill | retry
  RunStatus status = RunStatus::Running;  // `flowc run` starts it at once; the scheduler creates pending runs
  std::string plan_hash;
  std::string plan_json = "{}";
  std::string deadline;             // timestamptz text; "" = none
  std::vector<NewTask> tasks;
};

struct CreatedRun {
  Status status;
  int64_t run_id = 0;
  /// A scheduled run of this (workflow, ds, env) exists already (runs_one_scheduled).
  bool duplicate_scheduled = false;
  int64_t existing_run_id = 0;
  std::string existing_stage;  // the stage that run was made in ("mirror")
  std::string existing_status;  // and where it stands: running, succeeded or failed
};

struct ClaimRequest {
  /// Claim only this run's instances (flowc run); nullopt = any running run (flowc worker).
  std::optional<int64_t> run_id;
  std::string owner;                // "host:pid:executor"
  std::chrono::milliseconds lease{30000};
  std::string log_dir;              // attempt logs go to <log_dir>/<run_id>/<task>.<attempt>.log
};

/// A claimed task instance: the caller holds its lease until finish().
struct Claim {
  int64_t run_id = 0;
  std::string task;
  uint32_t task_index = 0;
  uint32_t attempt = 0;             // this attempt's number (a readiness re-probe keeps the number)
  uint32_t max_attempts = 1;
  std::string token;                // the lease token: every write names it
  std::string log_path;
  TaskState previous = TaskState::Pending;  // the state it was claimed from
  /// Reclaimed from an executor whose lease expired (`attempt` is the lost
  /// attempt, already closed as `lost`): nothing has started. The claimant
  /// either starts the next attempt (StateStore::restart) or records the
  /// final failure.
  bool reclaimed = false;
  /// reclaimed: how many attempts of this instance were lost since its
  /// latest retry, this one included.
  uint32_t lost = 0;
  /// reclaimed: when the lost attempt started (its alert, if it fails for
  /// good, reports that attempt).
  std::optional<Clock::time_point> lost_started;
  /// Other instances were claimable when this one was claimed (`ready`, or
  /// past their not_before): worth waking another executor for.
  bool more = false;
};

struct ClaimOutcome {
  Status status;
  std::optional<Claim> claim;       // nullopt: nothing claimable now
};

/// The end of an attempt (or of one readiness probe).
struct Finish {
  int64_t run_id = 0;
  std::string task;
  std::string token;
  uint32_t attempt = 0;
  /// Succeeded, Failed, TimedOut (final), RetryWait or Waiting (claimable again after `not_before`).
  TaskState state = TaskState::Failed;
  std::chrono::milliseconds not_before{0};  // RetryWait / Waiting: from now
  std::string outcome = "failed";    // the attempt's outcome: succeeded | failed | not_ready | lost
  ErrorClass error_class = ErrorClass::None;
  std::string sqlstate;
  std::optional<int> exit_code;
  std::string message;
  int64_t rows_written = -1;
  std::vector<ExpectationResult> expectations;
  /// Succeeded: the tasks that depend directly on this one (from the plan);
  /// those whose every dependency has now succeeded become ready.
  std::vector<uint32_t> dependents;
  /// Failed / TimedOut: every task downstream of this one, marked upstream_failed.
  std::vector<uint32_t> downstream;
  std::string blocked_message;       // their message ("upstream load_orders failed")
  /// Succeeded: the finishing executor claims the first dependent this
  /// finish promotes, in the same statement (owner, lease and log_dir are
  /// used; run_id is the finish's own). nullopt: promote only.
  std::optional<ClaimRequest> claim_next;
  /// Succeeded: announce the success for the tasks of other workflows that
  /// wait on this one (plan::Task::announce_success; parse_announcement).
  bool announce_success = false;
};

struct FinishOutcome {
  Status status;
  bool applied = false;              // false: the lease token was stale (fenced), nothing changed
  std::vector<uint32_t> blocked;     // task indexes now upstream_failed
  std::vector<uint32_t> promoted;    // task indexes now ready (or claimed: `next`)
  /// The dependent claimed by `claim_next`; `more` set when it promoted others too.
  std::optional<Claim> next;
};

/// One task instance as recorded.
struct TaskRow {
  uint32_t index = 0;
  std::string task;
  TaskState state = TaskState::Pending;
  uint32_t attempts = 0;
  std::string token;                 // last lease token ("" = never claimed)
  std::string owner;                 // the executor of the last claim ("" = never claimed)
  /// The machine key (machine_key.h) of the process that made the last
  /// claim; "" when it could not read one, or for a claim made before the
  /// state schema recorded it (migration 6).
  std::string machine;
  /// Running under a lease that has not expired: reset_for_retry() leaves
  /// such an instance to its holder unless the holder is gone.
  bool lease_live = false;
  std::string error_class;
  std::string message;
};

struct TaskRows {
  Status status;
  std::vector<TaskRow> rows;         // by task index
};

struct Renewed {
  Status status;
  std::vector<std::string> tokens;  // the tokens still held (lease extended)
  /// Of the others, those whose task still runs under them in a run that
  /// ended (its driver stopped it): stopped with the run, not taken over.
  std::vector<std::string> run_ended;
};

/// How one attempt ended, as judging a rerun of its task needs it.
struct AttemptEnd {
  std::string task;
  uint32_t attempt = 0;
  std::string outcome;               // succeeded | failed | not_ready | lost; "" while it runs
  std::optional<int> exit_code;      // a command's exit code (128 + signal when killed)
  std::string error_class;           // transient | permanent | timeout; "" on success
  Clock::time_point started;         // attempts.started_at
  std::optional<Clock::time_point> finished;  // attempts.finished_at; none while it runs
};

struct AttemptEnds {
  Status status;
  std::vector<AttemptEnd> ends;      // by task, then attempt
};

struct PreviousValue {
  Status status;
  std::optional<std::string> value;  // as recorded: the evaluator reads it in the metric's units
};

/// A run as recorded, with the plan it ran (`flowc retry` drives it again).
struct StoredRun {
  Status status;
  bool found = false;
  std::string workflow, ds, env, stage, trigger;
  RunStatus run_status = RunStatus::Failed;
  std::string plan_json;             // runs.plan
  int retries = 0;                   // how many times `flowc retry` drove it again
  Clock::time_point started;         // runs.started_at (now, for a run not started)
  /// The start of its latest drive: its latest retry's (runs.retried_at),
  /// else `started`. Readiness and cross-workflow waits count from it.
  Clock::time_point drive_started;
  int schema_version = 0;            // the state schema's (migrate.h), as found
  /// The latest run of the same workflow, ds, env and stage (this one's id
  /// when none is newer), and its status: a retry of an older run would
  /// write its stored plan's results over it.
  int64_t latest_id = 0;
  RunStatus latest_status = RunStatus::Failed;
};

/// One task instance to run again, and the attempts it may use from now on.
struct RetryTask {
  uint32_t index = 0;
  uint32_t fresh_attempts = 1;       // 1 + retry.retries: a fresh budget
  /// Chosen while it had succeeded (`--task`): reset even so. Otherwise an
  /// instance that succeeded since it was read is kept.
  bool rerun_succeeded = false;
};

/// A run of one ds: the latest of that ds for `flowc backfill`'s skip
/// logic, or an abandoned one for the scheduler.
struct DayRun {
  std::string ds;
  int64_t run_id = 0;
  RunStatus run_status = RunStatus::Failed;
  std::string trigger;  // manual | schedule | backfill | ...
};

struct DayRuns {
  Status status;
  std::vector<DayRun> runs;  // oldest ds first
};

/// A task that succeeded in a run of a day, and the latest such run.
struct DaySuccess {
  std::string task;
  int64_t run_id = 0;
};

struct DaySuccesses {
  Status status;
  std::vector<DaySuccess> tasks;  // by task name
};

/// A task instance of a run `running` under a lease that has not expired.
struct LiveLease {
  int64_t run_id = 0;
  std::string task;
  std::string owner;    // the executor, `host:pid:n`
  std::string machine;  // its machine key
};

/// The NOTIFY channel of a state schema: every finished attempt is announced
/// on it, in the transaction that records it, with the payload
/// "<run id> <lease owner>" (the owner tells a process its own finishes);
/// a new run is announced with no owner, "<run id> ".
std::string notify_channel(const std::string& schema);

/// A payload of that channel, read back; nullopt when it is not one.
struct Announcement {
  int64_t run_id = 0;
  std::string_view owner;  // "" for a new run
  /// `succeeded <ds> <workflow>.<task> <env>` (Finish::announce_success):
  /// a task that other workflows wait on succeeded; run_id is then 0.
  struct Success {
    std::string_view ds, workflow, task, env;
  };
  std::optional<Success> succeeded;
};
std::optional<Announcement> parse_announcement(std::string_view payload);

/// Records `finish` inside a transaction the caller owns (the runner's write
/// transaction when the state database is the target), fenced on the token.
/// Returns the outcome; `applied` false when the lease was lost.
FinishOutcome record_finish_in(pqxx::transaction_base& tx, const std::string& schema, const Finish& finish);

/// One connection to the state database and the operations on it. Not
/// thread-safe: one per thread. Reconnects on the next call after a lost
/// connection.
class StateStore {
 public:
  /// How long one operation may wait for the server's answer before it is
  /// cancelled (and, unanswered 5 s later, its connection closed: a lost
  /// connection). Bookkeeping takes milliseconds; a server that has not
  /// answered in a minute is wedged, and a run's Ctrl-C waits for it.
  static constexpr std::chrono::seconds kStatementLimit{60};
  /// The same for migrate().
  static constexpr std::chrono::hours kMigrationLimit{1};

  /// Does not connect yet: the first operation (or connect()) does.
  StateStore(std::string dsn, std::string schema, std::chrono::milliseconds statement_limit = kStatementLimit);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  /// Opens the connection if it is not open; a lost one is replaced.
  Status connect();
  [[nodiscard]] const std::string& schema() const { return schema_; }

  /// migrate.h's migrate() on this connection.
  Status migrate();

  /// Inserts the run and all its task instances in one transaction: `ready`
  /// those without dependencies, `pending` the others.
  CreatedRun create_run(const NewRun& run);

  /// Claims one claimable task instance with FOR UPDATE SKIP LOCKED, records
  /// the attempt it starts, and returns it with a fresh lease token; one
  /// statement, one commit. Claimable: pending with every dependency
  /// succeeded, ready, waiting or retry_wait past not_before, or running with
  /// an expired lease (reclaimed: the lost attempt is closed and nothing
  /// starts, see Claim::reclaimed), in a run whose status is running. The
  /// lease records this process's machine_key() with the owner (as does a
  /// finish's hand-off claim).
  ClaimOutcome claim(const ClaimRequest& request);

  /// Starts the attempt after the lost one of a `reclaimed` claim, under the
  /// same lease: the next attempt number, its attempt row (owner, log path),
  /// and one more allowed attempt when `free` (the lost one does not count
  /// against the retries). Returns the claim of the started attempt;
  /// nullopt when the lease is no longer held. Safe to repeat after a lost
  /// reply: an attempt already started is returned as it is.
  ClaimOutcome restart(const Claim& reclaimed, const std::string& owner, const std::string& log_dir, bool free);

  /// Records the end of an attempt, fenced on the token; one statement, one
  /// commit, with the NOTIFY when it leaves work for others (and the claim
  /// of the next task when `finish.claim_next` asks for it). A stale token
  /// changes nothing and is counted.
  FinishOutcome finish(const Finish& finish);

  /// The instance among `among` (task indexes) that is `running` under a
  /// lease of `owner` recorded by this machine (machine_key(): another
  /// machine's executor may bear the same name), as its Claim: the task a
  /// finish handed over when the finish's reply was lost (the commit's
  /// outcome had to be read back).
  ClaimOutcome held_by(int64_t run_id, const std::string& owner, const std::vector<uint32_t>& among);

  /// Whether a live process drives run `run_id` (`flowc run`, `retry`,
  /// `backfill` or `schedule`): it holds the run lock of the run's
  /// (workflow, ds, env). A worker serves only such runs.
  Status run_driven(int64_t run_id, bool& driven);

  /// The runs of (workflow, env) with trigger `trigger` that are recorded
  /// `running` but that no live process drives (their driver crashed or was
  /// killed), oldest ds first: what a scheduler adopts.
  DayRuns abandoned_runs(const std::string& workflow, const std::string& env, const std::string& trigger);

  /// Whether alerts of (workflow, env) are still `sending`: being delivered,
  /// or left so by a flowc that ended while delivering them (which
  /// alert::AlertStore reads in full). `env` as the plan spells it.
  Status alerts_sending(const std::string& workflow, const std::string& env, bool& any);

  /// Everything downstream of task `task_index` in run `run_id`, from the
  /// instances' recorded dependencies (for a failure recorded without the
  /// run's plan at hand); `ok` false when the database could not say.
  Status downstream(int64_t run_id, uint32_t task_index, std::vector<uint32_t>& out);

  /// Any instance of any run `running` under a lease of `owner` recorded by
  /// this machine: what a claim whose reply was lost took for an executor
  /// that holds nothing else.
  ClaimOutcome held_by(const std::string& owner);

  /// Extends the leases of `tokens` by `lease`; returns those still held.
  Renewed renew(const std::vector<std::string>& tokens, std::chrono::milliseconds lease);

  /// Every task instance of a run.
  TaskRows task_rows(int64_t run_id);

  /// How every attempt of a run ended (a readiness probe's re-probes are
  /// one attempt), and when it started.
  AttemptEnds attempt_ends(int64_t run_id);

  /// The instances of the runs of (workflow, ds, env) recorded running
  /// whose lease has not expired: what a process that just took the run
  /// lock asks before it abandons or retries a run, since a lock freed by a
  /// server restart does not prove their executors gone.
  Status live_leases(const std::string& workflow, const std::string& ds, const std::string& env,
                     std::vector<LiveLease>& out);

  /// Marks failed the runs of (workflow, ds, env) still recorded as running
  /// by a `flowc run` that is gone (trigger other than schedule), except
  /// `kept_run_id` (the run a retry drives again: its instances are the
  /// retry's to judge; 0 = none): call it while holding that key's RunLock,
  /// which proves nobody runs them. Their open attempts are closed as `lost`
  /// and their `running` instances failed, leases cleared; instances that
  /// never started keep their state (`flowc status` shows them as not run).
  /// Their ids go to `abandoned`.
  Status abandon_runs(const std::string& workflow, const std::string& ds, const std::string& env,
                      int64_t kept_run_id, std::vector<int64_t>& abandoned);

  /// Makes the `waiting` instances `task_indexes` of run `run_id` claimable
  /// now (what they wait on was announced as done) and announces the run, so
  /// that an idle executor of any process claims them. `running`: how many of
  /// them an executor holds now (one may be about to record that it waits).
  Status wake_waiting(int64_t run_id, const std::vector<uint32_t>& task_indexes, int64_t& running);

  /// Sets the run's final status and finished_at.
  Status finish_run(int64_t run_id, RunStatus status);

  /// The metric's value for `check` in the latest earlier run of `task` of
  /// `workflow` in environment `env` ("" = production) that succeeded (for
  /// `change < P%`): another environment's tables are other data.
  PreviousValue previous_value(int64_t run_id, const std::string& workflow, const std::string& env,
                               const std::string& task, const std::string& check, const std::string& metric);

  /// Whether `task` of `workflow` has succeeded in some run for `ds` and
  /// `env`; when not, `failed_run` is that workflow's latest run of the day
  /// when it failed (0 otherwise: none yet, or one in progress), which the
  /// waiting task names rather than look hung.
  Status external_succeeded(const std::string& workflow, const std::string& task, const std::string& ds,
                            const std::string& env, bool& succeeded, int64_t& failed_run);

  /// The run with its stored plan; `found` false when there is no such run
  /// (also when the state schema does not exist yet); a failed status with
  /// inspect_schema()'s problem for a newer or damaged one.
  StoredRun stored_run(int64_t run_id);

  /// The run's identity as one line, for the marker of its log directory
  /// (exec/log_dir.h): its id, workflow and ds, when it was created, and the
  /// state schema and database it is recorded in, with when that schema was
  /// created. Run ids restart in every state database; this does not.
  /// `identity` is "" when there is no such run.
  Status run_identity(int64_t run_id, std::string& identity);

  /// Sets the log path of attempt `attempt` of `task` (the claim computed
  /// `<log_dir>/<run_id>/...`; the run's logs went to another directory, or
  /// to none), fenced on the attempt's lease token.
  Status set_log_path(int64_t run_id, const std::string& task, uint32_t attempt, const std::string& token,
                      const std::string& log_path);

  /// Adds `problem` (why the attempt's log is missing or incomplete) to the
  /// attempt's recorded message, after its finish; fenced on its lease token.
  Status note_log_problem(int64_t run_id, const std::string& task, uint32_t attempt, const std::string& token,
                          const std::string& problem);

  /// Puts `tasks` of the run back to `pending` for a retry, in one
  /// transaction: their attempt budgets become `attempts + fresh_attempts`
  /// (attempt numbers continue), leases and errors are cleared, an attempt
  /// whose lease expired is closed as `lost`, and the run goes back to
  /// `running` with `retries + 1`. An instance running under a live lease
  /// (a live worker's) keeps its attempt and lease, with the fresh budget:
  /// the retry waits for it; unless its holder is one of `gone_holders`
  /// (executor names the caller saw are no longer running on this machine)
  /// and the lease was recorded by this machine (machine_key()), whose
  /// attempts are closed as `lost` at once. Call it holding the run's RunLock.
  Status reset_for_retry(int64_t run_id, const std::vector<RetryTask>& tasks,
                         const std::vector<std::string>& gone_holders = {});

  /// Ends now the leases that `holders` (executors of this machine the
  /// caller saw are gone) hold on instances of run `run_id`, when recorded
  /// by this machine (machine_key()), so that an executor reclaims their
  /// attempts at once, by the reclaim rule, instead of after the lease.
  Status end_leases(int64_t run_id, const std::vector<std::string>& holders);

  /// Sets runs.late_alerted if it was not set; `won` says whether this call
  /// set it (`update ... where not late_alerted`): of two processes noticing
  /// the same late run, exactly one wins and alerts.
  Status mark_late(int64_t run_id, bool& won);

  /// The latest run (highest id) of each ds from `from` to `to` (inclusive)
  /// of (workflow, env) at `stage`: a mirror run wrote only the mirror
  /// tables, so it does not do a production run's day (nor the reverse).
  DayRuns latest_runs(const std::string& workflow, const std::string& env, const std::string& stage,
                      const std::string& from, const std::string& to);

  /// Each task that succeeded in run `run_id` or in an earlier run of its
  /// day (same workflow, ds, env and stage), with the latest run it
  /// succeeded in: what a new run, or a retry, of that day would do again.
  DaySuccesses day_successes(int64_t run_id);
  /// Run `run_id` and the earlier runs of its day (same workflow, ds, env
  /// and stage), newest first; none when they cannot be read.
  std::vector<int64_t> day_runs(int64_t run_id);

  /// Stores a mirror run's parity report (runtime/parity's to_json) in
  /// runs.parity; `report_json` must be a JSON document.
  Status record_parity(int64_t run_id, const std::string& report_json);

  /// How many fenced writes this store had rejected.
  [[nodiscard]] uint64_t stale_writes() const { return stale_writes_; }

 private:
  std::string dsn_;
  std::string schema_;
  std::unique_ptr<pqxx::connection> connection_;
  StatementWatchdog watchdog_;  // after connection_: it stops watching before the connection goes
  uint64_t stale_writes_ = 0;
  // The hot statements' texts for this schema, built on first use; sent as
  // prepared statements so the server parses them once per connection.
  std::string claim_fast_sql_, claim_full_sql_, finish_sql_;
  const pqxx::connection* generic_plans_on_ = nullptr;
  void use_generic_plans(pqxx::connection& c, pqxx::transaction_base& tx);
};

/// SQL true when a live session holds the run lock of run `r` (a row of
/// {schema}.runs aliased `r`), the schema's name being the parameter
/// `schema_param` ("$2"): false for a run whose driving process is gone.
std::string run_lock_held(const std::string& schema_param);

/// The run advisory lock: held by a dedicated session for a whole run, so a
/// second `flowc run` of the same (workflow, ds, env) refuses.
class RunLock {
 public:
  /// What keep() found.
  enum class Kept : uint8_t {
    Held,      // the session is alive: the lock is held
    Retaken,   // the session was lost (a server restart) and the lock is taken again
    Retaking,  // the session was lost and the server cannot be reached yet: try again
    Lost,      // the session was lost and another process holds the lock now
  };
  struct Acquired {
    Status status;
    std::unique_ptr<RunLock> lock;   // null when refused or on error
    std::string refusal;             // "a run of daily_kpi for 2026-11-24 is already in progress (run 12)"
    int64_t holder_run_id = 0;       // 0 = unknown
  };
  /// Takes the lock with pg_try_advisory_lock on a key derived from
  /// (schema, workflow, ds, env), on a new connection.
  static Acquired acquire(const std::string& dsn, const std::string& schema, const std::string& workflow,
                          const std::string& ds, const std::string& env);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  /// Keeps the lock while the run runs: a lock goes with its session, and a
  /// server restart or a terminated backend ends the session while this
  /// process still drives the run (a second `flowc run` would then take the
  /// lock and fail the live run). Costs no round trip while the session is
  /// alive (an idle session the server ended has input waiting: its
  /// termination notice or end of file); once lost, a new session takes
  /// the lock again, at most every 250 ms. Never throws.
  Kept keep();

 private:
  RunLock(std::unique_ptr<pqxx::connection> connection, std::string dsn, std::string key);
  std::unique_ptr<pqxx::connection> connection_;
  std::string dsn_;
  std::string key_;  // what pg_try_advisory_lock hashes
  std::chrono::steady_clock::time_point last_try_{};
};

}  // namespace flowc::runtime::state
