#include "cli/ops_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <tuple>

#include "cli/state_read.h"
#include "runtime/state/schema.h"

namespace flowc::cli {
namespace {

using runtime::state::with_schema;
using state_read::at_ms;
using state_read::ms;
using state_read::opt_time;
using state_read::text;

// The window and workflow filter on `runs r`, parameters $1 and $2.
constexpr const char* kRunWindow =
    "($1::text = '' or r.workflow = $1::text)"
    " and coalesce(r.started_at, r.created_at) >= now() - make_interval(secs => $2::float8)";

void read_runs(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f, double since,
               OpsData& out) {
  std::string sql =
      fmt::format("select r.id, r.workflow, r.status, {}, {} from {{schema}}.runs r where {} order by r.id",
                  ms("r.finished_at"), ms("r.deadline"), kRunWindow);
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    out.runs.push_back(
        {row[0].as<int64_t>(), text(row[1]), text(row[2]), opt_time(row[3]), opt_time(row[4])});
  }
}

void read_task_runs(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f, double since,
                    OpsData& out) {
  // The final attempt is the one with the highest number; readiness polls
  // (not_ready) and fenced attempts did not run to an outcome: no retry.
  std::string sql = fmt::format(
      "select t.run_id, r.workflow, t.task, t.state, {}, last.outcome, last.error_class, {},"
      " (select count(*) from {{schema}}.attempts a where a.run_id = t.run_id and a.task = t.task"
      "   and a.outcome in ('succeeded', 'failed'))"
      " from {{schema}}.task_runs t join {{schema}}.runs r on r.id = t.run_id"
      " left join lateral (select a.outcome, a.error_class, a.finished_at from {{schema}}.attempts a"
      "   where a.run_id = t.run_id and a.task = t.task order by a.attempt desc limit 1) last on true"
      " where {} order by t.run_id, t.task_index, t.task",
      ms("t.finished_at"), ms("last.finished_at"), kRunWindow);
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    OpsTaskRun t;
    t.run_id = row[0].as<int64_t>();
    t.workflow = text(row[1]);
    t.task = text(row[2]);
    t.state = text(row[3]);
    t.finished = opt_time(row[4]);
    t.final_outcome = text(row[5]);
    t.final_error_class = text(row[6]);
    t.final_finished = opt_time(row[7]);
    t.tries = row[8].as<uint32_t>();
    out.task_runs.push_back(std::move(t));
  }
}

void read_alerts(pqxx::transaction_base& tx, const std::string& schema, const OpsFilter& f, double since,
                 OpsData& out) {
  const std::string sql =
      "select workflow, run_id, task, kind, dedup_key, status from {schema}.alerts"
      " where ($1::text = '' or workflow = $1::text)"
      "   and created_at >= now() - make_interval(secs => $2::float8) order by id";
  for (const pqxx::row& row : tx.exec_params(with_schema(sql, schema), f.workflow, since)) {
    std::optional<int64_t> run;
    if (!row[1].is_null()) run = row[1].as<int64_t>();
    out.alerts.push_back({text(row[0]), run, text(row[2]), text(row[3]), text(row[4]), text(row[5])});
  }
}

bool is_failure(const std::string& state) { return state == "failed" || state == "timed_out"; }

}  // namespace

ReadStatus read_ops(const StateDatabase& db, const OpsFilter& filter, OpsData& data) {
  data = {};
  ReadStatus status = state_read::read_snapshot(db, [&](pqxx::transaction_base& tx) {
    double since = static_cast<double>(filter.since.count());
    read_runs(tx, db.schema, filter, since, data);
    read_task_runs(tx, db.schema, filter, since, data);
    read_alerts(tx, db.schema, filter, since, data);
  });
  if (!status.ok) data = {};
  return status;
}

Recovery mean_time_to_recovery(std::vector<TaskEnd> ends) {
  std::stable_sort(ends.begin(), ends.end(), [](const TaskEnd& a, const TaskEnd& b) {
    return std::tie(a.task, a.finished) < std::tie(b.task, b.finished);
  });
  Recovery out;
  std::chrono::milliseconds total{0};
  for (size_t i = 0; i < ends.size(); ++i) {
    if (ends[i].succeeded) continue;
    auto next =
        std::find_if(ends.begin() + static_cast<std::ptrdiff_t>(i) + 1, ends.end(), [&](const TaskEnd& e) {
          return e.task == ends[i].task && e.succeeded && e.finished > ends[i].finished;
        });
    if (next == ends.end() || next->task != ends[i].task) {
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
  // (run, task, kind, dedup key) -> (any delivered, all suppressed)
  std::map<std::tuple<std::optional<int64_t>, std::string, std::string, std::string>, std::pair<bool, bool>>
      by_alert;
  for (const OpsAlert& a : alerts) {
    auto [it, added] = by_alert.try_emplace({a.run_id, a.task, a.kind, a.dedup_key}, false, true);
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
  std::map<std::string, WorkflowOps> by_name;
  auto of = [&](const std::string& name) -> WorkflowOps& {
    WorkflowOps& w = by_name[name];
    w.workflow = name;
    return w;
  };
  for (const OpsRun& r : data.runs) {
    WorkflowOps& w = of(r.workflow);
    ++w.runs;
    if (r.status == "succeeded") ++w.succeeded;
    if (r.status == "failed") ++w.failed;
    // A run still going before its deadline may yet make it: not counted.
    if (r.deadline && (r.finished || now > *r.deadline)) {
      ++w.with_deadline;
      if (r.finished && *r.finished <= *r.deadline) ++w.on_time;
    }
  }
  std::map<std::string, std::vector<TaskEnd>> ends;
  std::map<std::pair<std::string, std::string>, std::vector<RecurringFailure>> failures;  // by workflow
  for (const OpsTaskRun& t : data.task_runs) {
    WorkflowOps& w = of(t.workflow);
    if (t.tries > 1) w.retries += t.tries - 1;
    if (t.finished && (t.state == "succeeded" || is_failure(t.state))) {
      ends[t.workflow].push_back({t.task, *t.finished, t.state == "succeeded"});
    }
    // A readiness wait that ran out fails the task on a `not_ready` probe
    // (class timeout): a source late day after day is a recurring failure too.
    bool failed_attempt = t.final_outcome == "failed" ||
                          (t.final_outcome == "not_ready" && !t.final_error_class.empty());
    if (!is_failure(t.state) || !failed_attempt) continue;
    TimePoint seen = t.final_finished ? *t.final_finished : t.finished.value_or(TimePoint{});
    std::vector<RecurringFailure>& list = failures[{t.workflow, t.task}];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const RecurringFailure& f) { return f.error_class == t.final_error_class; });
    if (it == list.end()) it = list.insert(list.end(), {t.task, t.final_error_class, 0, seen});
    ++it->count;
    it->last_seen = std::max(it->last_seen, seen);
  }
  for (const auto& [key, list] : failures) {
    for (const RecurringFailure& f : list) {
      if (f.count >= 2) of(key.first).recurring.push_back(f);
    }
  }
  std::map<std::string, std::vector<OpsAlert>> alerts;
  for (const OpsAlert& a : data.alerts) alerts[a.workflow].push_back(a);
  for (const auto& [name, list] : alerts) of(name).alerts = count_alerts(list);

  std::vector<WorkflowOps> out;
  for (auto& [name, w] : by_name) {
    w.recovery = mean_time_to_recovery(ends[name]);
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

}  // namespace flowc::cli
