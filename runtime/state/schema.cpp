#include "runtime/state/schema.h"

#include "compiler/plan/plan.h"

namespace flowc::runtime::state {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       "runs, task runs, attempts, expectation results, alerts",
       {
           R"(create table {schema}.runs (
  id           bigserial primary key,
  workflow     text not null,
  ds           date not null,
  env          text not null default '',
  stage        text not null,                 -- model | mirror | production
  trigger      text not null,                 -- schedule | manual | backfill | retry
  status       text not null,                 -- pending | running | succeeded | failed
  created_at   timestamptz not null default now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  deadline     timestamptz,
  late_alerted boolean not null default false,
  plan_hash    text not null,
  plan         jsonb not null,                -- the plan that ran (flowc plan --format json)
  parity       jsonb                          -- mirror runs: the parity report
))",
           // One scheduled run per (workflow, ds, env), even with two schedulers.
           R"(create unique index runs_one_scheduled on {schema}.runs (workflow, ds, env) where trigger = 'schedule')",
           R"(create index runs_by_workflow on {schema}.runs (workflow, ds desc, id desc))",
           R"(create table {schema}.task_runs (
  run_id        bigint not null references {schema}.runs (id) on delete cascade,
  task          text not null,
  task_index    integer not null,             -- position in the plan's tasks
  state         text not null,                -- pending | waiting | ready | running | retry_wait | succeeded | failed | upstream_failed | timed_out
  attempts      integer not null default 0,
  max_attempts  integer not null,
  lease_token   uuid,
  lease_owner   text,
  lease_until   timestamptz,
  not_before    timestamptz,                  -- retry_wait / waiting: do not claim before
  started_at    timestamptz,
  finished_at   timestamptz,
  rows_written  bigint,
  error_class   text,
  message       text,
  primary key (run_id, task)
))",
           R"(create index task_runs_claimable on {schema}.task_runs (state, not_before) where state in ('ready', 'waiting', 'retry_wait'))",
           R"(create table {schema}.attempts (
  run_id       bigint not null,
  task         text not null,
  attempt      integer not null,
  worker       text not null,
  lease_token  uuid not null,
  started_at   timestamptz not null default now(),
  finished_at  timestamptz,
  outcome      text,                          -- succeeded | failed | not_ready | fenced
  sqlstate     text,
  exit_code    integer,
  error_class  text,                          -- transient | permanent | timeout
  message      text,
  rows_written bigint,
  log_path     text not null,
  primary key (run_id, task, attempt),
  foreign key (run_id, task) references {schema}.task_runs (run_id, task) on delete cascade
))",
           R"(create table {schema}.expectation_results (
  id          bigserial primary key,
  run_id      bigint not null references {schema}.runs (id) on delete cascade,
  task        text not null,
  attempt     integer not null,
  expectation text not null,
  severity    text not null,                  -- error | warn
  metric      text not null,
  value       text,
  passed      boolean not null,
  recorded_at timestamptz not null default now()
))",
           R"(create index expectation_history on {schema}.expectation_results (task, expectation, metric, recorded_at desc))",
           R"(create table {schema}.alerts (
  id          bigserial primary key,
  run_id      bigint references {schema}.runs (id) on delete cascade,
  workflow    text not null,
  task        text,
  kind        text not null,                  -- failure | warning | late | parity
  route       text not null,
  channel     text not null,                  -- webhook | command | jsonl | stderr
  severity    text not null,
  dedup_key   text not null,                  -- route/workflow/task/error class
  payload     jsonb not null,
  status      text not null,                  -- delivered | suppressed | failed
  error       text,
  tries       integer not null default 0,
  created_at  timestamptz not null default now()
))",
           R"(create index alerts_dedup on {schema}.alerts (dedup_key, created_at desc))",
       }},
      {2,
       "task dependencies in the state database, so any executor can tell what is claimable",
       {
           // Indexes (task_index) of the task instances this one waits for: the
           // claim statement and the promotion to `ready` read them, so a
           // `flowc worker` needs no in-memory scheduler.
           R"(alter table {schema}.task_runs add column deps integer[] not null default '{}')",
           // Claims across runs (flowc worker) and expired leases.
           R"(create index task_runs_running on {schema}.task_runs (lease_until) where state = 'running')",
           R"(create index runs_in_progress on {schema}.runs (workflow, ds, env) where status in ('pending', 'running'))",
       }},
      {3,
       "retries of a run: how many, and when the latest began",
       {
           // `flowc retry` drives the same run record again: runs.trigger keeps
           // how the run began; these say it was retried. Attempts started at
           // or after retried_at belong to the latest retry (attempt numbers
           // continue, so no attempt row is ever overwritten).
           R"(alter table {schema}.runs add column retries integer not null default 0)",
           R"(alter table {schema}.runs add column retried_at timestamptz)",
       }},
      {4,
       "task instances by position: dependency checks read a run's instances by task_index",
       {
           // A claim's full form and a finish's promotion look up each
           // dependency by (run_id, task_index): without this index every
           // lookup scans the run (62 ms per claim on a 1,000-task DAG in
           // bench/, 0.25 ms with it).
           R"(create index task_runs_by_index on {schema}.task_runs (run_id, task_index))",
       }},
      {5,
       "when each retry of a run began, so the failures a retry later fixed stay in the history",
       {
           // retried_at keeps only the latest retry. `flowc ops` splits a
           // task run's attempts into the first execution and one per retry
           // (attempts started at or after a retry's start are that retry's):
           // each execution ended once, failed or succeeded. Runs retried
           // before this migration keep only their latest retry.
           R"(alter table {schema}.runs add column retry_started_at timestamptz[] not null default '{}')",
           R"(update {schema}.runs set retry_started_at = array[retried_at] where retried_at is not null)",
       }},
      {6,
       "the machine and PID namespace of each lease's holder: only they can tell the holder is gone",
       {
           // A lease owner is named `host:pid:n`; a host name does not tell
           // machines apart, nor a PID containers. `flowc retry` and a
           // scheduler's adoption take up at once the lease of a holder that
           // is gone (exec::worker_gone) only when it was recorded with this
           // process's key (state/machine_key.h). Leases taken before this
           // migration have none: they are waited out.
           R"(alter table {schema}.task_runs add column lease_machine text)",
       }},
      {7,
       "how many times a run had failed when it was retried, for failures no task shows",
       {
           // A mirror run that failed parity, or whose driver died after its
           // last task, has no failed attempt: once a retry makes it
           // succeed, nothing else says it failed. `flowc ops` counts it a
           // failure fixed by a retry. Runs retried before this migration
           // count by their attempts alone.
           R"(alter table {schema}.runs add column failed_before integer not null default 0)",
       }},
      {8,
       "alerts being delivered: who sends them, until when, over which channel of their route",
       {
           // An alert is recorded `sending` before its channels are tried and
           // updated after, so a flowc killed while delivering leaves a row,
           // not nothing. The next flowc that drives a run of the workflow
           // delivers such a row again once its sender is known gone (its
           // process, on this machine: state::worker_gone) or its
           // sending_until has passed (the longest its channels could take).
           R"(alter table {schema}.alerts add column channel_index integer)",
           R"(alter table {schema}.alerts add column sender text)",
           R"(alter table {schema}.alerts add column sender_machine text)",
           R"(alter table {schema}.alerts add column sending_until timestamptz)",
           R"(create index alerts_sending on {schema}.alerts (workflow) where status = 'sending')",
       }},
      {9,
       "each expectation result's history key: its name and metric without blanks",
       {
           // `change < P%` finds a check's previous value by name, blanks
           // ignored (`flowc fmt` may re-space a condition written without
           // `as`). The key is spelling::history_key(), recorded with each
           // result, so the lookup is one indexed equality instead of a
           // regexp over every result the task ever had. The rows written
           // before get theirs here, by the same rule in SQL, once: the six
           // characters by code (not `\s`, which follows the database's
           // locale, nor `'\t'`, which standard_conforming_strings = off
           // would read as `t`). Nullable: a flowc that knows
           // schema version 8 still running while a newer one migrates records
           // rows without keys, which the lookup then does not find.
           R"(alter table {schema}.expectation_results add column expectation_key text, add column metric_key text)",
           R"(update {schema}.expectation_results
set expectation_key = translate(expectation, chr(32) || chr(9) || chr(10) || chr(13) || chr(11) || chr(12), ''),
    metric_key = translate(metric, chr(32) || chr(9) || chr(10) || chr(13) || chr(11) || chr(12), ''))",
           R"(drop index if exists {schema}.expectation_history)",
           R"(create index expectation_history on {schema}.expectation_results
  (task, expectation_key, metric_key, recorded_at desc))",
       }},
      {10,
       "when each lease was last taken or renewed: a lost attempt ends at its holder's last sign of life",
       {
           // An attempt whose holder died is closed as `lost` when someone
           // notices (a claim of its expired lease, a retry, a new run):
           // minutes or hours later. Its finish is the last renewal
           // instead, so `status` and `ops` measure the attempt and the
           // recovery, not how long nobody looked. Null for leases a flowc
           // of version 9 took: the attempt's start bounds it then.
           R"(alter table {schema}.task_runs add column lease_renewed_at timestamptz)",
       }},
  };
  return all;
}

std::string with_schema(const std::string& statement, const std::string& schema) {
  const std::string quoted = plan::quote_identifier(schema);
  std::string out;
  out.reserve(statement.size() + 16);
  const std::string placeholder = "{schema}";
  size_t at = 0;
  while (true) {
    size_t next = statement.find(placeholder, at);
    out.append(statement, at, next == std::string::npos ? std::string::npos : next - at);
    if (next == std::string::npos) break;
    out += quoted;
    at = next + placeholder.size();
  }
  return out;
}

}  // namespace flowc::runtime::state
