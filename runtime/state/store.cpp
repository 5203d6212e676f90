#include "runtime/state/store.h"

#include <fmt/format.h>

#include <poll.h>
#include <charconv>

#include <pqxx/pqxx>
#include <thread>

#include "compiler/spelling/spelling.h"
#include "runtime/state/db_guard.h"
#include "runtime/state/migrate.h"
#include "runtime/state/schema.h"
#include "runtime/state/sql_text.h"

namespace flowc::runtime::state {

namespace {

/// Runs with at least this many tasks may refresh task_runs' statistics.
constexpr size_t kAnalyzeAfterTasks = 100;

}  // namespace

namespace detail {

bool is_connection_sqlstate(const std::string& sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

}  // namespace detail

using detail::guarded;

std::optional<Announcement> parse_announcement(std::string_view payload) {
  Announcement out;
  constexpr std::string_view kSucceeded = "succeeded ";
  if (payload.starts_with(kSucceeded)) {
    // Names are identifiers and a ds is a date: no blank in any of them.
    std::string_view rest = payload.substr(kSucceeded.size());
    const size_t ds_end = rest.find(' ');
    const size_t task_end = ds_end == std::string_view::npos ? ds_end : rest.find(' ', ds_end + 1);
    if (task_end == std::string_view::npos) return std::nullopt;
    std::string_view qualified = rest.substr(ds_end + 1, task_end - ds_end - 1);
    const size_t dot = qualified.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    out.succeeded = Announcement::Success{rest.substr(0, ds_end), qualified.substr(0, dot),
                                          qualified.substr(dot + 1), rest.substr(task_end + 1)};
    return out;
  }
  auto [end, error] = std::from_chars(payload.data(), payload.data() + payload.size(), out.run_id);
  if (error != std::errc() || end == payload.data() + payload.size() || *end != ' ') return std::nullopt;
  out.owner = payload.substr(static_cast<size_t>(end - payload.data()) + 1);
  return out;
}

std::string notify_channel(const std::string& schema) {
  // A plain lower-case identifier, so LISTEN and pg_notify() agree however
  // the client quotes it.
  std::string channel = "flowc_";
  for (char c : schema) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a'), plain = true;
    channel += plain ? c : '_';
  }
  return channel.substr(0, 63);
}

StateStore::StateStore(std::string dsn, std::string schema, std::chrono::milliseconds statement_limit)
    : dsn_(std::move(dsn)), schema_(std::move(schema)), watchdog_(statement_limit) {}

StateStore::~StateStore() = default;

Status StateStore::connect() {
  return guarded(connection_, dsn_, watchdog_, [](pqxx::connection&) {});
}


Status StateStore::migrate() {
  std::string error;
  bool refused = false;
  // A migration may rewrite or index the history tables, which can take
  // longer than bookkeeping's limit on a large state database.
  StatementWatchdog patient(kMigrationLimit);
  Status status = guarded(connection_, dsn_, patient, [&](pqxx::connection& c) {
    MigrateOutcome outcome = state::migrate(c, schema_);
    if (!outcome.ok) error = outcome.error;
    refused = outcome.refused;
  });
  if (status && !error.empty()) status = {false, connection_ && !connection_->is_open(), "", error, refused};
  return status;
}

CreatedRun StateStore::create_run(const NewRun& run) {
  CreatedRun created;
  created.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(R"(insert into {schema}.runs (workflow, ds, env, stage, trigger, status, started_at, deadline, plan_hash, plan)
values ($1, $2::date, $3, $4, $5, $6, case when $6 = 'running' then now() end, nullif($7, '')::timestamptz, $8, $9::jsonb)
on conflict (workflow, ds, env) where trigger = 'schedule' do nothing
returning id)",
                    schema_),
        run.workflow, run.ds, run.env, run.stage, run.trigger, std::string(to_string(run.status)), run.deadline,
        run.plan_hash, run.plan_json);
    if (r.empty()) {
      created.duplicate_scheduled = true;
      pqxx::result existing = tx.exec_params(
          with_schema("select id, stage, status from {schema}.runs where workflow = $1 and ds = "
                      "$2::date and env = $3 and trigger = 'schedule'",
                      schema_),
          run.workflow, run.ds, run.env);
      if (!existing.empty()) {
        created.existing_run_id = existing[0][0].as<int64_t>();
        created.existing_stage = existing[0][1].as<std::string>();
        created.existing_status = existing[0][2].as<std::string>();
      }
      return;
    }
    created.run_id = r[0][0].as<int64_t>();
    // One statement for all instances: a run of any size costs one round trip.
    std::string names, indexes, deps, max_attempts;
    for (const NewTask& task : run.tasks) {
      std::string sep = names.empty() ? "" : ",";
      names += sep + sql_array_element(task.name);
      indexes += sep + std::to_string(task.index);
      deps += sep + sql_array_element(int_array(task.deps));
      max_attempts += sep + std::to_string(task.max_attempts);
    }
    // A task without dependencies is ready from the start: the claim's fast
    // form (the partial index of claimable instances) finds it.
    tx.exec_params(with_schema(R"(insert into {schema}.task_runs (run_id, task, task_index, state, max_attempts, deps)
select $1, t.name, t.idx, case when t.deps = '{}' then 'ready' else 'pending' end, t.max_attempts, t.deps::integer[]
from unnest($2::text[], $3::integer[], $4::text[], $5::integer[]) as t(name, idx, deps, max_attempts))",
                               schema_),
                   created.run_id, "{" + names + "}", "{" + indexes + "}", "{" + deps + "}", "{" + max_attempts + "}");
    // Announced like a finish (with no lease owner), so idle `flowc worker`
    // processes claim its first tasks now rather than at their next poll.
    if (run.status == RunStatus::Running)
      tx.exec_params("select pg_notify($1, $2)", notify_channel(schema_), std::to_string(created.run_id) + " ");
    // A large run can change what task_runs looks like faster than
    // autovacuum re-analyzes it (a minute), and the executors plan the claim
    // and the finish once, right after this: without statistics that know
    // the table's size those plans look instances up by run_id alone (the
    // claim's full form 80 ms instead of 0.3 ms at 1,000 tasks; every finish
    // 0.5 instead of 0.25 ms, measured again with generic plans). Statistics
    // taken when the table had half its pages or more still choose the right
    // plans, and an ANALYZE costs 15 to 30 ms: so they are refreshed only
    // when never taken or when the table has more than doubled since, which
    // happens less and less often as history grows. (Pages, not pg_stat's
    // live-row estimate: that one lags and may count a run's rows twice.)
    bool stale_statistics = false;
    if (run.tasks.size() >= kAnalyzeAfterTasks)
      stale_statistics =
          tx.exec_params(R"(select c.reltuples < 0
    or pg_relation_size(c.oid) > 2 * c.relpages::bigint * current_setting('block_size')::bigint
from pg_class c where c.oid = to_regclass($1))",
                         with_schema("{schema}.task_runs", schema_))[0][0]
              .as<bool>();
    tx.commit();
    if (stale_statistics) {
      pqxx::nontransaction analyze(c);
      analyze.exec0(with_schema("analyze {schema}.task_runs", schema_));
    }
  });
  return created;
}

