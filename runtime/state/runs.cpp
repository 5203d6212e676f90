// Operations on whole runs beyond creating and finishing them: reading one
// back with its plan, resetting task instances for `flowc retry`, the
// once-only lateness flag, the latest run per ds for `flowc backfill`,
// whether a live process drives a run (its run lock, in pg_locks), whether
// alerts are left `sending` (what a scheduler's wake looks for), and the
// run's identity and its attempts' log paths (where its logs went), and how
// its attempts ended (what a dry run of `flowc retry` judges).
#include <pqxx/pqxx>

#include "compiler/plan/plan.h"
#include "runtime/connect/fields.h"
#include "runtime/state/db_guard.h"
#include "runtime/state/machine_key.h"
#include "runtime/state/migrate.h"
#include "runtime/state/schema.h"
#include "runtime/state/sql_text.h"
#include "runtime/state/store.h"

namespace flowc::runtime::state {

using detail::guarded;

StoredRun StateStore::stored_run(int64_t run_id) {
  StoredRun out;
  std::string refusal;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // No state schema yet means no runs: not an error. A newer or damaged
    // one is (migrate.h: inspect_schema).
    SchemaState schema_state = inspect_schema(tx, schema_);
    if (schema_state.refused()) {
      refusal = schema_state.problem;
      return;
    }
    if (schema_state.kind == SchemaState::Kind::Absent) return;
    out.schema_version = schema_state.version;
    // `retries` arrived with migration 3: read it only when it is there.
    bool has_retries = tx.exec_params(
        "select exists (select 1 from pg_attribute where attrelid = to_regclass($1) and attname = 'retries')",
        with_schema("{schema}.runs", schema_))[0][0].as<bool>();
    pqxx::result r = tx.exec_params(
        with_schema(
            std::string(R"(select workflow, ds::text, env, stage, trigger, status, plan::text, )") +
                (has_retries ? "retries" : "0") +
                ", (extract(epoch from coalesce(started_at, now())) * 1000)::bigint, latest_id, "
                "latest_status, " +
                (has_retries ? "(extract(epoch from coalesce(retried_at, started_at, now())) * 1000)::bigint"
                             : "(extract(epoch from coalesce(started_at, now())) * 1000)::bigint") +
                " from {schema}.runs cross join lateral (select l.id as latest_id, l.status as latest_status "
                "from {schema}.runs l"
                " where l.workflow = runs.workflow and l.ds = runs.ds and l.env = runs.env"
                " and l.stage = runs.stage order by l.id desc limit 1) latest where runs.id = $1",
            schema_),
        run_id);
    if (r.empty()) return;
    out.found = true;
    out.workflow = r[0][0].as<std::string>();
    out.ds = r[0][1].as<std::string>();
    out.env = r[0][2].as<std::string>();
    out.stage = r[0][3].as<std::string>();
    out.trigger = r[0][4].as<std::string>();
    out.run_status = parse_run_status(r[0][5].as<std::string>()).value_or(RunStatus::Failed);
    out.plan_json = r[0][6].as<std::string>();
    out.retries = r[0][7].as<int>();
    out.started = Clock::time_point{std::chrono::milliseconds(r[0][8].as<int64_t>())};
    out.latest_id = r[0][9].as<int64_t>();
    out.latest_status = parse_run_status(r[0][10].as<std::string>()).value_or(RunStatus::Failed);
    out.drive_started = Clock::time_point{std::chrono::milliseconds(r[0][11].as<int64_t>())};
  });
  if (out.status && !refusal.empty()) out.status = {false, false, "", refusal, /*schema_refused=*/true};
  return out;
}

// The lock's key as RunLock::acquire computes it; pg_locks shows a bigint
// advisory key as its high (classid) and low (objid) halves.
std::string run_lock_held(const std::string& schema_param) {
  return R"(exists (
  select 1 from pg_locks l
  where l.locktype = 'advisory' and l.granted and l.objsubid = 1
    and l.database = (select oid from pg_database where datname = current_database())
    and ((l.classid::bigint << 32) | l.objid::bigint) =
        hashtextextended()" +
         schema_param + R"( || chr(31) || r.workflow || chr(31) || to_char(r.ds, 'YYYY-MM-DD') || chr(31) || r.env, 0)))";
}

AttemptEnds StateStore::attempt_ends(int64_t run_id) {
  AttemptEnds out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(R"(select task, attempt, coalesce(outcome, ''), exit_code, coalesce(error_class, ''),
       (extract(epoch from started_at) * 1000)::bigint, (extract(epoch from finished_at) * 1000)::bigint
from {schema}.attempts where run_id = $1 order by task, attempt)",
                    schema_),
        run_id);
    for (const auto& row : r) {
      AttemptEnd end;
      end.task = row[0].as<std::string>();
      end.attempt = row[1].as<uint32_t>();
      end.outcome = row[2].as<std::string>();
      end.exit_code = nullable<int>(row[3]);
      end.error_class = row[4].as<std::string>();
      end.started = Clock::time_point{std::chrono::milliseconds(row[5].as<int64_t>())};
      if (!row[6].is_null())
        end.finished = Clock::time_point{std::chrono::milliseconds(row[6].as<int64_t>())};
      out.ends.push_back(std::move(end));
    }
  });
  return out;
}

