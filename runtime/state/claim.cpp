// The executor's hot path: claim, finish, renew. Each is one statement in
// autocommit (one round trip, one commit). A task costs two commits of
// bookkeeping when it has to be claimed (claim+start, then finish) and one
// when its upstream's finish handed it over (the finish promotes or blocks
// the dependents, claims the first one for its executor, and announces what
// it leaves to others).
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "compiler/spelling/spelling.h"
#include "runtime/state/db_guard.h"
#include "runtime/state/machine_key.h"
#include "runtime/state/schema.h"
#include "runtime/state/sql_text.h"
#include "runtime/state/store.h"

namespace flowc::runtime::state {
namespace {

using detail::guarded;

// A claim takes the first claimable instance (see StateStore::claim) and
// records the attempt it starts. A readiness re-probe (claimed from
// `waiting`) keeps its attempt number and overwrites that attempt's row,
// all but its start: probes are not attempts, and the attempt (the wait)
// began at the first probe. An expired lease is reclaimed: the lost attempt
// is closed as `lost` and nothing new starts; the claimant, who has the
// task's plan, decides whether it runs again (restart) or fails. The lease
// records the claimant's machine key ($5, state/machine_key.h): only a
// process of that machine can tell whether the owner `host:pid:n` is gone.
constexpr const char* kClaimSql = R"(with candidate as (
  select c.run_id, c.task, c.state as old_state, c.attempts as old_attempts, c.lease_renewed_at as old_renewed
  from {schema}.task_runs c
  join {schema}.runs r on r.id = c.run_id and r.status = 'running'
  where (nullif($1, '')::bigint is null or c.run_id = nullif($1, '')::bigint)
    and {claimable})
  order by c.run_id, c.task_index
  limit 1
  for update of c skip locked
), claimed as (
  update {schema}.task_runs t
  set state = 'running',
      attempts = t.attempts + case when k.old_state = 'waiting' and t.attempts > 0 then 0
                                   when k.old_state = 'running' then 0
                                   else 1 end,
      lease_token = gen_random_uuid(), lease_owner = $2, lease_machine = nullif($5, ''),
      lease_until = now() + $3::bigint * interval '1 millisecond', lease_renewed_at = now(),
      not_before = null, started_at = coalesce(t.started_at, now())
  from candidate k
  where t.run_id = k.run_id and t.task = k.task
  returning t.run_id, t.task, t.task_index, t.attempts, t.max_attempts, t.lease_token, k.old_state, k.old_attempts,
            k.old_renewed
), lost as (
  update {schema}.attempts a
  set finished_at = greatest(a.started_at, coalesce(c.old_renewed, now())), outcome = 'lost', error_class = 'transient',
      message = 'the lease of ' || a.worker || ' expired before the attempt finished'
  from claimed c
  where c.old_state = 'running' and a.run_id = c.run_id and a.task = c.task
    and a.attempt = c.old_attempts and a.finished_at is null
  returning a.started_at
), started as (
  insert into {schema}.attempts as prior (run_id, task, attempt, worker, lease_token, log_path)
  select c.run_id, c.task, c.attempts, $2, c.lease_token,
         case when $4 = '' then '' else $4 || '/' || c.run_id || '/' || c.task || '.' || c.attempts || '.log' end
  from claimed c
  where c.attempts <> c.old_attempts or c.old_state = 'waiting'
  on conflict (run_id, task, attempt) do update
  set worker = excluded.worker, lease_token = excluded.lease_token,
      started_at = case when prior.outcome = 'not_ready' then prior.started_at else now() end, finished_at = null,
      outcome = null, sqlstate = null, exit_code = null, error_class = null, message = null,
      rows_written = null, log_path = excluded.log_path
  returning 1
)
select c.run_id, c.task, c.task_index, c.attempts, c.max_attempts, c.lease_token::text, c.old_state,
       case when $4 = '' then '' else $4 || '/' || c.run_id || '/' || c.task || '.' || c.attempts || '.log' end,
       c.old_state = 'running',
       (select count(*) from lost) + (select count(*) from started),
       exists (select 1 from {schema}.task_runs o
               where (nullif($1, '')::bigint is null or o.run_id = c.run_id)
                 and not (o.run_id = c.run_id and o.task = c.task)
                 and o.state in ('ready', 'waiting', 'retry_wait')
                 and (o.state = 'ready' or o.not_before <= now())),
       -- A claim need not survive a crash (a lost claim is claimable again,
       -- and the attempt's own durable commit flushes the WAL before it), so
       -- it does not wait for its WAL flush: the hand-off to a dependent
       -- costs a round trip, not a disk sync.
       set_config('synchronous_commit', 'off', true),
       -- Reclaimed: the attempts lost since the latest retry, this one
       -- included (the statement's snapshot does not see `lost` yet).
       case when c.old_state = 'running' then (select count(*) from lost) + (
         select count(*) from {schema}.attempts a join {schema}.runs r on r.id = a.run_id
         where a.run_id = c.run_id and a.task = c.task and a.outcome = 'lost'
           and a.started_at >= coalesce(r.retried_at, '-infinity')) else 0 end,
       (select (extract(epoch from min(started_at)) * 1000)::bigint from lost)
from claimed c)";

// restart(): the attempt after a lost one, under the reclaimed lease (its
// owner and machine stay as the claim recorded them: the claimant's). The
// second branch answers a repeat whose first try committed (its reply lost).
constexpr const char* kRestartSql = R"(with up as (
  update {schema}.task_runs t
  set attempts = t.attempts + 1, max_attempts = t.max_attempts + $5::integer
  where t.run_id = $1 and t.task = $2 and t.lease_token = $3::uuid and t.state = 'running'
    and t.attempts = $4::integer
  returning t.run_id, t.task, t.attempts, t.max_attempts, t.lease_token
), started as (
  insert into {schema}.attempts as prior (run_id, task, attempt, worker, lease_token, log_path)
  select u.run_id, u.task, u.attempts, $6, u.lease_token, $7 from up u
  on conflict (run_id, task, attempt) do update
  set worker = excluded.worker, lease_token = excluded.lease_token,
      started_at = case when prior.outcome = 'not_ready' then prior.started_at else now() end, finished_at = null,
      outcome = null, sqlstate = null, exit_code = null, error_class = null, message = null,
      rows_written = null, log_path = excluded.log_path
  returning 1
)
select attempts, max_attempts, (select count(*) from started) from up
union all
select t.attempts, t.max_attempts, 0 from {schema}.task_runs t
where not exists (select 1 from up) and t.run_id = $1 and t.task = $2 and t.lease_token = $3::uuid
  and t.state = 'running' and t.attempts = $4::integer + 1)";

