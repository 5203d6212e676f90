#include "runtime/materialize/prepare.h"

#include <fmt/format.h>

#include <set>
#include <span>

#include "runtime/materialize/error_position.h"
#include "runtime/materialize/sql_session.h"

namespace flowc::runtime {

namespace {

using materialize_detail::error_line;
using materialize_detail::error_line_column;
using materialize_detail::quote_table;
using materialize_detail::strip_statement;

/// The index of the select-list item of `select m0, m1, ... from` that holds
/// byte `offset` (0-based), or nullopt.
std::optional<size_t> select_item_at(std::string_view sql, size_t offset) {
  size_t start = sql.find("select ");
  if (start == std::string_view::npos || offset < start) return std::nullopt;
  size_t item = 0;
  int depth = 0;
  char quote = 0;
  for (size_t i = start + 7; i < sql.size() && i < offset; ++i) {
    char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      ++item;
    } else if (depth == 0 && sql.substr(i).starts_with(" from ")) {
      return std::nullopt;
    }
  }
  return item;
}

/// A statement ran out of its lock_timeout or statement_timeout: the check
/// ends there (every later statement would wait as long).
struct GaveUp {
  PrepareProblem problem;
};

struct Checker {
  pqxx::work& tx;
  const plan::Plan& plan;
  std::vector<PrepareProblem> problems;
  std::set<std::string> missing;  // quoted outputs that could not be created
  int counter = 0;

  /// Sends `head` + "\n" + statement text in a savepoint; true when it passed.
  /// A 42P01 on a statement that names a table upstream failed to create is
  /// a consequence, not a problem of its own.
  bool send(const plan::Task& task, std::string_view kind, const plan::Origin& origin, const std::string& head,
            const std::string& sql, PrepareProblem* out = nullptr, const std::vector<plan::BoundParam>& params = {}) {
    std::string text = strip_statement(sql);
    std::string sent = head + "\n" + text;
    try {
      pqxx::subtransaction sub(tx, "flowc_check");
      if (params.empty()) {
        sub.exec(sent);
      } else {
        std::vector<std::string> values;
        for (const plan::BoundParam& p : params) values.push_back(p.value);
        sub.exec_params(sent, pqxx::prepare::make_dynamic_params(values));
      }
      sub.commit();
      return true;
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == "55P03" || e.sqlstate() == "57014") throw GaveUp{gave_up(task, kind, origin, e, text)};
      if (e.sqlstate() == "42P01")
        for (const std::string& table : missing)
          if (text.find(table) != std::string::npos) return false;
      PrepareProblem p;
      p.task = task.name;
      p.origin = origin;
      p.statement = std::string(kind);
      p.message = error_line(e.what());
      p.sqlstate = e.sqlstate();
      p.sql = text;
      if (auto lc = error_line_column(e.what(), sent); lc && lc->first > 1) {
        p.line = lc->first - 1;  // the head is one line
        p.column = lc->second;
        uint32_t offset = 0, line = 1;
        for (char c : text) {
          if (line == p.line) break;
          ++offset;
          if (c == '\n') ++line;
        }
        p.position = offset + p.column;
      }
      if (out) *out = p;
      problems.push_back(std::move(p));
      return false;
    }
  }

  /// What a statement that waited too long is said to be.
  PrepareProblem gave_up(const plan::Task& task, std::string_view kind, const plan::Origin& origin,
                         const pqxx::sql_error& e, const std::string& text) {
    PrepareProblem p;
    p.task = task.name;
    p.origin = origin;
    p.statement = std::string(kind);
    p.sqlstate = e.sqlstate();
    p.sql = text;
    p.gave_up = true;
    // `canceling statement due to lock timeout` says neither how long nor why.
    if (e.sqlstate() == "55P03") {
      p.message = fmt::format("waited {} (lock_timeout) for a lock that another session holds on a table it uses",
                              setting("lock_timeout"));
    } else {
      p.message = fmt::format("still running after {} (statement_timeout)", setting("statement_timeout"));
    }
    return p;
  }