TaskRows StateStore::task_rows(int64_t run_id) {
  TaskRows out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(R"(select task_index, task, state, attempts, coalesce(lease_token::text, ''),
       coalesce(error_class, ''), coalesce(message, ''), coalesce(lease_owner, ''),
       coalesce(lease_machine, ''), coalesce(state = 'running' and lease_until > now(), false)
from {schema}.task_runs where run_id = $1 order by task_index)",
                    schema_),
        run_id);
    for (const auto& row : r) {
      TaskRow task;
      task.index = row[0].as<uint32_t>();
      task.task = row[1].as<std::string>();
      task.state = parse_task_state(row[2].as<std::string>()).value_or(TaskState::Pending);
      task.attempts = row[3].as<uint32_t>();
      task.token = row[4].as<std::string>();
      task.error_class = row[5].as<std::string>();
      task.message = row[6].as<std::string>();
      task.owner = row[7].as<std::string>();
      task.machine = row[8].as<std::string>();
      task.lease_live = row[9].as<bool>();
      out.rows.push_back(std::move(task));
    }
  });
  return out;
}

Status StateStore::finish_run(int64_t run_id, RunStatus status) {
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params(with_schema(R"(update {schema}.runs set status = $2, finished_at = now(),
  started_at = coalesce(started_at, created_at) where id = $1)",
                               schema_),
                   run_id, std::string(to_string(status)));
  });
}

Status StateStore::live_leases(const std::string& workflow, const std::string& ds, const std::string& env,
                               std::vector<LiveLease>& out) {
  out.clear();
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(with_schema(R"(select t.run_id, t.task, coalesce(t.lease_owner, ''),
  coalesce(t.lease_machine, '')
from {schema}.runs r join {schema}.task_runs t on t.run_id = r.id
where r.workflow = $1 and r.ds = $2::date and r.env = $3 and r.status in ('pending', 'running')
  and t.state = 'running' and t.lease_until > now()
order by t.run_id, t.task)",
                                                schema_),
                                    workflow, ds, env);
    for (const auto& row : r)
      out.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>()});
  });
}

