#include "runtime/materialize/prepare.h"

#include <fmt/format.h>

#include <numeric>
#include <set>
#include <span>

#include "runtime/materialize/error_position.h"
#include "runtime/materialize/server_statement.h"
#include "runtime/materialize/sql_session.h"

namespace flowc::runtime {

namespace {

using materialize_detail::quote_table;
using plan::strip_statement;
using runtime::error_line;

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

/// What is sent for one check: the planned statement `text` (which a
/// problem's position points into) between `head` and `tail`.
struct Sent {
  std::string head;
  std::string text;
  std::string tail;
  std::vector<std::string> params;
  /// When set, the whole is PREPAREd under this name (and `columns` gets
  /// the names of the columns it returns) instead of run.
  std::string prepared_as;
  std::vector<std::string> columns;
  std::vector<std::string> row;  // run, not prepared: its first row, as text
};

/// The name in a message `relation "raw.x" does not exist` or `permission
/// denied for schema staging`, after `lead`.
std::string named_in(const std::string& message, std::string_view lead) {
  if (!message.starts_with(lead)) return "";
  std::string rest = message.substr(lead.size());
  if (rest.starts_with('"')) return rest.substr(1, rest.find('"', 1) - 1);
  return rest.substr(0, rest.find(' '));
}

std::vector<std::string> values_of(const std::vector<plan::BoundParam>& params) {
  std::vector<std::string> values;
  for (const plan::BoundParam& p : params) values.push_back(p.value);
  return values;
}

struct Checker {
  pqxx::work& tx;
  const plan::Plan* plan = nullptr;  // the plan being checked
  std::vector<PrepareProblem> problems;
  /// Dotted names of the outputs that do not exist for this check: their
  /// statement failed, or only running their task (a command, `none`) makes them.
  std::set<std::string> missing;
  std::set<std::string> missing_schemas;  // output schemas that could not be created
  int counter = 0;

  /// Whether an error only repeats an upstream problem: a relation or
  /// schema that could not be made, named by a statement that reads it.
  bool consequence(const materialize_detail::Rejection& r) const {
    // `${}` names a table with its schema: an unqualified name is the
    // SQL's own, which may well be a typo.
    if (r.sqlstate == "42P01") return missing.count(named_in(r.message, "relation ")) > 0;
    if (r.sqlstate == "42501")
      return missing_schemas.count(named_in(r.message, "permission denied for schema ")) > 0;
    if (r.sqlstate == "3F000") return missing_schemas.count(named_in(r.message, "schema ")) > 0;
    return false;
  }

  /// Sends `sent` in a savepoint over the extended protocol (one statement
  /// only: text that hides a second one is refused, never run); true when
  /// it passed. A consequence of an upstream problem is not reported again.
  bool send(const plan::Task& task, std::string_view kind, const plan::Origin& origin, Sent& sent,
            PrepareProblem* out = nullptr) {
    std::string whole = sent.head + sent.text + sent.tail;
    // A savepoint of its own (the statement goes to libpq, which a
    // pqxx::subtransaction would not see: it begins at its first exec).
    tx.exec0("savepoint flowc_check");
    std::optional<materialize_detail::Rejection> r =
        sent.prepared_as.empty()
            ? materialize_detail::run_statement(tx, whole, sent.params, &sent.row)
            : materialize_detail::prepare_statement(tx, sent.prepared_as, whole, sent.columns);
    tx.exec0(r ? "rollback to savepoint flowc_check" : "release savepoint flowc_check");
    if (!r) return true;
    if (r->sqlstate == "55P03" || r->sqlstate == "57014")
      throw GaveUp{gave_up(task, kind, origin, *r, sent.text)};
    if (consequence(*r)) return false;
    PrepareProblem p = problem(task, kind, origin, r->message, r->sqlstate);
    p.sql = sent.text;
    if (r->offset && *r->offset >= sent.head.size() && *r->offset < sent.head.size() + sent.text.size()) {
      size_t offset = *r->offset - sent.head.size();
      p.position = static_cast<uint32_t>(offset + 1);
      p.line = 1;
      size_t line_start = 0;
      for (size_t i = 0; i < offset; ++i)
        if (sent.text[i] == '\n') {
          ++p.line;
          line_start = i + 1;
        }
      p.column = static_cast<uint32_t>(offset - line_start + 1);
    }
    if (out) *out = p;
    problems.push_back(std::move(p));
    return false;
  }

