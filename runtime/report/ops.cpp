#include "runtime/report/ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <tuple>

#include "runtime/connect/fields.h"
#include "runtime/report/state_read.h"
#include "runtime/state/schema.h"

namespace flowc::runtime::report {
namespace {

using runtime::state::with_schema;
using state_read::at_ms;
using state_read::ms;
using state_read::opt_time;
using state_read::text;

// The window and workflow filter on `runs r`, parameters $1 and $2.
std::string run_window() {
  return std::string("($1::text = '' or r.workflow = $1::text) and ") + state_read::kRanWithin;
}

void read_runs(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f, double since,
               OpsData& out) {
  std::string sql = fmt::format(
      "select r.id, r.workflow, r.env, r.status, r.trigger, {}, {}, r.failed_before from {{schema}}.runs r "
      "where {} order by r.id",
      ms("r.finished_at"), ms("r.deadline"), run_window());
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    out.runs.push_back({row[0].as<int64_t>(), text(row[1]), text(row[2]), text(row[3]), text(row[4]),
                        opt_time(row[5]), opt_time(row[6]), row[7].as<int64_t>()});
  }
}

void read_task_runs(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f, double since,
                    OpsData& out) {
  // The tries: attempts that ran to an outcome, or were lost (their
  // process killed mid-attempt: the next one is a retry of it). Readiness
  // polls (not_ready) and fenced attempts are not tries.
  std::string sql = fmt::format(
      "select t.run_id, r.workflow, r.env, t.task,"
      " (select greatest(count(*) - 1, 0) from {{schema}}.attempts a"
      "   where a.run_id = t.run_id and a.task = t.task and a.outcome in ('succeeded', 'failed', 'lost'))"
      " from {{schema}}.task_runs t join {{schema}}.runs r on r.id = t.run_id"
      " where {} order by t.run_id, t.task_index, t.task",
      run_window());
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    out.task_runs.push_back(
        {row[0].as<int64_t>(), text(row[1]), text(row[2]), text(row[3]), row[4].as<uint32_t>()});
  }
}

void read_task_ends(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f, double since,
                    OpsData& out) {
  // A state schema older than migration 5 has no retry starts: each task
  // run then has one execution, ended by its last attempt.
  bool has_retry_starts = tx.exec_params(
                                "select exists (select 1 from pg_attribute where attrelid = to_regclass($1)"
                                " and attname = 'retry_started_at')",
                                with_schema("{schema}.runs", schema))[0][0]
                              .as<bool>();
  const char* retry_starts = has_retry_starts ? "r.retry_started_at" : "'{}'::timestamptz[]";
  // Execution n of a task run = its attempts started at or after the start
  // of retry n (0 = before any retry); its last attempt says how it ended.
  // The run's latest execution has ended only when its task run is final;
  // an earlier one ended when the retry after it began. An attempt that
  // ran to no outcome (a readiness poll, a fenced attempt) ends nothing.
  std::string sql = fmt::format(
      "with attempt as ("
      "  select a.run_id, r.workflow, a.task, r.ds::text as ds, r.env, a.attempt, a.outcome, a.error_class,"
      "   a.message,"
      "   a.finished_at, cardinality({0}) as latest,"
      "   (select count(*) from unnest({0}) s where s <= a.started_at) as execution"
      "  from {{schema}}.attempts a join {{schema}}.runs r on r.id = a.run_id where {1}"
      "), last as ("
      "  select distinct on (run_id, task, execution) * from attempt order by run_id, task, execution, "
      "attempt desc"
      ")"
      " select l.run_id, l.workflow, l.task, l.ds, l.env, {2}, l.outcome = 'succeeded', l.error_class,"
      "  coalesce(l.message like '{3}%', false)"
      " from last l join {{schema}}.task_runs t on t.run_id = l.run_id and t.task = l.task"
      " where l.finished_at is not null"
      "   and (l.outcome in ('succeeded', 'failed', 'lost') or (l.outcome = 'not_ready' and l.error_class is "
      "not null))"
      "   and (l.execution < l.latest or t.state in ('succeeded', 'failed', 'timed_out'))"
      " order by l.finished_at, l.run_id, l.task",
      retry_starts, run_window(), ms("l.finished_at"), runtime::kStoppedByOperator);
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    // An attempt an operator's stop cancelled (Ctrl-C, SIGTERM) is not a
    // failure of the task: no recurring failure, nothing to recover from.
    if (row[8].as<bool>()) continue;
    TaskEnd e;
    e.run_id = row[0].as<int64_t>();
    e.workflow = text(row[1]);
    e.task = text(row[2]);
    e.ds = text(row[3]);
    e.env = text(row[4]);
    e.finished = at_ms(row[5].as<int64_t>());
    e.succeeded = row[6].as<bool>();
    if (!e.succeeded) e.error_class = text(row[7]);
    out.ends.push_back(std::move(e));
  }
}