// What a claim may take. The fast form reads only the partial indexes of
// claimable and running instances: a finish promotes the dependents whose
// every dependency has succeeded to `ready`, so in the common case that is
// all there is. The full form also takes a `pending` instance whose
// dependencies have all succeeded: two upstreams finishing at the same time
// each see the other unfinished and neither promotes; it costs a scan of the
// run's pending instances, so it runs only when the fast form finds nothing.
constexpr const char* kClaimableFast =
    R"(((c.state in ('ready', 'waiting', 'retry_wait') and (c.not_before is null or c.not_before <= now()))
      or (c.state = 'running' and c.lease_until < now()))";
constexpr const char* kClaimableFull =
    R"(((c.state in ('ready', 'waiting', 'retry_wait') and (c.not_before is null or c.not_before <= now()))
      or (c.state = 'pending' and not exists (
            select 1 from {schema}.task_runs d
            where d.run_id = c.run_id and d.task_index = any (c.deps) and d.state <> 'succeeded'))
      or (c.state = 'running' and c.lease_until < now()))";

std::string claim_sql(bool full, const std::string& schema) {
  std::string sql = kClaimSql;
  sql.replace(sql.find("{claimable}"), 11, full ? kClaimableFull : kClaimableFast);
  return with_schema(sql, schema);
}

