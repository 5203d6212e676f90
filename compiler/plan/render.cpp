// The human form of a plan (`flowc plan`). One section per task, in run
// order; SQL is printed exactly as sent, followed by its parameter values.
#include "compiler/plan/render.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/diagnostics/render.h"
#include "compiler/dsn/withhold.h"
#include "compiler/plan/text.h"
#include "compiler/source/lines.h"
#include "compiler/spelling/spelling.h"

namespace flowc::plan {

namespace {

/// `text`'s lines, each after `prefix` (but empty ones). Lines end as an
/// editor shows them (compiler/source/lines.h), so a `.sql` file with CRLF
/// or classic Mac line ends reads as written rather than with `␍`s.
std::string indent(const std::string& text, std::string_view prefix) {
  std::string out;
  for (size_t start = 0; start != std::string_view::npos;) {
    LineSpan span = line_at(text, start);
    std::string_view line(text.data() + start, span.content_end - start);
    out += line.empty() ? std::string() : std::string(prefix) + std::string(line);
    out += '\n';
    start = span.next;
  }
  return out;
}

/// `value` quoted as SQL writes it, on one line: it is shown in a one-line
/// `--` comment, where a line break would print a line that reads as SQL
/// sent, and a tab or another control character as a control picture
/// (cli.md, Conventions).
std::string sql_quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return printable(out + "'");
}

/// The SQL, then `-- $1 = '2026-11-24' (date)` for each parameter.
void print_statement(std::ostream& out, const std::string& sql, const std::vector<BoundParam>& params,
                     std::string_view prefix) {
  std::string text = sql;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  out << indent(text, prefix);
  for (size_t i = 0; i < params.size(); ++i) {
    out << prefix
        << fmt::format("-- ${} = {} ({}, param {})\n", i + 1, sql_quote(params[i].value), params[i].sql_type,
                       params[i].name);
  }
}

std::string retry_text(const RetryPolicy& r) {
  if (r.retries == 0) return "no retries";
  std::string backoff =
      r.exponential ? fmt::format("exponential {} up to {}", spelling::duration_text(r.initial_seconds),
                                  spelling::duration_text(r.max_seconds))
                    : fmt::format("fixed {}", spelling::duration_text(r.initial_seconds));
  return fmt::format("{} {} ({}, on {} errors)", r.retries, r.retries == 1 ? "retry" : "retries", backoff,
                     r.on_any ? "all" : "transient");
}

std::string mode_text(const Task& t) {
  switch (t.mode) {
    case WriteMode::OverwritePartition: return fmt::format("overwrite_partition({})", t.partition_column);
    case WriteMode::Merge: return fmt::format("merge(key = [{}])", fmt::join(t.merge_key, ", "));
    default: return std::string(to_string(t.mode));
  }
}

/// An argv as one shell command line, a secret each argument spells out
/// withheld (a password, a chat service's webhook token, `?token=...`): found
/// in the text the program gets, then quoted. The plan's argv stays whole
/// (the runtime runs it); a CI log of the plan is read by more people than
/// the repository.
std::string shown_words(const std::vector<std::string>& argv) {
  std::vector<std::string> shown;
  for (const std::string& argument : argv) shown.push_back(dsn::withhold_secrets(argument));
  return shell_words(shown);
}

std::string channel_text(const Channel& c) {
  std::string out(to_string(c.kind));
  switch (c.kind) {
    case Channel::Kind::Webhook:
      out += " " + (c.secret_env.empty() ? (c.args.empty() ? std::string() : dsn::withhold_secrets(c.args[0]))
                                         : "env(" + c.secret_env + ")");
      break;
    case Channel::Kind::Command: out += " " + shown_words(c.args); break;
    case Channel::Kind::Jsonl: out += " " + (c.args.empty() ? std::string() : c.args[0]); break;
    case Channel::Kind::Stderr: break;
  }
  if (!c.env_secrets.empty()) {
    std::vector<std::string> names;
    for (const std::string& name : c.env_secrets) names.push_back("env(" + name + ")");
    out += fmt::format(" with {}", fmt::join(names, ", "));
  }
  return out;
}

void print_metric_query(std::ostream& out, const MetricQuery& q, std::string_view prefix) {
  print_statement(out, q.statement.sql, q.statement.params, prefix);
}

void print_header(const Plan& p, std::ostream& out) {
  // A project without a `project` block has no name.
  out << fmt::format("plan: workflow {}{}, ds {}, {}\n", p.workflow,
                     p.project.empty() ? std::string() : " of project " + p.project, p.ds,
                     p.env.empty() ? "production" : "environment " + p.env);
  auto row = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) out << fmt::format("  {:<12} {}\n", key, value);
  };
  std::string stage(to_string(p.stage));
  if (p.stage == Stage::Mirror) {
    stage += ": outputs go to `<schema>__mirror`, compared with the legacy tables";
  }
  if (p.stage == Stage::Model) stage += ": runs only with --env";
  row("stage", stage);
  std::string dsn = !p.target_dsn_env.empty() ? "dsn from env(" + p.target_dsn_env + ")"
                    // A plain DSN has no password: `flowc check` refuses one (E0203).
                    : !p.target_dsn.empty()   ? "dsn " + p.target_dsn
                                              : "no dsn: --dsn or the private local cluster";
  row("target", p.target.empty() ? fmt::format("({})", dsn) : fmt::format("{} ({})", p.target, dsn));
  row("owner", p.owner);
  if (!p.schedule.empty()) row("schedule", fmt::format("cron \"{}\" in {}", p.schedule, p.time_zone));
  if (p.deadline_seconds) {
    row("deadline", fmt::format("{} {}", spelling::time_of_day_text(*p.deadline_seconds), p.time_zone));
  }
  row("concurrency", std::to_string(p.concurrency));
  if (p.replaces) {
    const LegacyJob& l = *p.replaces;
    std::string cutover = p.stage == Stage::Production
                              ? std::string()
                              : fmt::format(", cutover after {} clean mirror runs", p.cutover_after);
    row("replaces", fmt::format("legacy job {} ({}; writes {}){}", l.name, l.enabled ? "enabled" : "disabled",
                                fmt::join(l.writes, ", "), cutover));
  }
  row("state", "schema " + p.state_schema);
  for (size_t i = 0; i < p.params.size(); ++i) {
    out << fmt::format("  {:<12} {} = {} ({})\n", i == 0 ? "params" : "", p.params[i].name,
                       sql_quote(p.params[i].value), p.params[i].sql_type);
  }
  row("hash", p.hash);
}