  std::string setting(const std::string& name) {
    try {
      return tx.exec1("select current_setting(" + tx.quote(name) + ")")[0].as<std::string>();
    } catch (const std::exception&) {
      return name;
    }
  }

  /// PREPAREs a statement (checking it without running it), then frees it.
  bool prepare(const plan::Task& task, std::string_view kind, const plan::Origin& origin, const std::string& sql,
               PrepareProblem* out = nullptr) {
    std::string name = fmt::format("flowc_check_{}", ++counter);
    if (!send(task, kind, origin, "prepare " + name + " as", sql, out)) return false;
    tx.exec0("deallocate " + name);  // PREPARE outlives a rollback
    return true;
  }

  void create_output(const plan::Task& task, const plan::TableName& table) {
    std::string head = "create table if not exists " + quote_table(table) + " as";
    // Unlike PREPARE, CREATE TABLE AS needs its parameters' values.
    if (!send(task, "output table", task.sql_origin, head, strip_statement(task.select.sql) + "\nwith no data", nullptr,
              task.select.params))
      missing.insert(quote_table(table));
  }

  /// The origin of the check whose metric holds the error, else of the first check.
  plan::Origin expectation_origin(const plan::Task& task, const PrepareProblem& p) {
    plan::Origin origin = task.checks.empty() ? task.origin : task.checks[0].origin;
    if (!p.position || !task.metrics) return origin;
    std::optional<size_t> metric = select_item_at(p.sql, *p.position - 1);
    if (!metric || *metric >= task.metrics->metrics.size()) return origin;
    for (const plan::Check& check : task.checks) {
      // The first check whose condition tree reads the metric.
      std::vector<uint32_t> stack = {check.condition};
      while (!stack.empty()) {
        uint32_t i = stack.back();
        stack.pop_back();
        if (i >= task.conditions.size()) continue;
        const plan::Condition& c = task.conditions[i];
        if (c.kind == plan::Condition::Kind::And || c.kind == plan::Condition::Kind::Or ||
            c.kind == plan::Condition::Kind::Not) {
          stack.insert(stack.end(), c.operands.begin(), c.operands.end());
        } else if (c.kind != plan::Condition::Kind::Const && c.metric == *metric) {
          return check.origin;
        }
      }
    }
    return origin;
  }

  /// What the write mode itself names: the partition column and its param,
  /// the merge key (in the output table, as the runner will use them).
  void write_mode(const plan::Task& t) {
    std::string target = quote_table(*t.output);
    if (t.mode == plan::WriteMode::OverwritePartition) {
      const plan::BoundParam* param = nullptr;
      for (const auto& p : t.select.params)
        if (p.name == t.partition_column) param = &p;
      for (const auto& p : plan.params)
        if (!param && p.name == t.partition_column) param = &p;
      std::string type = param ? param->sql_type : "text";
      prepare(t, "partition column", t.origin,
              fmt::format("delete from {} where {} = $1::{}", target, plan::quote_identifier(t.partition_column), type));
    } else if (t.mode == plan::WriteMode::Merge) {
      std::string key;
      for (const std::string& k : t.merge_key) key += (key.empty() ? "" : ", ") + plan::quote_identifier(k);
      prepare(t, "merge key", t.origin, fmt::format("select {} from {}", key, target));
    }
  }

  void metrics(const plan::Task& task, const plan::MetricQuery& query, std::string_view kind,
               const plan::Origin& fallback) {
    PrepareProblem p;
    if (prepare(task, kind, fallback, query.statement.sql, &p)) return;
    if (kind == "expectations" && !p.sql.empty())  // reported: problems.back() is p
      problems.back().origin = expectation_origin(task, p);
  }

