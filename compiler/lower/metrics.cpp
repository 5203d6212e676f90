// Metric SQL (the stdlib's metric `extern fn`s, metrics.flow), the batched
// metric query of one table, and condition trees.
#include "compiler/lower/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "compiler/plan/text.h"
#include "compiler/spelling/spelling.h"
#include "compiler/sql/sql_words.h"

namespace flowc::lower {

using Kind = model::Term::Kind;

namespace {

constexpr std::array kMetricNames{"row_count",
                                  "null_count",
                                  "null_rate",
                                  "distinct_count",
                                  "duplicate_count",
                                  "min",
                                  "max",
                                  "sum",
                                  "avg",
                                  "freshness",
                                  "invalid_count",
                                  "sql",
                                  "partition_exists"};

/// A literal from the .flow file as SQL: strings quoted with '' doubled.
/// They are written by the project's authors, not supplied at run time.
std::string sql_literal(const model::Term& t) {
  switch (t.kind) {
    case Kind::String: {
      std::string out = "'";
      for (char c : t.text) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case Kind::Int: return std::to_string(t.int_value);
    case Kind::Float: return fmt::format("{}", t.float_value);
    case Kind::Bool: return t.int_value != 0 ? "true" : "false";
    case Kind::Date: return "'" + date_text(t.int_value) + "'";
    default: return "'" + t.text + "'";
  }
}

std::string_view op_text(syntax::CompareOp op) { return plan::to_string(static_cast<plan::CompareOp>(op)); }

/// Column names of a metric argument: one Column, or a List of them (a variadic parameter).
std::vector<std::string> columns(const model::Model& model, model::TermId id) {
  const model::Term& t = model.term(id);
  if (t.kind == Kind::Column) return {t.text};
  std::vector<std::string> out;
  if (t.kind == Kind::List) {
    for (model::TermId e : model.operands(id)) {
      if (model.term(e).kind == Kind::Column) out.push_back(model.term(e).text);
    }
  }
  return out;
}

std::string joined_columns(const std::vector<std::string>& cols, std::string_view separator,
                           std::string_view suffix = "") {
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i > 0) out += separator;
    out += plan::quote_identifier(cols[i]);
    out += suffix;
  }
  return out;
}

std::string template_text(const Context& context, const model::SqlTemplate& sql) {
  std::string out;
  for (const model::TemplatePart& part : sql.parts) {
    switch (part.kind) {
      case model::TemplatePart::Kind::Text: out += part.text; break;
      case model::TemplatePart::Kind::Param: out += "${" + part.text + "}"; break;
      case model::TemplatePart::Kind::Self: out += "${self}"; break;
      case model::TemplatePart::Kind::Table: {
        const model::Node& node = context.model.node(part.node);
        std::string name = node.name;
        if (node.workflow != context.workflow_id) {
          name.insert(0, context.model.workflow(node.workflow).name + ".");
        }
        out += "${" + name + "}";
        break;
      }
    }
  }
  return out;
}

plan::ValueKind value_kind_of(model::TypeKind type) {
  using model::TypeKind;
  switch (type) {
    case TypeKind::Int: return plan::ValueKind::Int;
    case TypeKind::Float: return plan::ValueKind::Float;
    case TypeKind::Percent: return plan::ValueKind::Percent;
    case TypeKind::Duration: return plan::ValueKind::Duration;
    case TypeKind::Date: return plan::ValueKind::Date;
    case TypeKind::Time: return plan::ValueKind::Time;
    case TypeKind::Bool: return plan::ValueKind::Bool;
    case TypeKind::String: return plan::ValueKind::Text;
    default: return plan::ValueKind::Any;
  }
}

/// A literal operand, in the units metrics are fetched in (plan.h).
plan::Literal literal(const Context& context, model::TermId id) {
  const model::Term& t = context.model.term(id);
  plan::Literal out;
  // A float as written (`12345678901234567.88`), which the runtime compares
  // exactly with a numeric metric; its term_text is the double's.
  out.text =
      t.kind == Kind::String || (t.kind == Kind::Float && !t.text.empty()) ? t.text : term_text(context, id);
  switch (t.kind) {
    case Kind::Bool:
      out.kind = plan::ValueKind::Bool;
      out.number = double(t.int_value);
      break;
    case Kind::Int:
      out.kind = plan::ValueKind::Int;
      out.number = double(t.int_value);
      break;
    case Kind::Float:
      out.kind = plan::ValueKind::Float;
      out.number = t.float_value;
      break;
    case Kind::Percent:
      out.kind = plan::ValueKind::Percent;
      out.number = t.float_value;
      break;
    case Kind::Duration:
      out.kind = plan::ValueKind::Duration;
      out.number = double(t.int_value);
      break;
    case Kind::Date:
      out.kind = plan::ValueKind::Date;
      out.number = double(t.int_value);
      out.text = date_text(t.int_value);
      break;
    case Kind::Time:
      out.kind = plan::ValueKind::Time;
      out.number = double(t.int_value);
      break;
    case Kind::Ref: {
      // A param compared with a metric: its value for this run.
      const ParamValue* p = context.param(t.text);
      if (p == nullptr) break;
      out.kind = value_kind_of(p->type);
      out.text = p->value;
      try {
        out.number = std::stod(p->value);
      } catch (...) {  // not a number (a date, a string): compared as text
        out.number = 0;
      }
      break;
    }
    default: out.kind = plan::ValueKind::Text; break;
  }
  return out;
}

plan::CompareOp flipped(plan::CompareOp op) {
  switch (op) {
    case plan::CompareOp::Lt: return plan::CompareOp::Gt;
    case plan::CompareOp::Le: return plan::CompareOp::Ge;
    case plan::CompareOp::Gt: return plan::CompareOp::Lt;
    case plan::CompareOp::Ge: return plan::CompareOp::Le;
    default: return op;
  }
}

uint32_t push(std::vector<plan::Condition>& conditions, plan::Condition c) {
  conditions.push_back(std::move(c));
  return static_cast<uint32_t>(conditions.size() - 1);
}

}  // namespace