void read_recent_alerts(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f,
                        double since, OpsData& out) {
  const std::string sql = fmt::format(
      "select a.workflow, coalesce(r.env, ''), a.run_id, a.task, a.kind, a.dedup_key, a.status, {}"
      " from {{schema}}.alerts a left join {{schema}}.runs r on r.id = a.run_id"
      " where ($1::text = '' or a.workflow = $1::text)"
      "   and a.created_at >= now() - make_interval(secs => $2::float8) order by a.id",
      ms("a.created_at"));
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    out.alerts.push_back({text(row[0]), text(row[1]), runtime::nullable<int64_t>(row[2]), text(row[3]),
                          text(row[4]), text(row[5]), text(row[6]), at_ms(row[7].as<int64_t>())});
  }
}

}  // namespace

ReadStatus read_ops(const StateDatabase& db, const OpsFilter& filter, OpsData& data) {
  data = {};
  ReadStatus status = state_read::read_snapshot(db, [&](pqxx::transaction_base& tx) {
    double since = static_cast<double>(filter.since.count());
    read_runs(tx, db.schema, filter, since, data);
    read_task_runs(tx, db.schema, filter, since, data);
    read_task_ends(tx, db.schema, filter, since, data);
    read_recent_alerts(tx, db.schema, filter, since, data);
  });
  if (!status.ok) data = {};
  return status;
}

Recovery mean_time_to_recovery(std::vector<TaskEnd> ends) {
  // By what was rebuilt (task, ds, env), then in time: a failure's recovery
  // is the first success after it in the same group.
  auto key = [](const TaskEnd& e) { return std::tie(e.task, e.ds, e.env); };
  std::stable_sort(ends.begin(), ends.end(), [&](const TaskEnd& a, const TaskEnd& b) {
    if (key(a) != key(b)) return key(a) < key(b);
    return a.finished < b.finished;
  });
  Recovery out;
  std::chrono::milliseconds total{0};
  for (size_t i = 0; i < ends.size(); ++i) {
    if (ends[i].succeeded) continue;
    auto next =
        std::find_if(ends.begin() + static_cast<std::ptrdiff_t>(i) + 1, ends.end(), [&](const TaskEnd& e) {
          return key(e) == key(ends[i]) && e.succeeded && e.finished > ends[i].finished;
        });
    if (next == ends.end()) {
      ++out.unrecovered;
      continue;
    }
    ++out.recoveries;
    total += std::chrono::duration_cast<std::chrono::milliseconds>(next->finished - ends[i].finished);
  }
  if (out.recoveries > 0) out.mean = total / out.recoveries;
  return out;
}