  PrepareProblem problem(const plan::Task& task, std::string_view kind, const plan::Origin& origin,
                         std::string message, std::string sqlstate) const {
    PrepareProblem p;
    p.workflow = plan->workflow;
    p.task = task.name;
    p.origin = origin;
    p.statement = std::string(kind);
    p.message = std::move(message);
    p.sqlstate = std::move(sqlstate);
    return p;
  }

  /// What a statement that waited too long is said to be.
  PrepareProblem gave_up(const plan::Task& task, std::string_view kind, const plan::Origin& origin,
                         const materialize_detail::Rejection& r, const std::string& text) {
    PrepareProblem p = problem(task, kind, origin, "", r.sqlstate);
    p.sql = text;
    p.gave_up = true;
    // `canceling statement due to lock timeout` says neither how long nor why.
    if (r.sqlstate == "55P03") {
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

  /// PREPAREs a statement (checking it without running it) and its
  /// privileges, then frees it; `columns`, when given, gets the names of
  /// the columns it returns.
  bool prepare(const plan::Task& task, std::string_view kind, const plan::Origin& origin,
               const plan::Statement& statement, PrepareProblem* out = nullptr,
               std::vector<std::string>* columns = nullptr) {
    Sent sent{"",
              strip_statement(statement.sql),
              "",
              values_of(statement.params),
              fmt::format("flowc_check_{}", ++counter),
              {},
              {}};
    if (!send(task, kind, origin, sent, out)) return false;
    const bool allowed = privileges(task, kind, origin, sent, out);
    tx.exec0("deallocate " + sent.prepared_as);  // PREPARE outlives a rollback
    if (columns) *columns = std::move(sent.columns);
    return allowed;
  }

  /// What PREPARE does not check: the role's privileges on the tables a
  /// prepared statement reads and writes. PostgreSQL checks them when it
  /// starts executing a statement, and so when EXPLAIN plans one, which
  /// never runs it. Only a refusal is reported: a value the plan cannot
  /// take (a stand-in) is not this check's business.
  bool privileges(const plan::Task& task, std::string_view kind, const plan::Origin& origin,
                  const Sent& prepared, PrepareProblem* out) {
    std::string values;
    for (const std::string& v : prepared.params) values += (values.empty() ? "" : ", ") + tx.quote(v);
    const std::string explain = fmt::format("explain (costs off) execute {}{}", prepared.prepared_as,
                                            values.empty() ? "" : "(" + values + ")");
    tx.exec0("savepoint flowc_check");
    std::optional<materialize_detail::Rejection> r = materialize_detail::run_statement(tx, explain);
    tx.exec0(r ? "rollback to savepoint flowc_check" : "release savepoint flowc_check");
    if (!r) return true;
    if (r->sqlstate == "55P03" || r->sqlstate == "57014")
      throw GaveUp{gave_up(task, kind, origin, *r, prepared.text)};
    if (r->sqlstate != "42501") return true;
    PrepareProblem p = problem(task, kind, origin, r->message, r->sqlstate);
    p.sql = prepared.text;
    if (out) *out = p;
    problems.push_back(std::move(p));
    return false;
  }

  /// Creates `table` from the task's select `with no data` when it does not
  /// exist (an existing one keeps its columns, as a run's insert finds them).
  void create_output(const plan::Task& task, const plan::TableName& table) {
    // Unlike PREPARE, CREATE TABLE AS needs its parameters' values.
    Sent sent{"create table if not exists " + quote_table(table) + " as\n",
              strip_statement(task.select.sql),
              "\nwith no data",
              values_of(task.select.params),
              "",
              {},
              {}};
    if (!send(task, "output table", task.sql_origin, sent)) missing.insert(table.dotted());
  }

  /// A replace builds its table anew, with the select's columns, and swaps
  /// it in: downstream statements must see those columns, not an existing
  /// table's. What the run's swap would refuse (foreign keys referencing
  /// the table; views on it when the columns change) is reported as the run
  /// reports it; a view in its place fails its `drop table` as the run's
  /// does. Else an existing table with other columns is dropped (in this
  /// transaction, which is rolled back; it takes the lock a run's swap
  /// takes, until the check ends) and made again from the select.
  void replace_output(const plan::Task& task) {
    const plan::TableName& table = *task.output;
    const std::string target = quote_table(table);
    Sent leftover{"drop table if exists " + quote_table(table.staging()), "", "", {}, "", {}, {}};
    send(task, "output table", task.sql_origin, leftover);
    create_output(task, table.staging());
    if (missing.count(table.staging().dotted())) {
      missing.insert(table.dotted());
      return;
    }
    Sent old{
        materialize_detail::existing_table_sql(), "", "", {target, quote_table(table.staging())}, "", {}, {}};
    if (!send(task, "output table", task.sql_origin, old)) {
      missing.insert(table.dotted());
      return;
    }
    if (!old.row.empty()) {
      const std::string& kind = old.row[0];
      const std::string why =
          materialize_detail::replace_refusal(target, old.row[1], old.row[2], old.row[3] == "t");
      if (kind != "r" && kind != "p") {
        Sent drop{"drop table " + target, "", "", {}, "", {}, {}};
        send(task, "output table", task.sql_origin, drop);  // not a table: fails as the run's drop does
        return;
      }
      if (!why.empty()) {
        problems.push_back(problem(task, "output table", task.sql_origin, why, ""));
        return;
      }
      if (old.row[3] == "t") return;  // the table as the swap leaves it
      Sent drop{"drop table " + target, "", "", {}, "", {}, {}};
      if (!send(task, "output table", task.sql_origin, drop)) return;
    }
    create_output(task, table);
  }

  /// The insert of an append, merge or overwrite_partition, of the select's
  /// columns into the output as it is (an existing table keeps its
  /// columns): a column it lacks, or of another type, fails the run.
  void insert(const plan::Task& task, const std::vector<std::string>& columns) {
    std::string names;
    for (const std::string& c : columns) names += (names.empty() ? "" : ", ") + plan::quote_identifier(c);
    Sent sent{fmt::format("insert into {} ({})\nselect {} from (\n", quote_table(*task.output), names, names),
              strip_statement(task.select.sql),
              "\n) as flow_select",
              values_of(task.select.params),
              fmt::format("flowc_check_{}", ++counter),
              {},
              {}};
    if (send(task, "insert into the output table", task.sql_origin, sent)) {
      privileges(task, "insert into the output table", task.sql_origin, sent, nullptr);
      tx.exec0("deallocate " + sent.prepared_as);
    }
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
      for (const auto& p : plan->params)
        if (!param && p.name == t.partition_column) param = &p;
      std::string type = param ? param->sql_type : "text";
      plan::Statement remove{fmt::format("delete from {} where {} = $1::{}", target,
                                         plan::quote_identifier(t.partition_column), type),
                             {}};
      if (param) remove.params.push_back(*param);
      prepare(t, "partition column", t.origin, remove);
    } else if (t.mode == plan::WriteMode::Merge) {
      std::string key;
      for (const std::string& k : t.merge_key) key += (key.empty() ? "" : ", ") + plan::quote_identifier(k);
      prepare(t, "merge key", t.origin, {fmt::format("select {} from {}", key, target), {}});
    }
  }

  void metrics(const plan::Task& task, const plan::MetricQuery& query, std::string_view kind,
               const plan::Origin& fallback) {
    PrepareProblem p;
    if (prepare(task, kind, fallback, query.statement, &p)) return;
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
                   {plan::parity_query(p, metric, plan::ParitySide::Mirror), {}}))
        continue;
      PrepareProblem problem;
      if (!prepare(t, "`compare` metric on the legacy table " + p.legacy.dotted(), origin,
                   {plan::parity_query(p, metric, plan::ParitySide::Legacy), {}}, &problem) &&
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
        if (t.output) missing.insert(t.output->dotted());
        break;
      case plan::TaskKind::Source:
        if (t.readiness) metrics(t, t.readiness->metrics, "readiness", t.origin);
        break;
      case plan::TaskKind::Sql:
        // `none` statements may be anything (DDL, several statements): they
        // are only run, never prepared.
        if (t.mode == plan::WriteMode::None) {
          if (t.output) missing.insert(t.output->dotted());
          break;
        }
        if (!t.output) break;
        std::vector<std::string> columns;
        if (!prepare(t, "select", t.sql_origin, t.select, nullptr, &columns)) {
          missing.insert(t.output->dotted());
          if (t.mode == plan::WriteMode::Replace) missing.insert(t.output->staging().dotted());
          return;  // its expectations would only repeat the problem
        }
        if (t.mode == plan::WriteMode::Replace) {
          replace_output(t);
        } else {
          create_output(t, *t.output);
        }
        if (missing.count(t.output->dotted())) return;
        if (t.mode != plan::WriteMode::Replace) insert(t, columns);
        write_mode(t);
        if (t.parity) parity(t);
        break;
    }
    if (t.metrics) metrics(t, *t.metrics, "expectations", t.checks.empty() ? t.origin : t.checks[0].origin);
  }
};

/// The tasks of `plans` in an order where each comes after its upstream
/// tasks: a plan's own order (its dependency order), advanced plan by plan
/// as far as the tasks of other workflows it waits for are placed; a cycle
/// across workflows (which E0306 forbids) keeps the plans' order.
std::vector<std::pair<const plan::Plan*, const plan::Task*>> task_order(
    const std::vector<plan::Plan>& plans) {
  std::vector<std::pair<const plan::Plan*, const plan::Task*>> order;
  std::set<std::pair<std::string, std::string>> placed;  // workflow, task
  std::set<std::string> workflows;
  for (const plan::Plan& plan : plans) workflows.insert(plan.workflow);
  std::vector<size_t> next(plans.size(), 0);
  auto ready = [&](const plan::Task& t) {
    for (const plan::ExternalDependency& d : t.external)
      if (workflows.count(d.workflow) && !placed.count({d.workflow, d.task})) return false;
    return true;
  };
  auto place = [&](size_t p) {
    const plan::Task& t = plans[p].tasks[next[p]++];
    placed.insert({plans[p].workflow, t.name});
    order.emplace_back(&plans[p], &t);
  };
  const size_t total = std::accumulate(plans.begin(), plans.end(), size_t{0},
                                       [](size_t n, const plan::Plan& p) { return n + p.tasks.size(); });
  while (order.size() < total) {
    bool progress = false;
    for (size_t p = 0; p < plans.size(); ++p)
      while (next[p] < plans[p].tasks.size() && ready(plans[p].tasks[next[p]])) {
        place(p);
        progress = true;
      }
    if (progress) continue;
    for (size_t p = 0; p < plans.size(); ++p)
      if (next[p] < plans[p].tasks.size()) {
        place(p);
        break;
      }
  }
  return order;
}

}  // namespace