bool is_metric_call(const model::Model& model, model::TermId term) {
  const model::Term& t = model.term(term);
  if (t.kind != Kind::Call) return false;
  return std::find(kMetricNames.begin(), kMetricNames.end(), t.text) != kMetricNames.end();
}

std::string term_text(const Context& context, model::TermId id) {
  const model::Model& model = context.model;
  const model::Term& t = model.term(id);
  auto ops = model.operands(id);
  auto operand = [&](size_t i) { return i < ops.size() ? term_text(context, ops[i]) : std::string(); };
  switch (t.kind) {
    case Kind::Error: return "<error>";
    case Kind::Bool: return t.int_value != 0 ? "true" : "false";
    case Kind::Int: return std::to_string(t.int_value);
    case Kind::Float: return fmt::format("{}", t.float_value);
    case Kind::Percent: return fmt::format("{}%", t.float_value);
    case Kind::Duration: return spelling::duration_text(t.int_value);
    case Kind::Date: return date_text(t.int_value);
    case Kind::Time: return spelling::time_of_day_text(t.int_value);  // as written: `07:00`
    case Kind::String: return "\"" + t.text + "\"";
    case Kind::Template: {
      auto index = static_cast<size_t>(t.int_value);
      if (index >= model.templates.size()) return "\"\"";
      return "\"" + template_text(context, model.templates[index]) + "\"";
    }
    case Kind::Enum:
    case Kind::Column:
    case Kind::Ref: return t.text;
    case Kind::Self: return "self";
    case Kind::List: {
      std::string out = "[";
      for (size_t i = 0; i < ops.size(); ++i) out += (i > 0 ? ", " : "") + operand(i);
      return out + "]";
    }
    case Kind::Range: return operand(0) + " .. " + operand(1);
    case Kind::Call: {
      std::string args;
      for (size_t i = 0; i < ops.size(); ++i) {
        std::string arg = operand(i);
        const model::Term& a = model.term(ops[i]);
        // A variadic column parameter is one List: written as the columns.
        if (a.kind == Kind::List && (t.text == "null_count" || t.text == "duplicate_count")) {
          arg = arg.substr(1, arg.size() - 2);
        }
        if (t.text == "invalid_count" && i == 1) arg.insert(0, "accepted = ");
        if (i > 0) args += ", ";
        args += arg;
      }
      return t.text + "(" + args + ")";
    }
    case Kind::Compare: return operand(0) + " " + std::string(op_text(t.op)) + " " + operand(1);
    case Kind::In: return operand(0) + " in " + operand(1);
    case Kind::Change: return operand(0) + " change " + std::string(op_text(t.op)) + " " + operand(1);
    case Kind::And:
    case Kind::Or: {
      std::string_view word = t.kind == Kind::And ? " and " : " or ";
      std::string out;
      for (size_t i = 0; i < ops.size(); ++i) {
        std::string part = operand(i);
        // `or` binds looser than `and`: keep the grouping that was written.
        if (t.kind == Kind::And && model.term(ops[i]).kind == Kind::Or) part = "(" + part + ")";
        out += (i > 0 ? std::string(word) : std::string()) + part;
      }
      return out;
    }
    case Kind::Not: {
      const model::Term& inner = model.term(ops.empty() ? id : ops[0]);
      bool group = inner.kind == Kind::And || inner.kind == Kind::Or;
      return "not " + (group ? "(" + operand(0) + ")" : operand(0));
    }
  }
  return "";
}

