#include "cli/check_db.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <set>

#include "cli/load.h"
#include "cli/plan_load.h"
#include "compiler/lower/lower.h"
#include "compiler/sql/sql_words.h"
#include "runtime/connect/connect.h"
#include "runtime/connect/secrets.h"
#include "runtime/events/events.h"
#include "runtime/materialize/prepare.h"

namespace flowc::cli {
namespace {

/// The buffer an Origin names: origins are relative to the project root.
std::optional<FileId> find_buffer(const project::Compilation& compilation, const std::string& file) {
  if (std::optional<FileId> id = compilation.sources.find(file)) return id;
  std::string joined = (std::filesystem::path(compilation.root) / file).lexically_normal().string();
  if (std::optional<FileId> id = compilation.sources.find(joined)) return id;
  for (uint32_t i = 0; i < compilation.sources.size(); ++i) {
    FileId id{i};
    std::string path = std::filesystem::path(compilation.sources.buffer(id).path()).lexically_normal().string();
    if (path == joined || path.ends_with("/" + file)) return id;
  }
  return std::nullopt;
}

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// The (possibly qualified) name PostgreSQL's error position points at: as
/// written in the SQL (`"raw"."order"`) and with its quotes removed
/// (`raw.order`). A quoted part may hold anything (`"Raw Data"."My Tbl"`).
struct NameAt {
  std::string written;
  std::string unquoted;
};

NameAt name_at(const std::string& sql, uint32_t position) {
  NameAt name;
  if (position == 0 || position > sql.size()) return name;
  size_t at = position - 1;
  const size_t begin = at;
  while (at < sql.size()) {
    if (sql[at] == '"') {
      size_t i = at + 1;
      for (; i < sql.size(); ++i) {
        if (sql[i] != '"') {
          name.unquoted += sql[i];
        } else if (i + 1 < sql.size() && sql[i + 1] == '"') {
          name.unquoted += '"';
          ++i;
        } else {
          break;
        }
      }
      if (i >= sql.size()) {  // not closed: keep what was read
        at = i;
        break;
      }
      at = i + 1;
    } else if (is_word(sql[at]) || sql[at] == '.') {
      name.unquoted += sql[at++];
    } else {
      break;
    }
  }
  name.written = sql.substr(begin, at - begin);
  while (name.written.ends_with(".")) name.written.pop_back();
  while (name.unquoted.ends_with(".")) name.unquoted.pop_back();
  return name;
}

using Spans = std::vector<std::pair<size_t, size_t>>;  // [begin, end)

/// The quoted names (`"raw"."orders"`) of a statement: where `${}` was
/// resolved, and where the SQL quotes a name itself.
Spans quoted_names(std::string_view sql) {
  Spans spans;
  for (size_t pos = 0; pos < sql.size();) {
    size_t length = 0;
    sql::SqlSpan open = sql::sql_span_opening_at(sql, pos, length);
    if (open.kind == sql::SqlSpan::Kind::Code) {
      ++pos;
      continue;
    }
    size_t end = sql::sql_span_end(sql, pos + length, open);
    if (end == std::string_view::npos) end = sql.size();
    if (open.kind == sql::SqlSpan::Kind::QuotedName) spans.emplace_back(pos, end);
    pos = end;
  }
  return spans;
}

/// The `${...}` written in `file`, as the checked model's templates hold
/// them (an escaped `$${` is text there, as in the statement).
Spans interpolations(const model::Model& model, FileId file) {
  Spans spans;
  for (const model::SqlTemplate& sql : model.templates)
    for (const model::TemplatePart& part : sql.parts)
      if (part.kind != model::TemplatePart::Kind::Text && part.range.file == file)
        spans.emplace_back(part.range.begin, part.range.end);
  return spans;
}

/// The whole-word occurrences of `word` in `text` from `from` on, in order,
/// but those inside `skipped`.
std::vector<size_t> find_words(std::string_view text, const std::string& word, size_t from,
                               const Spans& skipped) {
  std::vector<size_t> found = sql::whole_words(text, word, from);
  std::erase_if(found, [&](size_t at) {
    return std::any_of(skipped.begin(), skipped.end(),
                       [&](const auto& s) { return at >= s.first && at < s.second; });
  });
  return found;
}

/// The table a `${}` part resolved to in `plan`, dotted (`raw.orders`): a
/// task's or source's output, `self` the problem task's; a node of another
/// workflow as its `table` is written.
std::string resolved_table(const model::Model& model, const plan::Plan& plan, const model::TemplatePart& part,
                           const std::string& self) {
  std::string name = self;
  if (part.kind == model::TemplatePart::Kind::Table) {
    if (part.node.index >= model.nodes.size()) return "";
    name = model.nodes[part.node.index].name;
  } else if (part.kind != model::TemplatePart::Kind::Self) {
    return "";
  }
  for (const plan::Task& t : plan.tasks)
    if (t.name == name) return t.output ? t.output->dotted() : "";
  return part.kind == model::TemplatePart::Kind::Table ? model.nodes[part.node.index].table : "";
}

/// Where the problem's task is declared.
std::optional<SourceRange> task_range_of(const model::Model& model, const plan::Plan& plan,
                                         const runtime::PrepareProblem& problem) {
  std::optional<SourceRange> range;
  for (const model::Node& node : model.nodes)
    if (node.name == problem.task && node.workflow.index < model.workflows.size() &&
        model.workflows[node.workflow.index].name == plan.workflow)
      range = node.range;
  return range;
}

/// Whether `[begin, end)` of `file` is the task's text: inside its
/// declaration, or in another file (a `.sql` file is the task's own).
bool in_task(const std::optional<SourceRange>& task_range, FileId file, uint32_t begin, uint32_t end) {
  return !task_range || !(task_range->file == file) || (begin >= task_range->begin && end <= task_range->end);
}

/// Whether `dotted` (`raw.orders`) is `table`; with `relation_only`, whether
/// its relation part is (a privilege refusal names the table without its
/// schema).
bool resolves_to(const std::string& dotted, const std::string& table, bool relation_only) {
  if (!relation_only) return dotted == table;
  const size_t dot = dotted.rfind('.');
  return (dot == std::string::npos ? dotted : dotted.substr(dot + 1)) == table;
}

/// The `${}` that resolved to the relation PostgreSQL did not find (or
/// refused): among the templates written in the task (or in a `.sql`
/// file), the first one at or after `from` in `file`.
std::optional<SourceRange> interpolation_of(const project::Compilation& compilation, const plan::Plan& plan,
                                            const runtime::PrepareProblem& problem, FileId file,
                                            uint32_t from, const std::string& table, bool relation_only) {
  const model::Model& model = compilation.model;
  const std::optional<SourceRange> task_range = task_range_of(model, plan, problem);
  std::optional<SourceRange> best;
  std::set<std::string> resolved;  // the tables the matching `${}` name
  for (const model::SqlTemplate& sql : model.templates) {
    if (!(sql.file == file) || !in_task(task_range, file, sql.range.begin, sql.range.end)) continue;
    for (const model::TemplatePart& part : sql.parts) {
      if (part.range.begin < from) continue;
      const std::string dotted = resolved_table(model, plan, part, problem.task);
      if (!resolves_to(dotted, table, relation_only)) continue;
      resolved.insert(dotted);
      if (!best || part.range.begin < best->begin) best = part.range;
    }
  }
  // By its relation's name alone (a privilege refusal), two tables of that
  // name in other schemas cannot be told apart: no guess.
  if (relation_only && resolved.size() > 1) return std::nullopt;
  return best;
}

/// Where the rejected text is in the source, searched from the statement's
/// origin on (the SQL sent differs from the source only where `${}` was
/// resolved): the name at the error position, as written or unquoted, at
/// the same count of whole-word occurrences as in the statement (a name in
/// a comment or an alias before it counts in both), or, for a relation that
/// does not exist, the `${}` that resolved to it, whichever comes first;
/// else the origin itself.
SourceRange locate(const project::Compilation& compilation, const plan::Plan& plan,
                   const runtime::PrepareProblem& problem) {
  std::optional<FileId> file = find_buffer(compilation, problem.origin.file);
  if (!file) return {};
  const SourceBuffer& buffer = compilation.sources.buffer(*file);
  uint32_t from = buffer.offset_of_utf8(problem.origin.line == 0 ? 0 : problem.origin.line - 1,
                                        problem.origin.column == 0 ? 0 : problem.origin.column - 1);
  NameAt name = problem.position ? name_at(problem.sql, *problem.position) : NameAt{};
  std::string_view text = buffer.text();
  std::optional<SourceRange> best;
  auto consider = [&](SourceRange range) {
    if (!best || range.begin < best->begin) best = range;
  };
  // A name counts where the source and the statement both have it: not in
  // a `${}` of the source, nor in a quoted name of the statement (what `${}`
  // became), unless the name itself is quoted.
  const Spans in_interpolation = interpolations(compilation.model, *file);
  const Spans in_quotes = quoted_names(problem.sql);
  for (const std::string& word : {name.written, name.unquoted}) {
    std::vector<size_t> in_source = find_words(text, word, from, in_interpolation);
    if (in_source.empty()) continue;
    size_t before = 0;
    for (size_t at : find_words(problem.sql, word, 0, word.starts_with('"') ? Spans{} : in_quotes))
      before += at + 1 < *problem.position ? 1 : 0;
    size_t at = in_source[before < in_source.size() ? before : 0];
    consider({*file, static_cast<uint32_t>(at), static_cast<uint32_t>(at + word.size())});
  }
  if (problem.sqlstate == "42P01" && !name.unquoted.empty())
    if (std::optional<SourceRange> part =
            interpolation_of(compilation, plan, problem, *file, from, name.unquoted, false))
      consider(*part);
  // A privilege refusal has no position: the relation's first `${}` or
  // written name in the task (a view, a sequence or a function too).
  std::string refused;
  for (std::string_view kind : {"table ", "view ", "materialized view ", "sequence ", "function "})
    if (const std::string lead = "permission denied for " + std::string(kind);
        problem.message.starts_with(lead))
      refused = problem.message.substr(lead.size());
  if (problem.sqlstate == "42501" && !refused.empty()) {
    if (std::optional<SourceRange> part =
            interpolation_of(compilation, plan, problem, *file, from, refused, true))
      consider(*part);
    // Its first name written in the task's text.
    if (std::vector<size_t> written = find_words(text, refused, from, in_interpolation); !written.empty()) {
      const SourceRange at{*file, static_cast<uint32_t>(written.front()),
                           static_cast<uint32_t>(written.front() + refused.size())};
      if (in_task(task_range_of(compilation.model, plan, problem), *file, at.begin, at.end)) consider(at);
    }
  }
  if (best) return *best;
  return {*file, from, from + 1};
}

/// A value of `type` for a param without a default, spelled as `--param`
/// takes it: PREPARE checks names and types, never values.
std::string stand_in(model::TypeKind type, const std::string& ds) {
  using model::TypeKind;
  switch (type) {
    case TypeKind::Bool: return "false";
    case TypeKind::Int:
    case TypeKind::Float: return "0";
    case TypeKind::Percent: return "0%";
    case TypeKind::Duration: return "1h";
    case TypeKind::Date: return ds;
    case TypeKind::Time: return "00:00";
    case TypeKind::Timestamp: return ds + "T00:00";
    default: return "";
  }
}

/// The options a workflow's plan is checked with: yesterday's ds, the
/// production environment (a `model` workflow, which runs only in an
/// environment, its target's first), and a stand-in for each param without
/// a default.
lower::LowerOptions check_options_of(const model::Model& model, model::WorkflowId workflow,
                                     const std::string& root) {
  lower::LowerOptions options;
  options.ds = default_ds();
  options.root = root;
  const model::Workflow& w = model.workflow(workflow);
  if (w.stage == model::Stage::Model && w.target.valid() && w.target.index < model.targets.size() &&
      !model.targets[w.target.index].environments.empty())
    options.env = model.targets[w.target.index].environments.front().name;
  for (const model::Param& p : model.workflow(workflow).params)
    if (p.name != "ds" && !p.default_term.valid() && p.type.kind != model::TypeKind::Secret)
      options.params.emplace_back(p.name, stand_in(p.type.kind, options.ds));
  return options;
}

}  // namespace

bool check_against_database(project::Compilation& compilation, const std::string& dsn) {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = runtime::open_connection(dsn);
  } catch (const std::exception& e) {
    // libpq's first line says why; the second is a hint (`Is the server running ...`).
    std::string message = runtime::first_line(e.what());
    print_error("--db: cannot reach the database: " + message);
    return false;
  }
  const model::Model& model = compilation.model;
  std::vector<plan::Plan> plans;
  for (uint32_t w = 0; w < model.workflows.size(); ++w) {
    model::WorkflowId workflow{w};
    lower::LowerOptions options = check_options_of(model, workflow, compilation.root);
    if (std::string why = lower::check_options(model, workflow, options); !why.empty()) {
      print_error("--db: workflow `" + model.workflow(workflow).name + "` not checked: " + why);
      return false;
    }
    plans.push_back(lower::lower(model, workflow, options, compilation.sources));
  }
  // A server's message may echo a value that is a secret (`invalid input
  // syntax for type integer: "<password>"`), as a run's messages may.
  std::vector<std::string> secrets = runtime::passwords_in(dsn);
  for (const plan::Plan& plan : plans)
    for (const std::string& name : plan::secret_env_names(plan))
      if (const char* value = std::getenv(name.c_str())) secrets.emplace_back(value);
  for (runtime::PrepareProblem problem : runtime::prepare_plans(*connection, plans)) {
    problem.message = runtime::without_secrets(problem.message, secrets);
    const std::string where = "`" + problem.workflow + "." + problem.task + "`";
    if (problem.gave_up && problem.task.empty()) {
      print_error("--db: " + problem.message);  // the session, not a statement
      return false;
    }
    if (problem.gave_up) {
      // The database is busy, not the plan wrong: an environment error.
      print_error("--db: gave up on the " + problem.statement + " of " + where + ": " + problem.message);
      return false;
    }
    if (problem.statement == "connection") {
      print_error("--db: lost the connection to the database while checking " + where + ": " +
                  problem.message);
      return false;
    }
    const plan::Plan& plan = *std::find_if(
        plans.begin(), plans.end(), [&](const plan::Plan& p) { return p.workflow == problem.workflow; });
    SourceRange range = locate(compilation, plan, problem);
    Diagnostic& d = compilation.diagnostics.report(
        DiagKind::DatabaseRejects, range,
        "the database rejects the " + problem.statement + " of " + where + ": " + problem.message);
    d.notes.push_back({{}, "SQLSTATE " + problem.sqlstate + ", prepared against the --db database"});
  }
  compilation.diagnostics.sort();
  return true;
}

}  // namespace flowc::cli