void print_checks(const Task& t, std::ostream& out) {
  if (!t.metrics) return;
  const MetricQuery& q = *t.metrics;
  out << fmt::format("   expectations: one query on {}{}\n", q.table.dotted(),
                     q.partition.empty() ? std::string(", whole table") : ", where " + q.partition);
  print_metric_query(out, q, "     ");
  for (const Check& c : t.checks) {
    std::string condition = condition_text(t.conditions, c.condition, q.metrics);
    out << fmt::format("     {} {}", c.warn ? "warn" : "fail", c.name);
    if (condition != c.name) out << fmt::format("  [{}]", condition);
    out << "\n";
  }
}

void print_task(const Plan& p, size_t index, std::ostream& out) {
  const Task& t = p.tasks[index];
  std::string table = t.output ? t.output->dotted() : std::string();
  out << fmt::format("{}. {} {}", index + 1, to_string(t.kind), t.name);
  if (t.kind == TaskKind::Source) {
    out << fmt::format(": reads {}\n", table);
  } else if (t.output) {
    out << fmt::format(": {} {}\n",
                       t.kind == TaskKind::Command ? "loads" : "writes " + mode_text(t) + " into", table);
  } else {
    out << "\n";
  }
  std::vector<std::string> after;
  for (uint32_t d : t.deps) after.push_back(p.tasks[d].name);
  for (const ExternalDependency& e : t.external) {
    after.push_back(fmt::format("{}.{} (other workflow: wait up to {}, poll {})", e.workflow, e.task,
                                spelling::duration_text(e.wait_seconds),
                                spelling::duration_text(e.poll_seconds)));
  }
  if (!after.empty()) out << fmt::format("   after: {}\n", fmt::join(after, ", "));
  if (t.readiness) {
    const Readiness& r = *t.readiness;
    out << fmt::format("   ready when {} (poll every {}, give up after {})\n", r.text,
                       spelling::duration_text(r.poll_seconds), spelling::duration_text(r.wait_seconds));
    out << fmt::format("     [{}]\n", condition_text(r.conditions, r.condition, r.metrics.metrics));
    print_metric_query(out, r.metrics, "     ");
  }
  if (t.kind == TaskKind::Sql) {
    out << fmt::format("   sql ({}:{}):\n", t.sql_origin.file, t.sql_origin.line);
    print_statement(out, t.select.sql, t.select.params, "     ");
  }
  if (t.kind == TaskKind::Command) {
    out << fmt::format("   run: {}\n", shown_words(t.argv));
    if (!t.env_secrets.empty()) out << fmt::format("   env: {}\n", fmt::join(t.env_secrets, ", "));
  }
  print_checks(t, out);
  if (t.parity) {
    const Parity& par = *t.parity;
    out << fmt::format("   parity: {} against legacy {}{}\n", par.mirror.dotted(), par.legacy.dotted(),
                       par.partition.empty() ? std::string(", whole tables") : ", where " + par.partition);
    out << fmt::format("     compare {}{}{}\n", fmt::join(par.metric_labels, ", "),
                       !par.key.empty()   ? fmt::format("; keyed diff on ({})", fmt::join(par.key, ", "))
                       : par.compare_rows ? std::string("; row diff (no key)")
                                          : std::string(),
                       par.ignore.empty() || (par.key.empty() && !par.compare_rows)
                           ? std::string()
                           : fmt::format(", ignoring {}", fmt::join(par.ignore, ", ")));
    for (size_t i = 0; i < par.params.size(); ++i) {
      out << fmt::format("     -- ${} = {} ({}, param {})\n", i + 1, sql_quote(par.params[i].value),
                         par.params[i].sql_type, par.params[i].name);
    }
    for (const BoundParam& column : par.run_columns)
      out << fmt::format(
          "     when both tables have column {0}: this run's rows only (where {0} = {1}), row diff\n",
          column.name, sql_quote(column.value));
  }
  if (t.kind != TaskKind::Source) {
    std::string policy = retry_text(t.retry);
    policy +=
        t.timeout_seconds > 0 ? ", timeout " + spelling::duration_text(t.timeout_seconds) : ", no timeout";
    if (t.publish) policy += ", published";
    policy += t.idempotent ? ", idempotent" : ", not idempotent";
    out << "   policy: " << policy << "\n";
  }
  const Impact i = impact_of(p, static_cast<uint32_t>(index));
  if (!i.tasks.empty()) out << fmt::format("   on failure blocks: {}\n", fmt::join(i.tasks, ", "));
  if (!i.tables.empty()) out << fmt::format("   stale tables: {}\n", fmt::join(i.tables, ", "));
  if (!i.published.empty()) out << fmt::format("   published: {}\n", fmt::join(i.published, ", "));
  if (!i.legacy_consumers.empty()) {
    out << fmt::format("   consumers: {}\n", fmt::join(i.legacy_consumers, ", "));
  }
}