// Fenced on the token and on the state (a reclaimed instance is `running`
// under another token). Blocks the downstream of a final failure, promotes
// dependents whose every dependency has now succeeded (the claim statement
// covers the race of two upstreams finishing at once), and announces the
// change on the schema's channel when it commits. The dependents come from
// the plan ($20), so they are found by index: searching the run's `deps`
// arrays for the finished task would read every instance of the run on
// every finish.
//
// The hand-off ($17 = the finishing executor, '' = none): the executor takes
// the first dependent this finish promotes in the same statement, exactly as
// a claim would (state `running`, a fresh lease token and this process's
// machine key ($21), its attempt row). A
// chain then costs one statement and one commit per task, and no NOTIFY:
// the statement announces only what it leaves for others to claim, or a
// task that promoted nothing (so the scheduler sees the run's end). A
// success that another workflow's task waits on ($22) is announced as well,
// whatever it promoted (`succeeded <ds> <workflow>.<task> <env>`).
//
// Its times are the clock's when it runs, read once (`clock`), not now():
// when the state database is the target, it runs in the attempt's write
// transaction, whose now() is when the attempt began. The attempt would end
// when it started, the next task would start then, and its lease would be
// shortened by the whole write.
constexpr const char* kFinishSql = R"(with clock as (
  select clock_timestamp() as at
), fin as (
  update {schema}.task_runs t
  set state = $4,
      lease_until = null,
      not_before = case when $5 = '' then null else (select at from clock) + $5::bigint * interval '1 millisecond' end,
      finished_at = case when $4 in ('succeeded', 'failed', 'timed_out') then (select at from clock) end,
      rows_written = coalesce(nullif($11, '')::bigint, t.rows_written),
      error_class = nullif($9, ''),
      message = nullif($10, '')
  where t.run_id = $1 and t.task = $2 and t.lease_token = $3::uuid and t.state = 'running'
  returning t.run_id, t.task, t.task_index, t.lease_owner
), att as (
  update {schema}.attempts a
  set finished_at = (select at from clock), outcome = $6, sqlstate = nullif($7, ''), exit_code = nullif($8, '')::integer,
      error_class = nullif($9, ''), message = nullif($10, ''), rows_written = nullif($11, '')::bigint
  from fin
  where a.run_id = fin.run_id and a.task = fin.task and a.attempt = $16::integer
  returning 1
), expectations as (
  insert into {schema}.expectation_results
    (run_id, task, attempt, expectation, expectation_key, severity, metric, metric_key, value, passed)
  select fin.run_id, fin.task, $16::integer, e.expectation, e.expectation_key, e.severity, e.metric, e.metric_key,
         e.value, e.passed
  from fin cross join jsonb_to_recordset($12::jsonb)
    as e(expectation text, expectation_key text, severity text, metric text, metric_key text, value text,
         passed boolean)
  returning 1
), blocked as (
  update {schema}.task_runs b
  set state = 'upstream_failed', finished_at = (select at from clock), message = $14
  from fin
  where $4 in ('failed', 'timed_out') and b.run_id = fin.run_id and b.task_index = any ($13::integer[])
    and b.state in ('pending', 'ready', 'waiting', 'retry_wait')
  returning b.task_index
), promotable as (
  select p.run_id, p.task, p.task_index
  from {schema}.task_runs p, fin
  where $4 = 'succeeded' and p.run_id = fin.run_id and p.task_index = any ($20::integer[])
    and p.state = 'pending' and fin.task_index = any (p.deps)
    and not exists (select 1 from {schema}.task_runs d
                    where d.run_id = p.run_id and d.task_index = any (p.deps)
                      and d.task_index <> fin.task_index and d.state <> 'succeeded')
), handed as (
  select min(task_index) as task_index from promotable
  where $17 <> '' and exists (select 1 from {schema}.runs r where r.id = $1 and r.status = 'running')
), promoted as (
  update {schema}.task_runs p
  set state = case when p.task_index = h.task_index then 'running' else 'ready' end,
      attempts = p.attempts + case when p.task_index = h.task_index then 1 else 0 end,
      lease_token = case when p.task_index = h.task_index then gen_random_uuid() else p.lease_token end,
      lease_owner = case when p.task_index = h.task_index then $17 else p.lease_owner end,
      lease_machine = case when p.task_index = h.task_index then nullif($21, '') else p.lease_machine end,
      lease_until = case when p.task_index = h.task_index
                         then (select at from clock) + $18::bigint * interval '1 millisecond' else p.lease_until end,
      lease_renewed_at = case when p.task_index = h.task_index then (select at from clock) else p.lease_renewed_at end,
      started_at = case when p.task_index = h.task_index then coalesce(p.started_at, (select at from clock)) else p.started_at end
  from promotable k cross join handed h
  where p.run_id = k.run_id and p.task = k.task and p.state = 'pending'
  returning p.run_id, p.task, p.task_index, p.state, p.attempts, p.max_attempts, p.lease_token,
            case when $19 = '' then '' else $19 || '/' || p.run_id || '/' || p.task || '.' || p.attempts || '.log' end
              as log_path
), next as (
  select * from promoted where state = 'running'
), next_attempt as (
  insert into {schema}.attempts as prior (run_id, task, attempt, worker, lease_token, log_path, started_at)
  select n.run_id, n.task, n.attempts, $17, n.lease_token, n.log_path, (select at from clock) from next n
  on conflict (run_id, task, attempt) do update
  set worker = excluded.worker, lease_token = excluded.lease_token,
      started_at = case when prior.outcome = 'not_ready' then prior.started_at else (select at from clock) end,
      finished_at = null,
      outcome = null, sqlstate = null, exit_code = null, error_class = null, message = null,
      rows_written = null, log_path = excluded.log_path
  returning 1
), notified as (
  select pg_notify($15, fin.run_id::text || ' ' || coalesce(fin.lease_owner, '')) from fin
  where (select count(*) from promoted) > (select count(*) from next)
     or (select count(*) from promoted) = 0
), announced as (
  select pg_notify($15, 'succeeded ' || to_char(r.ds, 'YYYY-MM-DD') || ' ' || r.workflow || '.' || fin.task || ' ' ||
                       r.env)
  from fin join {schema}.runs r on r.id = fin.run_id
  where $4 = 'succeeded' and $22::boolean
)
select (select count(*) from fin), (select count(*) from notified) + (select count(*) from announced),
       array(select task_index from blocked order by 1)::text,
       array(select task_index from promoted order by 1)::text,
       (select count(*) from att) + (select count(*) from expectations) + (select count(*) from next_attempt),
       n.task, n.task_index, n.attempts, n.max_attempts, n.lease_token::text, n.log_path
