#include "cli/check_db.h"

#include <cctype>
#include <filesystem>
#include <pqxx/pqxx>

#include "cli/load.h"
#include "cli/plan_load.h"
#include "compiler/lower/lower.h"
#include "runtime/connect/connect.h"
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

/// The (possibly qualified) name PostgreSQL's error position points at, its
/// quotes removed: `amount_x`, `raw.order` for `"raw"."order"`.
std::string word_at(const std::string& sql, uint32_t position) {
  if (position == 0 || position > sql.size()) return "";
  std::string name;
  for (size_t at = position - 1; at < sql.size() && (is_word(sql[at]) || sql[at] == '.' || sql[at] == '"'); ++at)
    if (sql[at] != '"') name += sql[at];
  while (name.ends_with(".")) name.pop_back();
  return name;
}

/// Where the rejected text is in the source: the first whole-word occurrence
/// of the identifier at the error position, searched from the statement's
/// origin on (the SQL sent differs from the source only where `${}` was
/// resolved); else the origin itself.
SourceRange locate(const project::Compilation& compilation, const runtime::PrepareProblem& problem) {
  std::optional<FileId> file = find_buffer(compilation, problem.origin.file);
  if (!file) return {};
  const SourceBuffer& buffer = compilation.sources.buffer(*file);
  uint32_t from = buffer.offset_of_utf8(problem.origin.line == 0 ? 0 : problem.origin.line - 1,
                                        problem.origin.column == 0 ? 0 : problem.origin.column - 1);
  std::string word = problem.position ? word_at(problem.sql, *problem.position) : "";
  std::string_view text = buffer.text();
  if (!word.empty()) {
    for (size_t at = text.find(word, from); at != std::string_view::npos; at = text.find(word, at + 1)) {
      bool starts = at == 0 || !is_word(text[at - 1]);
      bool ends = at + word.size() >= text.size() || !is_word(text[at + word.size()]);
      if (starts && ends) return {*file, static_cast<uint32_t>(at), static_cast<uint32_t>(at + word.size())};
    }
  }
  return {*file, from, from + 1};
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
  for (uint32_t w = 0; w < model.workflows.size(); ++w) {
    model::WorkflowId workflow{w};
    lower::LowerOptions options;
    options.ds = default_ds();
    options.root = compilation.root;
    if (!lower::check_options(model, workflow, options).empty()) continue;  // e.g. a param without a value
    plan::Plan plan = lower::lower(model, workflow, options, compilation.sources);
    for (const runtime::PrepareProblem& problem : runtime::prepare_plan(*connection, plan)) {
      SourceRange range = locate(compilation, problem);
      Diagnostic& d = compilation.diagnostics.report(
          DiagKind::DatabaseRejects, range,
          "the database rejects the " + problem.statement + " of `" + plan.workflow + "." + problem.task +
              "`: " + problem.message);
      d.notes.push_back({{}, "SQLSTATE " + problem.sqlstate + ", prepared against the --db database"});
    }
  }
  compilation.diagnostics.sort();
  return true;
}

}  // namespace flowc::cli