Status StateStore::run_identity(int64_t run_id, std::string& identity) {
  identity.clear();
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // Times in UTC to the microsecond, whatever the session's time zone.
    pqxx::result r = tx.exec_params(
        with_schema(R"(select format(
  'run %s of %s for %s%s, created %s, in state schema %s of database %s created %s',
  r.id, r.workflow, to_char(r.ds, 'YYYY-MM-DD'),
  case when r.env = '' then '' else ' (env ' || r.env || ')' end,
  to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), $2::text, current_database(),
  (select to_char(min(v.applied_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
   from {schema}.schema_version v))
from {schema}.runs r where r.id = $1)",
                    schema_),
        run_id, schema_);
    if (!r.empty()) identity = r[0][0].as<std::string>();
  });
}

Status StateStore::set_log_path(int64_t run_id, const std::string& task, uint32_t attempt,
                                const std::string& token, const std::string& log_path) {
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params(with_schema(R"(update {schema}.attempts set log_path = $5
where run_id = $1 and task = $2 and attempt = $3 and lease_token = $4::uuid)",
                               schema_),
                   run_id, task, static_cast<int>(attempt), token, log_path);
  });
}

Status StateStore::note_log_problem(int64_t run_id, const std::string& task, uint32_t attempt,
                                    const std::string& token, const std::string& problem) {
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params(with_schema(R"(update {schema}.attempts
set message = case when coalesce(message, '') = '' then $5 else message || '; ' || $5 end
where run_id = $1 and task = $2 and attempt = $3 and lease_token = $4::uuid)",
                               schema_),
                   run_id, task, static_cast<int>(attempt), token, problem);
  });
}

Status StateStore::run_driven(int64_t run_id, bool& driven) {
  driven = false;
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema("select " + run_lock_held("$2") + " from {schema}.runs r where r.id = $1", schema_), run_id,
        schema_);
    driven = !r.empty() && r[0][0].as<bool>();
  });
}

DayRuns StateStore::abandoned_runs(const std::string& workflow, const std::string& env,
                                      const std::string& trigger) {
  DayRuns out;
  std::string refusal;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // A schema this flowc refuses (newer, or damaged) is said, not read:
    // a scheduler looking for runs to adopt ends on it (cli.md).
    SchemaState schema_state = inspect_schema(tx, schema_);
    if (schema_state.refused()) {
      refusal = schema_state.problem;
      return;
    }
    if (schema_state.kind == SchemaState::Kind::Absent) return;
    pqxx::result r = tx.exec_params(
        with_schema(R"(select r.ds::text, r.id from {schema}.runs r
where r.workflow = $1 and r.env = $2 and r.trigger = $3 and r.status = 'running' and not )" +
                        run_lock_held("$4") + "\norder by r.ds, r.id",
                    schema_),
        workflow, env, trigger, schema_);
    for (const auto& row : r)
      out.runs.push_back({row[0].as<std::string>(), row[1].as<int64_t>(), RunStatus::Running});
  });
  if (out.status && !refusal.empty()) out.status = {false, false, "", refusal, /*schema_refused=*/true};
  return out;
}

Status StateStore::alerts_sending(const std::string& workflow, const std::string& env, bool& any) {
  any = false;
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    any = tx.exec_params1(with_schema("select exists (select from {schema}.alerts where ", schema_) +
                              kSendingAlertsOf + ")",
                          workflow, plan::env_name(env))[0]
              .as<bool>();
  });
}