Status StateStore::abandon_runs(const std::string& workflow, const std::string& ds, const std::string& env,
                                int64_t kept_run_id, std::vector<int64_t>& abandoned) {
  abandoned.clear();
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // One statement, so one commit and one round trip, as before there were
    // attempts to close: the driver is gone, so the attempts it left open
    // never finish (closed as `lost`, as a retry closes them), and their
    // instances are failed with their leases taken back, so that nothing
    // stays `running` under a failed run and an executor still holding one
    // is fenced.
    pqxx::result r = tx.exec_params(with_schema(R"(with abandoned as (
  update {schema}.runs set status = 'failed', finished_at = now()
  where workflow = $1 and ds = $2::date and env = $3 and status in ('pending', 'running') and trigger <> 'schedule'
    and id <> $4
  returning id
), lost as (
  update {schema}.attempts a
  set finished_at = greatest(a.started_at, coalesce(t.lease_renewed_at, now())), outcome = 'lost',
      error_class = 'transient', message = 'the process running the attempt ended before it finished'
  from {schema}.task_runs t
  where t.run_id in (select id from abandoned) and t.state = 'running' and a.run_id = t.run_id and a.task = t.task
    and a.finished_at is null
), stopped as (
  update {schema}.task_runs
  set state = 'failed', finished_at = now(), lease_token = null, lease_owner = null, lease_machine = null,
      lease_until = null, error_class = 'transient',
      message = 'the process running the run ended before this task finished'
  where run_id in (select id from abandoned) and state = 'running'
)
select id from abandoned)",
                                                schema_),
                                    workflow, ds, env, kept_run_id);
    for (const auto& row : r) abandoned.push_back(row[0].as<int64_t>());
  });
}

Status StateStore::wake_waiting(int64_t run_id, const std::vector<uint32_t>& task_indexes, int64_t& running) {
  running = 0;
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(with_schema(R"(with woken as (
  update {schema}.task_runs set not_before = clock_timestamp()
  where run_id = $1 and task_index = any ($2::integer[]) and state = 'waiting'
  returning 1
), notified as (
  select pg_notify($3, $1::text || ' ') where exists (select 1 from woken)
)
select (select count(*) from {schema}.task_runs
        where run_id = $1 and task_index = any ($2::integer[]) and state = 'running'),
       (select count(*) from notified))",
                                                schema_),
                                    run_id, int_array(task_indexes), notify_channel(schema_));
    running = r[0][0].as<int64_t>();
  });
}

PreviousValue StateStore::previous_value(int64_t run_id, const std::string& workflow, const std::string& env,
                                         const std::string& task, const std::string& check,
                                         const std::string& metric) {
  PreviousValue out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // The latest value recorded in an earlier run in which the task
    // succeeded, found by history key (migration 9): a label without `as`
    // is the condition's source text, whose blanks may change.
    pqxx::result r = tx.exec_params(with_schema(R"(select e.value from {schema}.expectation_results e
join {schema}.runs r on r.id = e.run_id
join {schema}.task_runs t on t.run_id = e.run_id and t.task = e.task
where r.workflow = $2 and r.env = $6 and e.task = $3
  and e.expectation_key = $4 and e.metric_key = $5
  and e.run_id <> $1 and t.state = 'succeeded' and e.value is not null
order by e.recorded_at desc, e.id desc limit 1)",
                                                schema_),
                                    run_id, workflow, task, spelling::history_key(check),
                                    spelling::history_key(metric), env);
    if (!r.empty()) out.value = r[0][0].as<std::string>();
  });
  return out;
}

Status StateStore::external_succeeded(const std::string& workflow, const std::string& task,
                                      const std::string& ds, const std::string& env, bool& succeeded,
                                      int64_t& failed_run) {
  succeeded = false;
  failed_run = 0;
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(
            R"(select exists (select 1 from {schema}.task_runs t join {schema}.runs r on r.id = t.run_id
where r.workflow = $1 and t.task = $2 and r.ds = $3::date and r.env = $4 and t.state = 'succeeded'),
(select case when status = 'failed' then id else 0 end from {schema}.runs
 where workflow = $1 and ds = $3::date and env = $4 order by id desc limit 1))",
            schema_),
        workflow, task, ds, env);
    succeeded = r[0][0].as<bool>();
    failed_run = r[0][1].is_null() ? 0 : r[0][1].as<int64_t>();
  });
}