  /// Each `compare` metric of a mirror parity, as the run queries it after
  /// writing: on the mirror table (created above from the task's select),
  /// then on the legacy table. One problem per metric, at its `compare`
  /// element; a legacy table that does not exist is said once.
  void parity(const plan::Task& t) {
    const plan::Parity& p = *t.parity;
    for (size_t i = 0; i < p.metric_sql.size(); ++i) {
      const plan::Origin& origin = i < p.metric_origins.size() ? p.metric_origins[i] : t.origin;
      std::span<const std::string> metric(&p.metric_sql[i], 1);
      if (!prepare(t, "`compare` metric on the mirror table " + p.mirror.dotted(), origin,
                   plan::parity_query(p, metric, plan::ParitySide::Mirror)))
        continue;
      PrepareProblem problem;
      if (!prepare(t, "`compare` metric on the legacy table " + p.legacy.dotted(), origin,
                   plan::parity_query(p, metric, plan::ParitySide::Legacy), &problem) &&
          problem.sqlstate == "42P01")
        return;
    }
  }

  void task(const plan::Task& t) {
    switch (t.kind) {
      case plan::TaskKind::Command:
        // A command's output exists only once it has run: what reads it (its
        // own expectations too) is not blamed for its absence. When it
        // exists, its expectations are prepared on it.
        if (t.output) missing.insert(quote_table(*t.output));
        break;
      case plan::TaskKind::Source:
        if (t.readiness) metrics(t, t.readiness->metrics, "readiness", t.origin);
        break;
      case plan::TaskKind::Sql:
        // `none` statements may be anything (DDL, several statements): they
        // are only run, never prepared.
        if (t.mode == plan::WriteMode::None) {
          if (t.output) missing.insert(quote_table(*t.output));
          break;
        }
        if (!t.output) break;
        if (!prepare(t, "select", t.sql_origin, t.select.sql)) {
          missing.insert(quote_table(*t.output));
          if (t.mode == plan::WriteMode::Replace) missing.insert(quote_table(t.output->staging()));
          return;  // its expectations would only repeat the problem
        }
        if (t.mode == plan::WriteMode::Replace) create_output(t, t.output->staging());
        create_output(t, *t.output);
        if (missing.count(quote_table(*t.output))) return;
        write_mode(t);
        if (t.parity) parity(t);
        break;
    }
    if (t.metrics) metrics(t, *t.metrics, "expectations", t.checks.empty() ? t.origin : t.checks[0].origin);
  }
};

}  // namespace

std::vector<PrepareProblem> prepare_plan(pqxx::connection& connection, const plan::Plan& plan,
                                         const PrepareLimits& limits) {
  std::vector<PrepareProblem> problems;
  std::string current;
  try {
    pqxx::work tx(connection, "flowc_check");
    // For this transaction only; a limit the session has already is kept.
    for (const auto& [name, limit] : {std::pair{"lock_timeout", limits.lock_timeout},
                                      std::pair{"statement_timeout", limits.statement_timeout}}) {
      if (tx.exec1(fmt::format("select current_setting('{}') = '0'", name))[0].as<bool>())
        tx.exec0(fmt::format("set local {} = {}", name, limit.count()));
    }
    Checker checker{tx, plan, {}, {}, 0};
    try {
      std::set<std::string> schemas;
      for (const plan::Task& t : plan.tasks)
        if (t.output && !t.output->schema.empty() && schemas.insert(t.output->schema).second)
          checker.send(t, "output schema", t.origin,
                       "create schema if not exists " + plan::quote_identifier(t.output->schema), "");
      for (const plan::Task& t : plan.tasks) {
        current = t.name;
        checker.task(t);
      }
    } catch (GaveUp& gave_up) {
      checker.problems.push_back(std::move(gave_up.problem));
    }
    problems = std::move(checker.problems);
    tx.abort();
  } catch (const std::exception& e) {
    // A lost connection or a failed rollback: say so on the task it hit.
    PrepareProblem p;
    p.task = current;
    p.statement = "connection";
    p.message = error_line(e.what());
    if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) p.sqlstate = sql->sqlstate();
    if (dynamic_cast<const pqxx::broken_connection*>(&e)) p.sqlstate = "08006";
    problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace flowc::runtime
