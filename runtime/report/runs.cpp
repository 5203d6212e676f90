#include "runtime/report/runs.h"

#include <fmt/format.h>

#include <map>
#include <pqxx/pqxx>

#include "runtime/connect/fields.h"
#include "runtime/report/state_read.h"
#include "runtime/state/schema.h"
#include "runtime/state/store.h"

namespace flowc::runtime::report {
namespace {

using runtime::state::with_schema;
using state_read::at_ms;
using state_read::ms;
using state_read::opt_time;
using state_read::text;

/// The columns run_of() reads, for `{schema}.runs r` of the state schema
/// `schema` (its name, unquoted).
std::string run_columns(pqxx::transaction_base& tx, const std::string& schema) {
  using fmt::arg;
  // A task whose attempt an operator's stop cancelled is listed as stopped, not failed.
  return fmt::format(
      "r.id, r.workflow, r.ds::text, r.env, r.stage, r.trigger, r.status, {created}, {started}, {finished},"
      " {deadline}, r.plan_hash, r.parity::text,"
      " (select string_agg(t.task, ' ' order by t.task_index) from {{schema}}.task_runs t"
      " where t.run_id = r.id and t.state in ('failed', 'timed_out')"
      " and coalesce(t.message not like '{stopped}%', true)), r.status = 'running' and not {lock_held},"
      " r.retries, {retried},"
      " (select count(*) from {{schema}}.task_runs t where t.run_id = r.id"
      " and t.state not in ('succeeded', 'failed', 'timed_out', 'upstream_failed')),"
      " r.plan->>'owner', r.plan->'routes'->((r.plan->'on_failure'->>'route')::int)->>'name',"
      " r.plan->'routes'->((r.plan->'on_failure'->>'route')::int)->>'owner',"
      " (select string_agg(t.task, ' ' order by t.task_index) from {{schema}}.task_runs t"
      " where t.run_id = r.id and t.state = 'failed' and t.message like '{stopped}%'),"
      " (select n.id || ' ' || n.status from {{schema}}.runs n where n.workflow = r.workflow and n.ds = r.ds"
      " and n.env = r.env and n.stage = r.stage and n.id > r.id order by n.id desc limit 1)",
      arg("created", ms("r.created_at")), arg("started", ms("r.started_at")),
      arg("finished", ms("r.finished_at")), arg("deadline", ms("r.deadline")),
      arg("stopped", runtime::kStoppedByOperator),
      arg("lock_held", runtime::state::run_lock_held(tx.quote(schema))), arg("retried", ms("r.retried_at")));
}

RunRecord run_of(const pqxx::row& row) {
  RunRecord r;
  r.id = row[0].as<int64_t>();
  r.workflow = text(row[1]);
  r.ds = text(row[2]);
  r.env = text(row[3]);
  r.stage = text(row[4]);
  r.trigger = text(row[5]);
  r.status = text(row[6]);
  r.created = at_ms(row[7].as<int64_t>());
  r.started = opt_time(row[8]);
  r.finished = opt_time(row[9]);
  r.deadline = opt_time(row[10]);
  r.plan_hash = text(row[11]);
  r.parity = runtime::nullable<std::string>(row[12]);
  auto words = [](const std::string& text) {
    std::vector<std::string> out;
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find(' ', at);
      if (end == std::string::npos) end = text.size();
      out.push_back(text.substr(at, end - at));
      at = end + 1;
    }
    return out;
  };
  r.failed_tasks = words(text(row[13]));
  r.process_gone = row[14].as<bool>();
  r.retries = row[15].as<uint32_t>();
  r.retried = opt_time(row[16]);
  r.unfinished = row[17].as<uint32_t>();
  r.owner = text(row[18]);
  r.failure_route = text(row[19]);
  r.failure_route_owner = text(row[20]);
  r.stopped_tasks = words(text(row[21]));
  if (const std::vector<std::string> later = words(text(row[22])); later.size() == 2) {
    r.later_run = std::stoll(later[0]);
    r.later_status = later[1];
  }
  return r;
}

void read_tasks(pqxx::transaction_base& tx, const std::string& schema, int64_t run_id, RunReport& out) {
  std::string sql = fmt::format(
      "select task, task_index, state, attempts, max_attempts, {}, {}, rows_written, error_class, message"
      " from {{schema}}.task_runs where run_id = $1 order by task_index, task",
      ms("started_at"), ms("finished_at"));
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), run_id)) {
    TaskRecord t;
    t.task = text(row[0]);
    t.index = row[1].as<uint32_t>();
    t.state = text(row[2]);
    t.attempts = row[3].as<uint32_t>();
    t.max_attempts = row[4].as<uint32_t>();
    t.started = opt_time(row[5]);
    t.finished = opt_time(row[6]);
    t.rows_written = runtime::nullable<int64_t>(row[7]);
    t.error_class = text(row[8]);
    t.message = text(row[9]);
    out.tasks.push_back(std::move(t));
  }
}

