// Hand-built plans and a fresh database for the runtime/materialize tests.
#pragma once

#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/attempt/attempt.h"
#include "runtime/materialize/runner.h"
#include "tests/support/file_text.h"
#include "tests/support/pg_harness.h"

namespace flowc::testing {

inline plan::BoundParam ds_param(std::string value = "2026-11-24") { return {"ds", "date", std::move(value)}; }

inline plan::Literal number(double n, plan::ValueKind kind = plan::ValueKind::Int) {
  return {kind, n, std::to_string(n)};
}

/// A SQL task writing `schema.name` from `select` (params: ds when it says $1).
inline plan::Task sql_task(std::string name, plan::TableName output, plan::WriteMode mode, std::string select,
                           std::vector<plan::BoundParam> params = {}) {
  plan::Task t;
  t.name = std::move(name);
  t.kind = plan::TaskKind::Sql;
  t.output = std::move(output);
  t.mode = mode;
  t.select = {std::move(select), std::move(params)};
  t.origin = {"wf.flow", 10, 3};
  t.sql_origin = {"wf.flow", 12, 5};
  return t;
}

/// Sets the task's MetricQuery: `select <aggregates> from <table> [where <partition>]`, each
/// metric also alone.
inline void set_metrics(plan::Task& task, plan::TableName table, std::vector<std::pair<std::string, std::string>> metrics,
                        std::string partition = "", std::vector<plan::BoundParam> params = {}) {
  plan::MetricQuery q;
  q.table = table;
  q.partition = partition;
  std::string select;
  const std::string from = " from \"" + table.schema + "\".\"" + table.name + "\"" +
                           (partition.empty() ? "" : " where " + partition);
  for (auto& [label, sql] : metrics) {
    select += (select.empty() ? "" : ", ") + sql;
    q.metrics.push_back({label, plan::ValueKind::Int, plan::Statement{"select " + sql + from, params}});
  }
  q.statement.sql = "select " + select + from;
  q.statement.params = std::move(params);
  task.metrics = std::move(q);
}

/// Adds `expect metric <op> value` as check `name`.
inline void add_check(plan::Task& task, std::string name, bool warn, plan::Condition condition) {
  task.conditions.push_back(std::move(condition));
  plan::Check c;
  c.name = std::move(name);
  c.warn = warn;
  c.condition = static_cast<uint32_t>(task.conditions.size() - 1);
  c.origin = {"wf.flow", 20, 5};
  task.checks.push_back(std::move(c));
}

inline plan::Condition compare(uint32_t metric, plan::CompareOp op, plan::Literal literal) {
  plan::Condition c;
  c.kind = plan::Condition::Kind::Compare;
  c.op = op;
  c.metric = metric;
  c.literals = {std::move(literal)};
  return c;
}

/// One database with raw.orders (ds, order_id, region, amount) for two days.
struct Db {
  std::string dsn = fresh_database("mat");
  pqxx::connection conn{dsn};
  std::string logs = scratch_dir("mat-logs");
  plan::Plan plan;
  runtime::PostgresTaskRunner runner;
  int log_counter = 0;
  std::string last_log_path;

  Db() {
    plan.project = "shop";
    plan.workflow = "daily";
    plan.ds = "2026-11-24";
    plan.params = {ds_param()};
    sql("create schema raw;"
        "create table raw.orders (ds date, order_id int, region text, amount numeric);"
        "insert into raw.orders values "
        "('2026-11-23', 1, 'emea', 10), ('2026-11-23', 2, 'amer', 20),"
        "('2026-11-24', 3, 'emea', 30), ('2026-11-24', 4, 'apac', 40), ('2026-11-24', 5, 'emea', 50)");
  }

  void sql(const std::string& text) {
    pqxx::nontransaction tx(conn);
    tx.exec(text);
  }

  std::string scalar(const std::string& text) {
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(text);
    return r[0][0].is_null() ? "NULL" : r[0][0].c_str();
  }

  /// A checksum of the whole table's contents ("missing" when it does not exist).
  std::string checksum(const std::string& table) {
    if (scalar("select to_regclass('" + table + "') is null") == "t") return "missing";
    return scalar("select coalesce(md5(string_agg(t::text, ',' order by t::text)), 'empty') from " + table + " t");
  }

  uint32_t add(plan::Task task) {
    plan.tasks.push_back(std::move(task));
    return static_cast<uint32_t>(plan.tasks.size() - 1);
  }

  runtime::AttemptContext context(uint32_t task, uint32_t attempt = 1) {
    runtime::AttemptContext c;
    c.plan = &plan;
    c.task = task;
    c.attempt = attempt;
    c.run_id = 42;
    c.worker = "test:1:0";
    c.log_path = logs + "/" + plan.tasks[task].name + "/" + std::to_string(++log_counter) + ".log";
    last_log_path = c.log_path;
    c.target_dsn = dsn;
    c.project_dir = logs;
    c.target = &conn;
    return c;
  }

  runtime::AttemptResult run(uint32_t task) { return runner.run(context(task)); }

  std::string last_log() const { return file_text(last_log_path); }
};

/// The output table most attempt tests write.
inline const plan::TableName kDaily{"analytics", "daily"};
/// A select of one day of raw.orders for it.
inline const char* kDailySelect =
    "select ds, order_id, region, amount * 2 as amount\nfrom \"raw\".\"orders\"\nwhere ds = $1::date;";

}  // namespace flowc::testing