void print_alerts(const Plan& p, std::ostream& out) {
  out << "alerts:\n";
  auto alert = [&](std::string_view when, const std::optional<AlertSpec>& spec) {
    if (!spec || spec->route >= p.routes.size()) {
      out << fmt::format("  {:<11} -\n", when);
      return;
    }
    out << fmt::format("  {:<11} route {}, severity {}\n", when, p.routes[spec->route].name,
                       to_string(spec->severity));
  };
  alert("on_failure", p.on_failure);
  alert("on_late", p.on_late);
  alert("on_warning", p.on_warning);
  for (const Route& r : p.routes) {
    out << fmt::format("  route {}: owner {}, min severity {}, repeat {}\n", r.name,
                       r.owner.empty() ? "-" : r.owner, to_string(r.min_severity),
                       spelling::duration_text(r.repeat_seconds));
    for (const Channel& c : r.channels) out << "    " << channel_text(c) << "\n";
  }
}

std::string literal_text(const Literal& l) {
  return l.kind == ValueKind::Text ? "\"" + l.text + "\"" : l.text;
}

}  // namespace

std::string condition_text(const std::vector<Condition>& conditions, uint32_t root,
                           const std::vector<Metric>& metrics) {
  if (root >= conditions.size()) return "?";
  const Condition& c = conditions[root];
  std::string metric = c.metric < metrics.size() ? metrics[c.metric].label : "?";
  auto lit = [&](size_t i) { return i < c.literals.size() ? literal_text(c.literals[i]) : std::string("?"); };
  auto operand = [&](size_t i, bool group) {
    if (i >= c.operands.size()) return std::string("?");
    std::string text = condition_text(conditions, c.operands[i], metrics);
    Condition::Kind kind =
        c.operands[i] < conditions.size() ? conditions[c.operands[i]].kind : Condition::Kind::Const;
    bool compound = kind == Condition::Kind::And || kind == Condition::Kind::Or;
    return group && compound && kind != c.kind ? "(" + text + ")" : text;
  };
  switch (c.kind) {
    case Condition::Kind::Compare: return fmt::format("{} {} {}", metric, to_string(c.op), lit(0));
    case Condition::Kind::InRange: return fmt::format("{} in {} .. {}", metric, lit(0), lit(1));
    case Condition::Kind::InList: {
      std::vector<std::string> items;
      for (size_t i = 0; i < c.literals.size(); ++i) items.push_back(lit(i));
      return fmt::format("{} in [{}]", metric, fmt::join(items, ", "));
    }
    case Condition::Kind::Change: return fmt::format("{} change {} {}", metric, to_string(c.op), lit(0));
    case Condition::Kind::And:
    case Condition::Kind::Or: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < c.operands.size(); ++i) parts.push_back(operand(i, true));
      return fmt::format("{}", fmt::join(parts, c.kind == Condition::Kind::And ? " and " : " or "));
    }
    case Condition::Kind::Not: {
      std::string inner = operand(0, false);
      bool compound = !c.operands.empty() && c.operands[0] < conditions.size() &&
                      (conditions[c.operands[0]].kind == Condition::Kind::And ||
                       conditions[c.operands[0]].kind == Condition::Kind::Or);
      return compound ? "not (" + inner + ")" : "not " + inner;
    }
    case Condition::Kind::Const: return !c.literals.empty() && c.literals[0].number != 0 ? "true" : "false";
  }
  return "?";
}

void render_human(const Plan& p, std::ostream& out) {
  print_header(p, out);
  out << fmt::format("\ntasks, in run order ({}):\n", p.tasks.size());
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    out << "\n";
    print_task(p, i, out);
  }
  out << "\n";
  print_alerts(p, out);
}

}  // namespace flowc::plan