MetricSql metric_sql(const Context& context, model::TermId call, const plan::TableName& table,
                     ParamBinder& binder) {
  const model::Model& model = context.model;
  const model::Term& t = model.term(call);
  auto ops = model.operands(call);
  std::vector<std::string> cols = ops.empty() ? std::vector<std::string>{} : columns(model, ops[0]);
  std::string col = cols.empty() ? std::string() : plan::quote_identifier(cols[0]);
  MetricSql out;
  out.label = term_text(context, call);
  const std::string& name = t.text;
  if (name == "row_count") {
    out.sql = "count(*)";
  } else if (name == "null_count") {
    out.sql = "count(*) filter (where " + joined_columns(cols, " or ", " is null") + ")";
  } else if (name == "null_rate") {
    // A percent, 0 on an empty table rather than a division by zero.
    out.sql =
        "coalesce(100.0 * count(*) filter (where " + col + " is null) / nullif(count(*), 0), 0)::float8";
    out.kind = plan::ValueKind::Percent;
  } else if (name == "distinct_count") {
    out.sql = "count(distinct " + col + ")";
  } else if (name == "duplicate_count") {
    // count(distinct row(...)) counts NULL keys too (records compare NULLs
    // as equal), so rows with a NULL key are duplicates of each other
    // exactly as `select distinct` sees them; count(distinct col) would skip them.
    if (cols.size() == 1) {
      // The same count for one column, without building a record per row
      // (about twice as fast): the NULLs are one distinct value.
      out.sql = "count(*) - count(distinct " + col + ") - (count(*) filter (where " + col + " is null) > 0)::int";
    } else {
      out.sql = "count(*) - count(distinct row(" + joined_columns(cols, ", ") + "))";
    }
  } else if (name == "min" || name == "max") {
    out.sql = name + "(" + col + ")::text";
    out.kind = plan::ValueKind::Any;
  } else if (name == "sum") {
    out.sql = "coalesce(sum(" + col + "), 0)::float8";
    out.kind = plan::ValueKind::Float;
  } else if (name == "avg") {
    out.sql = "avg(" + col + ")::float8";
    out.kind = plan::ValueKind::Float;
  } else if (name == "freshness") {
    out.sql = "extract(epoch from now() - max(" + col + ")::timestamptz)::float8";
    out.kind = plan::ValueKind::Duration;
  } else if (name == "invalid_count") {
    std::string accepted;
    if (ops.size() > 1) {
      for (model::TermId v : model.operands(ops[1])) {
        if (!accepted.empty()) accepted += ", ";
        accepted += sql_literal(model.term(v));
      }
    }
    out.sql = "count(*) filter (where " + col + " is not null" +
              (accepted.empty() ? std::string() : " and " + col + " not in (" + accepted + ")") + ")";
  } else if (name == "sql") {
    const model::Term& query = ops.empty() ? t : model.term(ops[0]);
    auto index = static_cast<size_t>(query.int_value);
    std::string text = query.kind == Kind::Template && index < model.templates.size()
                           ? resolve_sql(context, model.templates[index], binder, table)
                           : query.text;
    // A `;` or a comment after the query would end the subquery early.
    text = std::string(sql::without_statement_end(text));
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    out.sql = "(" + text + ")";
    out.kind = plan::ValueKind::Any;
    out.aggregate = false;
  } else if (name == "partition_exists") {
    std::string param = ops.empty() ? std::string("ds") : model.term(ops[0]).text;
    out.sql = "exists(select 1 from " + table.quoted() + " where " + plan::quote_identifier(param) + " = " +
              binder.placeholder(param) + ")::int";
    out.aggregate = false;
  }
  return out;
}

MetricBatch::MetricBatch(const Context& context, plan::TableName table,
                         const std::vector<std::string>& partition_columns)
    : context_(context), table_(std::move(table)), binder_(context), partition_columns_(partition_columns) {}

uint32_t MetricBatch::add(model::TermId call) {
  MetricSql metric = metric_sql(context_, call, table_, binder_);
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].sql == metric.sql) return static_cast<uint32_t>(i);
  }
  entries_.push_back(std::move(metric));
  calls_.push_back(call);
  return static_cast<uint32_t>(entries_.size() - 1);
}

plan::Statement MetricBatch::alone(size_t index) const {
  // Lowered again with params of its own: a statement that binds a param it
  // does not use is an error.
  ParamBinder binder(context_);
  MetricSql metric = metric_sql(context_, calls_[index], table_, binder);
  std::string sql = "select " + metric.sql;
  if (metric.aggregate) {
    sql += " from " + table_.quoted();
    std::string partition;
    for (const std::string& column : partition_columns_) {
      partition += partition.empty() ? " where " : " and ";
      partition += plan::quote_identifier(column) + " = " + binder.placeholder(column);
    }
    sql += partition;
  }
  return plan::Statement{std::move(sql), binder.params()};
}