void read_attempts(pqxx::transaction_base& tx, const std::string& schema, int64_t run_id, RunReport& out) {
  std::map<std::string, size_t> task_at;
  for (size_t i = 0; i < out.tasks.size(); ++i) task_at[out.tasks[i].task] = i;
  std::string sql = fmt::format(
      "select task, attempt, worker, {}, {}, outcome, sqlstate, exit_code, error_class, message, "
      "rows_written,"
      " log_path from {{schema}}.attempts where run_id = $1 order by task, attempt",
      ms("started_at"), ms("finished_at"));
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), run_id)) {
    auto it = task_at.find(text(row[0]));
    if (it == task_at.end()) continue;  // the foreign key makes this impossible
    AttemptRecord a;
    a.attempt = row[1].as<uint32_t>();
    a.worker = text(row[2]);
    a.started = at_ms(row[3].as<int64_t>());
    a.finished = opt_time(row[4]);
    a.outcome = text(row[5]);
    a.sqlstate = text(row[6]);
    a.exit_code = runtime::nullable<int>(row[7]);
    a.error_class = text(row[8]);
    a.message = text(row[9]);
    a.rows_written = runtime::nullable<int64_t>(row[10]);
    a.log_path = text(row[11]);
    out.tasks[it->second].attempt_records.push_back(std::move(a));
  }
}

void read_expectations(pqxx::transaction_base& tx, const std::string& schema, int64_t run_id,
                       RunReport& out) {
  const std::string sql =
      "select e.task, e.attempt, e.expectation, e.severity, e.metric, e.value, e.passed"
      " from {schema}.expectation_results e"
      " left join {schema}.task_runs t on t.run_id = e.run_id and t.task = e.task"
      " where e.run_id = $1 order by t.task_index nulls last, e.task, e.attempt, e.id";
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), run_id)) {
    ExpectationRecord e;
    e.task = text(row[0]);
    e.attempt = row[1].as<uint32_t>();
    e.expectation = text(row[2]);
    e.severity = text(row[3]);
    e.metric = text(row[4]);
    e.value = runtime::nullable<std::string>(row[5]);
    e.passed = row[6].as<bool>();
    out.expectations.push_back(std::move(e));
  }
}

void read_alerts(pqxx::transaction_base& tx, const std::string& schema, int64_t run_id, RunReport& out) {
  std::string sql = fmt::format(
      "select id, task, kind, route, channel, severity, status, error, tries, {}"
      " from {{schema}}.alerts where run_id = $1 order by created_at, id",
      ms("created_at"));
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), run_id)) {
    AlertRecord a;
    a.id = row[0].as<int64_t>();
    a.task = text(row[1]);
    a.kind = text(row[2]);
    a.route = text(row[3]);
    a.channel = text(row[4]);
    a.severity = text(row[5]);
    a.status = text(row[6]);
    a.error = text(row[7]);
    a.tries = row[8].as<uint32_t>();
    a.created = at_ms(row[9].as<int64_t>());
    out.alerts.push_back(std::move(a));
  }
}

/// Everything about run `run_id`, or nothing when there is no such run.
std::optional<RunReport> run_in(pqxx::transaction_base& tx, const std::string& schema, int64_t run_id) {
  std::string sql = "select " + run_columns(tx, schema) + " from {schema}.runs r where r.id = $1";
  pqxx::result run = tx.exec_params(with_schema(sql, schema), run_id);
  if (run.empty()) return std::nullopt;
  RunReport out;
  out.run = run_of(run[0]);
  read_tasks(tx, schema, run_id, out);
  read_attempts(tx, schema, run_id, out);
  read_expectations(tx, schema, run_id, out);
  read_alerts(tx, schema, run_id, out);
  return out;
}

}  // namespace

ReadStatus read_history(const StateDatabase& db, const HistoryFilter& filter, std::vector<RunRecord>& runs) {
  runs.clear();
  return state_read::read_snapshot(db, [&](pqxx::transaction_base& tx) {
    // Newest first by when each last started (its first start or its latest retry).
    std::string sql =
        "select " + run_columns(tx, db.schema) +
        " from {schema}.runs r"
        " where ($1::text = '' or r.workflow = $1::text) and " +
        std::string(state_read::kRanWithin) +
        " order by greatest(coalesce(r.started_at, r.created_at), r.retried_at) desc, r.id desc";
    double since = static_cast<double>(filter.since.count());
    for (const pqxx::row& row : tx.exec_params(with_schema(sql, db.schema), filter.workflow, since))
      runs.push_back(run_of(row));
  });
}

ReadStatus read_run(const StateDatabase& db, int64_t run_id, std::optional<RunReport>& report) {
  report.reset();
  return state_read::read_snapshot(
      db, [&](pqxx::transaction_base& tx) { report = run_in(tx, db.schema, run_id); });
}

}  // namespace flowc::runtime::report