from (select 1) one left join next n on true)";

std::string expectations_json(const std::vector<ExpectationResult>& results) {
  nlohmann::json array = nlohmann::json::array();
  for (const ExpectationResult& result : results) {
    const std::vector<MetricReading> none = {{}};
    for (const MetricReading& reading : result.readings.empty() ? none : result.readings)
      array.push_back({{"expectation", result.check},
                       {"expectation_key", spelling::history_key(result.check)},
                       {"severity", result.warn ? "warn" : "error"},
                       {"metric", reading.metric},
                       {"metric_key", spelling::history_key(reading.metric)},
                       {"value", reading.value ? nlohmann::json(*reading.value) : nlohmann::json(nullptr)},
                       {"passed", result.passed}});
  }
  return array.dump();
}

bool is_retryable_sqlstate(const std::string& sqlstate) { return sqlstate == "40P01" || sqlstate == "40001"; }

// The parameters of kFinishSql, in order.
pqxx::result exec_finish(pqxx::transaction_base& tx, const std::string& sql, const std::string& prepared,
                         const std::string& schema, const Finish& finish) {
  const bool waits = finish.state == TaskState::RetryWait || finish.state == TaskState::Waiting;
  const ClaimRequest* next = finish.claim_next ? &*finish.claim_next : nullptr;
  auto run = [&](auto&&... args) {
    return prepared.empty() ? tx.exec_params(sql, args...) : tx.exec_prepared(prepared, args...);
  };
  return run(finish.run_id, finish.task, finish.token, std::string(to_string(finish.state)),
             waits ? std::to_string(finish.not_before.count()) : std::string(), finish.outcome,
             finish.sqlstate, finish.exit_code ? std::to_string(*finish.exit_code) : std::string(),
             std::string(to_string(finish.error_class)), finish.message,
             finish.rows_written >= 0 ? std::to_string(finish.rows_written) : std::string(),
             expectations_json(finish.expectations), int_array(finish.downstream), finish.blocked_message,
             notify_channel(schema), finish.attempt, next ? next->owner : std::string(),
             static_cast<int64_t>(next ? next->lease.count() : 0), next ? next->log_dir : std::string(),
             int_array(finish.dependents), machine_key(), finish.announce_success);
}