AlertCounts count_alerts(const std::vector<OpsAlert>& alerts) {
  // (dedup key, created at) -> (any delivered, all suppressed)
  std::map<std::pair<std::string, TimePoint>, std::pair<bool, bool>> by_alert;
  for (const OpsAlert& a : alerts) {
    auto [it, added] = by_alert.try_emplace({a.dedup_key, a.created}, false, true);
    it->second.first = it->second.first || a.status == "delivered";
    it->second.second = it->second.second && a.status == "suppressed";
  }
  AlertCounts out;
  for (const auto& [key, outcome] : by_alert) {
    if (outcome.first) {
      ++out.sent;
    } else if (outcome.second) {
      ++out.suppressed;
    } else {
      ++out.failed;
    }
  }
  return out;
}

std::vector<WorkflowOps> compute_ops(const OpsData& data, TimePoint now) {
  // By workflow and environment: a dev run's failures are not production's.
  using Key = std::pair<std::string, std::string>;  // (workflow, env)
  std::map<Key, WorkflowOps> by_name;
  auto of = [&](const std::string& name, const std::string& env) -> WorkflowOps& {
    WorkflowOps& w = by_name[{name, env}];
    w.workflow = name;
    w.env = env;
    return w;
  };
  std::map<Key, std::vector<TaskEnd>> ends;
  std::set<int64_t> runs_with_failure;
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<RecurringFailure>>
      failures;  // by (workflow, env, task)
  for (const TaskEnd& e : data.ends) {
    ends[{e.workflow, e.env}].push_back(e);
    if (e.succeeded) continue;
    runs_with_failure.insert(e.run_id);
    std::vector<RecurringFailure>& list = failures[{e.workflow, e.env, e.task}];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const RecurringFailure& f) { return f.error_class == e.error_class; });
    if (it == list.end()) it = list.insert(list.end(), {e.task, e.error_class, 0, e.finished});
    ++it->count;
    it->last_seen = std::max(it->last_seen, e.finished);
  }
  for (const OpsRun& r : data.runs) {
    WorkflowOps& w = of(r.workflow, r.env);
    ++w.runs;
    // A failure stays one after a retry fixed it: the history does not
    // change. A failure no task shows (parity) is in failed_before.
    if (r.status == "failed" || runs_with_failure.contains(r.id) || r.failed_before > 0) {
      ++w.failed;
      if (r.status == "succeeded") ++w.failed_then_fixed_by_retry;
    } else if (r.status == "succeeded") {
      ++w.succeeded;
    }
    if (!r.deadline) continue;
    // A backfill runs after its deadline by construction (runtime.md: it
    // never raises on_late): not a missed deadline.
    if (r.trigger == "backfill") {
      ++w.backfill_runs_not_counted;
      continue;
    }
    // A run still going before its deadline may yet make it: not counted.
    if (r.finished || now > *r.deadline) {
      ++w.with_deadline;
      if (r.finished && *r.finished <= *r.deadline) ++w.on_time;
    }
  }
  for (const OpsTaskRun& t : data.task_runs) {
    of(t.workflow, t.env).retries += t.retries;
  }
  for (const auto& [key, list] : failures) {
    for (const RecurringFailure& f : list) {
      if (f.count >= 2) of(std::get<0>(key), std::get<1>(key)).recurring.push_back(f);
    }
  }
  std::map<Key, std::vector<OpsAlert>> alerts;
  for (const OpsAlert& a : data.alerts) alerts[{a.workflow, a.env}].push_back(a);
  for (const auto& [key, list] : alerts) of(key.first, key.second).alerts = count_alerts(list);

  std::vector<WorkflowOps> out;
  for (auto& [key, w] : by_name) {
    w.recovery = mean_time_to_recovery(ends[key]);
    std::stable_sort(w.recurring.begin(), w.recurring.end(),
                     [](const RecurringFailure& a, const RecurringFailure& b) {
                       if (a.count != b.count) return a.count > b.count;
                       if (a.last_seen != b.last_seen) return a.last_seen > b.last_seen;
                       return std::tie(a.task, a.error_class) < std::tie(b.task, b.error_class);
                     });
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace flowc::runtime::report