Status StateStore::record_parity(int64_t run_id, const std::string& report_json) {
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params(with_schema("update {schema}.runs set parity = $2::jsonb where id = $1", schema_), run_id,
                   report_json);
  });
}

RunLock::RunLock(std::unique_ptr<pqxx::connection> connection, std::string dsn, std::string key)
    : connection_(std::move(connection)), dsn_(std::move(dsn)), key_(std::move(key)) {}

namespace {

/// Whether an idle session has input waiting, or no socket: the server
/// ended it (a session that sent nothing is sent nothing, it LISTENs to
/// nothing), so the lock it held is gone.
bool session_ended(const pqxx::connection& connection) {
  const int fd = connection.sock();
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

}  // namespace

RunLock::Kept RunLock::keep() {
  try {
    if (connection_ && connection_->is_open() && !session_ended(*connection_)) return Kept::Held;
  } catch (const std::exception&) {}
  const auto now = std::chrono::steady_clock::now();
  if (now - last_try_ < std::chrono::milliseconds(250)) return Kept::Retaking;
  last_try_ = now;
  std::unique_ptr<pqxx::connection> connection;
  StatementWatchdog watchdog(StateStore::kStatementLimit);  // after connection: it goes first
  bool taken = false;
  Status status = guarded(connection, dsn_, watchdog, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    taken = tx.exec_params("select pg_try_advisory_lock(hashtextextended($1, 0))", key_)[0][0].as<bool>();
  });
  if (!status) return Kept::Retaking;
  if (!taken) return Kept::Lost;
  connection_ = std::move(connection);
  return Kept::Retaken;
}

RunLock::~RunLock() {
  // Closing the session would release the lock too, but only once its
  // backend has exited, a moment after the client is gone: a run started
  // right after this one ended could be refused. Unlocking first makes the
  // lock free when this returns. (Should the statement fail, the session's
  // end still releases it.)
  // A server that does not answer gets 5 s (and 5 s more for the cancel):
  // the lock then goes with the session, as it would have anyway.
  try {
    if (connection_ && connection_->is_open()) {
      StatementWatchdog watchdog(std::chrono::seconds(5));
      StatementWatchdog::Watch watch = watchdog.watch(*connection_);
      pqxx::nontransaction(*connection_).exec("select pg_advisory_unlock_all()");
    }
  } catch (const std::exception&) {
  }
}

RunLock::Acquired RunLock::acquire(const std::string& dsn, const std::string& schema, const std::string& workflow,
                                   const std::string& ds, const std::string& env) {
  Acquired out;
  std::unique_ptr<pqxx::connection> connection;
  StatementWatchdog watchdog(StateStore::kStatementLimit);  // after connection: it goes first
  bool taken = false;
  std::string key = schema + "\x1f" + workflow + "\x1f" + ds + "\x1f" + env;
  out.status = guarded(connection, dsn, watchdog, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    auto try_lock = [&] {
      return tx.exec_params("select pg_try_advisory_lock(hashtextextended($1, 0))", key)[0][0].as<bool>();
    };
    taken = try_lock();
    if (taken) return;
    // The holder records its run just after taking the lock (a retry sets
    // its run back to running): a refusal in that instant waits a moment
    // for it, to name the run. A holder whose run ended in that moment
    // lets the lock go: then it is this process's, as if it had come a
    // moment later, rather than a refusal naming a run no longer in progress.
    for (int tries = 0; tries < 40 && out.holder_run_id == 0; ++tries) {
      if (tries > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if ((taken = try_lock())) return;
      }
      pqxx::result r = tx.exec_params(
          with_schema(R"(select id from {schema}.runs where workflow = $1 and ds = $2::date and env = $3
  and status in ('pending', 'running') order by id desc limit 1)",
                      schema),
          workflow, ds, env);
      if (!r.empty()) out.holder_run_id = r[0][0].as<int64_t>();
    }
  });
  if (!out.status) return out;
  if (taken) {
    out.lock = std::unique_ptr<RunLock>(new RunLock(std::move(connection), dsn, std::move(key)));
    return out;
  }
  out.refusal = fmt::format("a run of {} for {}{} is already in progress", workflow, ds,
                            env.empty() ? "" : " in " + env);
  if (out.holder_run_id != 0) out.refusal += fmt::format(" (run {})", out.holder_run_id);
  return out;
}

}  // namespace flowc::runtime::state