std::vector<PrepareProblem> prepare_plans(pqxx::connection& connection, const std::vector<plan::Plan>& plans,
                                          const PrepareLimits& limits) {
  std::vector<PrepareProblem> problems;
  std::string workflow, current;
  try {
    pqxx::work tx(connection, "flowc_check");
    // For this transaction only; a limit the session has already is kept.
    for (const auto& [name, limit] : {std::pair{"lock_timeout", limits.lock_timeout},
                                      std::pair{"statement_timeout", limits.statement_timeout}}) {
      if (tx.exec1(fmt::format("select current_setting('{}') = '0'", name))[0].as<bool>())
        tx.exec0(fmt::format("set local {} = {}", name, limit.count()));
    }
    Checker checker{tx, nullptr, {}, {}, {}, 0};
    try {
      if (tx.exec1("select current_setting('transaction_read_only') = 'on'")[0].as<bool>()) {
        // Every output table is made for the check: nothing can be checked.
        PrepareProblem p;
        p.statement = "session";
        p.gave_up = true;
        p.message =
            "the session is read-only (a standby, or default_transaction_read_only): the check creates the "
            "output tables in a transaction it rolls back, so it needs a session that may write";
        throw GaveUp{std::move(p)};
      }
      std::set<std::string> schemas;
      for (const plan::Plan& plan : plans) {
        checker.plan = &plan;
        workflow = plan.workflow;
        // The schemas of the tables the check creates: a source's is there
        // already, and so may be an output's (CREATE SCHEMA IF NOT EXISTS
        // needs the right to create one even then).
        for (const plan::Task& t : plan.tasks) {
          bool created = t.kind == plan::TaskKind::Sql && t.mode != plan::WriteMode::None;
          if (!created || !t.output || t.output->schema.empty() || !schemas.insert(t.output->schema).second)
            continue;
          if (tx.exec_params1("select count(*) from pg_namespace where nspname = $1", t.output->schema)[0]
                  .as<int>() > 0)
            continue;
          Sent sent{"create schema " + plan::quote_identifier(t.output->schema), "", "", {}, "", {}, {}};
          if (!checker.send(t, "output schema", t.origin, sent))
            checker.missing_schemas.insert(t.output->schema);
        }
      }
      // Task by task across the workflows: each after its upstream tasks,
      // also those of other workflows (`after = [other.task]`), whose
      // outputs it reads; workflows may wait for each other both ways.
      for (const auto& [plan, task] : task_order(plans)) {
        checker.plan = plan;
        workflow = plan->workflow;
        current = task->name;
        checker.task(*task);
      }
    } catch (GaveUp& gave_up) {
      checker.problems.push_back(std::move(gave_up.problem));
    }
    problems = std::move(checker.problems);
    tx.abort();
  } catch (const std::exception& e) {
    // A lost connection or a failed rollback: say so on the task it hit.
    PrepareProblem p;
    p.workflow = workflow;
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