/// A task claimed without a claim statement (handed over by a finish, or
/// found by held_by) from six columns starting at `at`: task, task_index,
/// attempts, max_attempts, lease_token, log_path.
Claim taken_over(const pqxx::row& row, int at, int64_t run_id) {
  Claim claim;
  claim.run_id = run_id;
  claim.task = row[at].as<std::string>();
  claim.task_index = row[at + 1].as<uint32_t>();
  claim.attempt = row[at + 2].as<uint32_t>();
  claim.max_attempts = row[at + 3].as<uint32_t>();
  claim.token = row[at + 4].as<std::string>();
  claim.log_path = row[at + 5].as<std::string>();
  claim.previous = TaskState::Pending;
  return claim;
}

FinishOutcome finish_outcome(const pqxx::result& r, int64_t run_id) {
  FinishOutcome out;
  out.applied = r[0][0].as<int64_t>() > 0;
  out.blocked = parse_int_array(r[0][2].as<std::string>());
  out.promoted = parse_int_array(r[0][3].as<std::string>());
  if (!r[0][5].is_null()) {
    out.next = taken_over(r[0], 5, run_id);
    out.next->more = out.promoted.size() > 1;
  }
  return out;
}

}  // namespace

FinishOutcome record_finish_in(pqxx::transaction_base& tx, const std::string& schema, const Finish& finish) {
  return finish_outcome(exec_finish(tx, with_schema(kFinishSql, schema), "", schema, finish), finish.run_id);
}

void StateStore::use_generic_plans(pqxx::connection& c, pqxx::transaction_base& tx) {
  if (&c == generic_plans_on_) return;
  // The hot statements look rows up by key and by index whatever their
  // parameters, so a generic plan is as good as a custom one; PostgreSQL's
  // default re-plans them on every call (planning was half of the server's
  // time for a run of 1,000 tasks). Should a new connection reuse a dropped
  // one's address, this is skipped for it: slower, never wrong.
  tx.exec("set plan_cache_mode = force_generic_plan");
  generic_plans_on_ = &c;
}