Status StateStore::reset_for_retry(int64_t run_id, const std::vector<RetryTask>& tasks,
                                   const std::vector<std::string>& gone_holders) {
  std::string indexes, fresh, rerun;
  for (const RetryTask& task : tasks) {
    std::string sep = indexes.empty() ? "" : ",";
    indexes += sep + std::to_string(task.index);
    fresh += sep + std::to_string(task.fresh_attempts);
    rerun += sep + (task.rerun_succeeded ? "t" : "f");
  }
  // A holder the caller saw is gone is one of this machine's processes
  // (exec::worker_gone): the same name recorded by another machine (or
  // before leases recorded one) is another process.
  const std::string gone_holder =
      "coalesce(t.lease_owner = any ($4::text[]) and t.lease_machine = nullif($5, ''), false)";
  // Which chosen instances go back to pending, judged inside the
  // transaction (the caller read them a moment ago): never one a live
  // process holds (its lease is live: the retry waits for it, as the run
  // would; unless the caller saw its holder is gone), nor one that
  // succeeded since it was read.
  const std::string chosen = R"(from {schema}.task_runs t, unnest($2::integer[], $3::boolean[]) as f(idx, rerun)
where t.run_id = $1 and t.task_index = f.idx
  and not (t.state = 'running' and t.lease_until > now() and not )" +
                             gone_holder + R"()
  and (t.state <> 'succeeded' or f.rerun))";
  const std::string gone = text_array(gone_holders);
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    // A finish in flight commits before this or waits for it: what the
    // statements below see stays true until the commit.
    tx.exec_params(with_schema("select 1 from {schema}.task_runs where run_id = $1 order by task_index for update",
                               schema_),
                   run_id);
    // An attempt whose lease expired never finishes: close it first, while
    // the task instance still names the lease it ran under.
    tx.exec_params(with_schema(R"(update {schema}.attempts a
set finished_at = greatest(a.started_at, coalesce(t.lease_renewed_at, now())), outcome = 'lost',
    error_class = 'transient',
    message = case when )" + gone_holder +
                                   R"(
                   then 'the process ' || a.worker || ' ended before the attempt finished'
                   else 'the lease of ' || a.worker || ' expired before the attempt finished' end
)" + chosen + R"(
  and a.run_id = t.run_id and a.task = t.task and a.finished_at is null)",
                               schema_),
                   run_id, "{" + indexes + "}", "{" + rerun + "}", gone, machine_key());
    tx.exec_params(with_schema(R"(update {schema}.task_runs r
set state = 'pending', lease_token = null, lease_owner = null, lease_machine = null,
    lease_until = null, not_before = null, started_at = null, finished_at = null, rows_written = null,
    error_class = null, message = null
)" + chosen + R"(
  and r.run_id = t.run_id and r.task = t.task)",
                               schema_),
                   run_id, "{" + indexes + "}", "{" + rerun + "}", gone, machine_key());
    tx.exec_params(with_schema(R"(update {schema}.task_runs t
set max_attempts = t.attempts + f.fresh
from unnest($2::integer[], $3::integer[]) as f(idx, fresh)
where t.run_id = $1 and t.task_index = f.idx)",
                               schema_),
                   run_id, "{" + indexes + "}", "{" + fresh + "}");
    tx.exec_params(with_schema(R"(update {schema}.runs
set status = 'running', finished_at = null, retries = retries + 1, retried_at = now(),
    retry_started_at = retry_started_at || now(), failed_before = failed_before + (status = 'failed')::int,
    started_at = coalesce(started_at, now())
where id = $1)",
                               schema_),
                   run_id);
    tx.commit();
  });
}

Status StateStore::end_leases(int64_t run_id, const std::vector<std::string>& holders) {
  const std::string owners = text_array(holders);
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    // Only this machine's holders: the same name recorded by another
    // machine is another process.
    tx.exec_params(with_schema(R"(update {schema}.task_runs set lease_until = now()
where run_id = $1 and state = 'running' and lease_owner = any ($2::text[]) and lease_machine = nullif($3, '')
  and lease_until > now())",
                               schema_),
                   run_id, owners, machine_key());
  });
}

Status StateStore::mark_late(int64_t run_id, bool& won) {
  won = false;
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema("update {schema}.runs set late_alerted = true where id = $1 and not late_alerted returning id",
                    schema_),
        run_id);
    won = !r.empty();
  });
}

DayRuns StateStore::latest_runs(const std::string& workflow, const std::string& env, const std::string& stage,
                                const std::string& from, const std::string& to) {
  DayRuns out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r =
        tx.exec_params(with_schema(R"(select distinct on (ds) ds::text, id, status, trigger from {schema}.runs
where workflow = $1 and env = $2 and stage = $5 and ds between $3::date and $4::date
order by ds, id desc)",
                                   schema_),
                       workflow, env, from, to, stage);
    for (const auto& row : r) {
      DayRun run;
      run.ds = row[0].as<std::string>();
      run.run_id = row[1].as<int64_t>();
      run.run_status = parse_run_status(row[2].as<std::string>()).value_or(RunStatus::Failed);
      run.trigger = row[3].as<std::string>();
      out.runs.push_back(std::move(run));
    }
  });
  return out;
}

std::vector<int64_t> StateStore::day_runs(int64_t run_id) {
  std::vector<int64_t> ids;
  guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(with_schema(R"(select r.id from {schema}.runs me
join {schema}.runs r on r.workflow = me.workflow and r.ds = me.ds and r.env = me.env and r.stage = me.stage
  and r.id <= me.id
where me.id = $1
order by r.id desc)",
                                                schema_),
                                    run_id);
    for (const auto& row : r) ids.push_back(row[0].as<int64_t>());
  });
  return ids;
}

DaySuccesses StateStore::day_successes(int64_t run_id) {
  DaySuccesses out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(with_schema(R"(select distinct on (t.task) t.task, t.run_id
from {schema}.runs me
join {schema}.runs r on r.workflow = me.workflow and r.ds = me.ds and r.env = me.env and r.stage = me.stage
  and r.id <= me.id
join {schema}.task_runs t on t.run_id = r.id and t.state = 'succeeded'
where me.id = $1
order by t.task, t.run_id desc)",
                                                schema_),
                                    run_id);
    for (const auto& row : r) out.tasks.push_back({row[0].as<std::string>(), row[1].as<int64_t>()});
  });
  return out;
}

}  // namespace flowc::runtime::state