plan::MetricQuery MetricBatch::finish() const {
  plan::MetricQuery query;
  query.table = table_;
  // The partition's params are bound only when the filter is written (a
  // query of subqueries alone has none): a bound but unused `$n` is an error.
  ParamBinder binder = binder_;
  std::string partition;
  bool scans = std::any_of(entries_.begin(), entries_.end(), [](const MetricSql& m) { return m.aggregate; });
  for (const std::string& column : scans ? partition_columns_ : std::vector<std::string>{}) {
    if (!partition.empty()) partition += " and ";
    partition += plan::quote_identifier(column) + " = " + binder.placeholder(column);
  }
  query.partition = partition;
  std::string sql = "select\n";
  bool any_aggregate = false;
  for (size_t i = 0; i < entries_.size(); ++i) {
    sql += "  " + entries_[i].sql + (i + 1 < entries_.size() ? ",\n" : "\n");
    any_aggregate = any_aggregate || entries_[i].aggregate;
    query.metrics.push_back({entries_[i].label, entries_[i].kind, alone(i)});
  }
  // Without an aggregate, `from table` would return one row per table row:
  // subqueries alone are evaluated once, without scanning.
  if (any_aggregate) {
    sql += "from " + table_.quoted();
    if (!partition.empty()) sql += "\nwhere " + partition;
  } else {
    sql.pop_back();
  }
  query.statement.sql = std::move(sql);
  query.statement.params = binder.params();
  return query;
}

uint32_t lower_condition(const Context& context, model::TermId id, MetricBatch& batch,
                         std::vector<plan::Condition>& conditions) {
  const model::Model& model = context.model;
  const model::Term& t = model.term(id);
  auto ops = model.operands(id);
  plan::Condition c;
  switch (t.kind) {
    case Kind::And:
    case Kind::Or:
    case Kind::Not: {
      c.kind = t.kind == Kind::And  ? plan::Condition::Kind::And
               : t.kind == Kind::Or ? plan::Condition::Kind::Or
                                    : plan::Condition::Kind::Not;
      for (model::TermId op : ops) c.operands.push_back(lower_condition(context, op, batch, conditions));
      return push(conditions, std::move(c));
    }
    case Kind::Compare: {
      if (ops.size() != 2) break;
      c.kind = plan::Condition::Kind::Compare;
      c.op = static_cast<plan::CompareOp>(t.op);
      model::TermId metric = ops[0], value = ops[1];
      if (!is_metric_call(model, metric) && is_metric_call(model, value)) {
        std::swap(metric, value);  // `0 == row_count()` is `row_count() == 0`
        c.op = flipped(c.op);
      }
      if (!is_metric_call(model, metric)) break;
      c.metric = batch.add(metric);
      c.literals.push_back(literal(context, value));
      return push(conditions, std::move(c));
    }
    case Kind::In: {
      if (ops.size() != 2 || !is_metric_call(model, ops[0])) break;
      c.metric = batch.add(ops[0]);
      const model::Term& set = model.term(ops[1]);
      c.kind = set.kind == Kind::Range ? plan::Condition::Kind::InRange : plan::Condition::Kind::InList;
      for (model::TermId v : model.operands(ops[1])) c.literals.push_back(literal(context, v));
      return push(conditions, std::move(c));
    }
    case Kind::Change: {
      if (ops.size() != 2 || !is_metric_call(model, ops[0])) break;
      c.kind = plan::Condition::Kind::Change;
      c.op = static_cast<plan::CompareOp>(t.op);
      c.metric = batch.add(ops[0]);
      c.literals.push_back(literal(context, ops[1]));
      return push(conditions, std::move(c));
    }
    case Kind::Call: {
      // A predicate used as a condition by itself: partition_exists(p) holds when it is 1.
      if (!is_metric_call(model, id)) break;
      c.kind = plan::Condition::Kind::Compare;
      c.op = plan::CompareOp::Eq;
      c.metric = batch.add(id);
      c.literals.push_back({plan::ValueKind::Int, 1, "1"});
      return push(conditions, std::move(c));
    }
    case Kind::Bool: {
      c.kind = plan::Condition::Kind::Const;
      c.literals.push_back(literal(context, id));
      return push(conditions, std::move(c));
    }
    default: break;
  }
  // Not a condition the checker lets through; fail closed rather than pass.
  c = {};
  c.kind = plan::Condition::Kind::Const;
  c.literals.push_back({plan::ValueKind::Bool, 0, term_text(context, id)});
  return push(conditions, std::move(c));
}

}  // namespace flowc::lower