ClaimOutcome StateStore::claim(const ClaimRequest& request) {
  if (claim_fast_sql_.empty()) {
    claim_fast_sql_ = claim_sql(false, schema_);
    claim_full_sql_ = claim_sql(true, schema_);
  }
  ClaimOutcome out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    // Registered once per connection (libpqxx prepares on first use and
    // after a reconnect); a repeated prepare() of the same text is a lookup.
    c.prepare("flowc_claim_fast", claim_fast_sql_);
    c.prepare("flowc_claim_full", claim_full_sql_);
    pqxx::nontransaction tx(c);
    use_generic_plans(c, tx);
    pqxx::result r;
    for (const char* name : {"flowc_claim_fast", "flowc_claim_full"}) {
      r = tx.exec_prepared(name, request.run_id ? std::to_string(*request.run_id) : std::string(), request.owner,
                           static_cast<int64_t>(request.lease.count()), request.log_dir, machine_key());
      if (!r.empty()) break;
    }
    if (r.empty()) return;
    Claim claim;
    claim.run_id = r[0][0].as<int64_t>();
    claim.task = r[0][1].as<std::string>();
    claim.task_index = r[0][2].as<uint32_t>();
    claim.attempt = r[0][3].as<uint32_t>();
    claim.max_attempts = r[0][4].as<uint32_t>();
    claim.token = r[0][5].as<std::string>();
    claim.previous = parse_task_state(r[0][6].as<std::string>()).value_or(TaskState::Pending);
    claim.log_path = r[0][7].as<std::string>();
    claim.reclaimed = r[0][8].as<bool>();
    claim.more = r[0][10].as<bool>();
    claim.lost = r[0][12].as<uint32_t>();
    if (!r[0][13].is_null())
      claim.lost_started = Clock::time_point{std::chrono::milliseconds(r[0][13].as<int64_t>())};
    out.claim = std::move(claim);
  });
  return out;
}

FinishOutcome StateStore::finish(const Finish& finish) {
  if (finish_sql_.empty()) finish_sql_ = with_schema(kFinishSql, schema_);
  FinishOutcome out;
  // A deadlock between two finishes blocking overlapping dependents is
  // resolved by PostgreSQL aborting one statement: it is atomic, so retry it.
  for (int tries = 0; tries < 5; ++tries) {
    out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
      c.prepare("flowc_finish", finish_sql_);
      pqxx::nontransaction tx(c);
      use_generic_plans(c, tx);
      FinishOutcome recorded =
          finish_outcome(exec_finish(tx, finish_sql_, "flowc_finish", schema_, finish), finish.run_id);
      out.applied = recorded.applied;
      out.blocked = std::move(recorded.blocked);
      out.promoted = std::move(recorded.promoted);
      out.next = std::move(recorded.next);
    });
    if (out.status || !is_retryable_sqlstate(out.status.sqlstate)) break;
  }
  if (out.status && !out.applied) ++stale_writes_;
  return out;
}

ClaimOutcome StateStore::restart(const Claim& reclaimed, const std::string& owner, const std::string& log_dir,
                                 bool free) {
  ClaimOutcome out;
  const uint32_t next = reclaimed.attempt + 1;
  const std::string log_path =
      log_dir.empty() ? std::string() : fmt::format("{}/{}/{}.{}.log", log_dir, reclaimed.run_id, reclaimed.task, next);
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(with_schema(kRestartSql, schema_), reclaimed.run_id, reclaimed.task,
                                    reclaimed.token, static_cast<int>(reclaimed.attempt), free ? 1 : 0, owner,
                                    log_path);
    if (r.empty()) return;
    Claim claim = reclaimed;
    claim.reclaimed = false;
    claim.attempt = r[0][0].as<uint32_t>();
    claim.max_attempts = r[0][1].as<uint32_t>();
    claim.log_path = log_path;
    out.claim = std::move(claim);
  });
  return out;
}

ClaimOutcome StateStore::held_by(int64_t run_id, const std::string& owner, const std::vector<uint32_t>& among) {
  ClaimOutcome out;
  if (among.empty()) return out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(R"(select t.task, t.task_index, t.attempts, t.max_attempts, t.lease_token::text, coalesce(a.log_path, '')
from {schema}.task_runs t
left join {schema}.attempts a on a.run_id = t.run_id and a.task = t.task and a.attempt = t.attempts
where t.run_id = $1 and t.task_index = any ($2::integer[]) and t.state = 'running' and t.lease_owner = $3
  and t.lease_machine is not distinct from nullif($4, '')
order by t.task_index
limit 1)",
                    schema_),
        run_id, int_array(among), owner, machine_key());
    if (!r.empty()) out.claim = taken_over(r[0], 0, run_id);
  });
  return out;
}

Status StateStore::downstream(int64_t run_id, uint32_t task_index, std::vector<uint32_t>& out) {
  out.clear();
  return guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(R"(with recursive down(task_index) as (
  select t.task_index from {schema}.task_runs t where t.run_id = $1 and $2::integer = any (t.deps)
  union
  select t.task_index from {schema}.task_runs t join down d on d.task_index = any (t.deps) where t.run_id = $1
)
select task_index from down order by 1)",
                    schema_),
        run_id, static_cast<int>(task_index));
    for (const auto& row : r) out.push_back(row[0].as<uint32_t>());
  });
}

ClaimOutcome StateStore::held_by(const std::string& owner) {
  ClaimOutcome out;
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(
            R"(select t.task, t.task_index, t.attempts, t.max_attempts, t.lease_token::text, coalesce(a.log_path, ''),
       t.run_id, coalesce(a.outcome = 'lost', false),
       (select count(*) from {schema}.attempts l join {schema}.runs r on r.id = l.run_id
        where l.run_id = t.run_id and l.task = t.task and l.outcome = 'lost'
          and l.started_at >= coalesce(r.retried_at, '-infinity')),
       (extract(epoch from a.started_at) * 1000)::bigint
from {schema}.task_runs t
left join {schema}.attempts a on a.run_id = t.run_id and a.task = t.task and a.attempt = t.attempts
where t.state = 'running' and t.lease_owner = $1 and t.lease_machine is not distinct from nullif($2, '')
order by t.run_id, t.task_index
limit 1)",
            schema_),
        owner, machine_key());
    if (r.empty()) return;
    out.claim = taken_over(r[0], 0, r[0][6].as<int64_t>());
    // A reclaim whose reply was lost: the lost attempt is closed and nothing
    // has started yet.
    out.claim->reclaimed = r[0][7].as<bool>();
    out.claim->lost = r[0][8].as<uint32_t>();
    if (out.claim->reclaimed) {
      out.claim->previous = TaskState::Running;
      if (!r[0][9].is_null())
        out.claim->lost_started = Clock::time_point{std::chrono::milliseconds(r[0][9].as<int64_t>())};
    }
  });
  return out;
}

Renewed StateStore::renew(const std::vector<std::string>& tokens, std::chrono::milliseconds lease) {
  Renewed out;
  if (tokens.empty()) return out;
  std::string array = "{";
  for (size_t i = 0; i < tokens.size(); ++i) array += (i ? "," : "") + tokens[i];
  array += "}";
  out.status = guarded(connection_, dsn_, watchdog_, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(
        with_schema(
            R"(update {schema}.task_runs t set lease_until = now() + $2::bigint * interval '1 millisecond', lease_renewed_at = now()
where t.lease_token = any ($1::uuid[]) and t.state = 'running'
  and exists (select 1 from {schema}.runs r where r.id = t.run_id and r.status = 'running')
returning lease_token::text)",
            schema_),
        array, static_cast<int64_t>(lease.count()));
    for (const auto& row : r) out.tokens.push_back(row[0].as<std::string>());
    if (r.size() == tokens.size()) return;  // the common case: one statement
    pqxx::result ended = tx.exec_params(with_schema(R"(select t.lease_token::text
from {schema}.task_runs t join {schema}.runs r on r.id = t.run_id
where t.lease_token = any ($1::uuid[]) and t.state = 'running' and r.status <> 'running')",
                                                    schema_),
                                        array);
    for (const auto& row : ended) out.run_ended.push_back(row[0].as<std::string>());
  });
  return out;
}

}  // namespace flowc::runtime::state
