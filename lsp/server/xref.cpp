// Definition, references and rename: all three start from the symbol under
// the cursor (OccurrenceIndex) and follow the model's references, across
// files (`.sql` files included) and into the standard library.
#include <algorithm>
#include <filesystem>
#include <tuple>

#include "compiler/syntax/parse.h"
#include "lsp/server/features.h"

namespace flowc::lsp {

namespace {

using model::SymbolKind;

/// The range of the name itself within a use: a qualified use such as
/// `daily_kpi.orders` may be recorded as a whole. std::nullopt when the text
/// there is not the name (nothing safe to rename).
std::optional<SourceRange> name_part(const SourceManager& sources, SourceRange range, std::string_view name) {
  if (!range.valid() || range.file.index >= sources.size()) return std::nullopt;
  std::string_view text = sources.buffer(range.file).text();
  if (range.end > text.size() || range.begin > range.end) return std::nullopt;
  std::string_view written = text.substr(range.begin, range.end - range.begin);
  if (written == name) return range;
  if (written.size() > name.size() && written.ends_with(name) &&
      written[written.size() - name.size() - 1] == '.') {
    range.begin = range.end - static_cast<uint32_t>(name.size());
    return range;
  }
  return std::nullopt;
}

/// Why `symbol` cannot be renamed, or "" when it can.
std::string rename_refusal(const model::Model& m, const model::Symbol& sym) {
  // `overwrite_partition(ds)` names the param and a column of the output at
  // once (the select's `as ds`): renaming the param alone breaks the mode
  // (E0202), renaming the mode too breaks the select. By hand, all three.
  if (sym.kind == SymbolKind::Param && sym.workflow.valid())
    for (const model::Node& node : m.nodes)
      if (node.workflow == sym.workflow && node.mode.kind == model::WriteModeKind::OverwritePartition &&
          node.mode.partition_column == sym.name)
        return "`" + sym.name + "` is also the partition column of task `" + node.name +
               "` (`overwrite_partition(" + sym.name +
               ")`), a column of its output too: rename the param, the mode and the column its SQL selects "
               "together, by hand";
  if (sym.kind == SymbolKind::Attribute)
    return "`" + sym.name + "` is an attribute name of the language and cannot be renamed";
  if (sym.kind == SymbolKind::EnumValue)
    return "`" + sym.name + "` is a value of the language and cannot be renamed";
  if (sym.in_stdlib) return "`" + sym.name + "` is defined in the standard library and cannot be renamed";
  if (!sym.name_range.valid()) return "`" + sym.name + "` has no declaration to rename";
  return "";
}

/// Why a name declared in a workflow may not be renamed in `sites`: one is
/// an unqualified `${name}` in a `.sql` file that tasks of another workflow
/// read too, where the same `${name}` names that workflow's own node
/// (editing it would break the other). A qualified `${w.name}` names the
/// same node for every reader. "" when none is.
std::string shared_sql_refusal(const model::Model& m, const SourceManager& sources, const std::string& root,
                               const model::Symbol& sym, const std::vector<SourceRange>& sites) {
  // A workflow's name is written qualifying another (`${w.name}`): the same for every reader.
  if (!sym.workflow.valid() || sym.kind == SymbolKind::Workflow) return "";
  for (const SourceRange& site : sites) {
    std::string_view text = sources.buffer(site.file).text();
    if (site.begin > 0 && site.begin <= text.size() && text[site.begin - 1] == '.') continue;  // `${w.name}`
    for (const model::Node& node : m.nodes) {
      if (!node.sql || !(node.sql->file == site.file) || node.workflow == sym.workflow) continue;
      if (sources.buffer(site.file).path().ends_with(".flow")) continue;
      const std::string file =
          std::filesystem::path(sources.buffer(site.file).path()).lexically_relative(root).string();
      return "`" + sym.name + "` is written in " + file + ", which workflow `" +
             m.workflow(node.workflow).name + "` reads too (task `" + node.name +
             "`), where it names that workflow's own: rename by hand";
    }
  }
  return "";
}

bool scoped(SymbolKind kind) {
  return kind == SymbolKind::Source || kind == SymbolKind::Task || kind == SymbolKind::Param;
}
bool global(SymbolKind kind) {
  return kind == SymbolKind::Workflow || kind == SymbolKind::Target || kind == SymbolKind::Route ||
         kind == SymbolKind::Legacy || kind == SymbolKind::Function;
}

/// True when `name` would collide with another declaration in `sym`'s scope.
bool collides(const model::Model& m, const model::Symbol& sym, const std::string& name) {
  for (const model::Symbol& other : m.symbols) {
    if (other.name != name || &other == &sym) continue;
    if (scoped(sym.kind) && scoped(other.kind) && sym.workflow.valid() && other.workflow == sym.workflow)
      return true;
    if (global(sym.kind) && global(other.kind)) return true;
    // fn parameters share a scope with their fn's other parameters.
    if (sym.kind == SymbolKind::Param && !sym.workflow.valid() && other.kind == SymbolKind::Param &&
        !other.workflow.valid() &&
        sym.qualified_name.substr(0, sym.qualified_name.rfind('.')) ==
            other.qualified_name.substr(0, other.qualified_name.rfind('.'))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_keyword(std::string_view word) {
  return syntax::is_keyword(word);
}

bool is_identifier(std::string_view word) {
  if (word.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(word[0])) return false;
  return std::all_of(word.begin(), word.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

std::optional<FileLocation> locate(const ProjectState& project, SourceRange range, ColumnUnit unit) {
  const SourceManager& sources = project.sources();
  if (!range.valid() || range.file.index >= sources.size()) return std::nullopt;
  const SourceBuffer& buffer = sources.buffer(range.file);
  return FileLocation{buffer.path(), range_at(buffer, range.begin, range.end, unit)};
}

std::optional<Occurrence> occurrence_at(const FileView& view, uint32_t offset) {
  if (!view.project || !view.file) return std::nullopt;
  return view.project->index().at(view.file->id, offset);
}

std::optional<SqlFileAt> sql_file_at(const FileView& view, uint32_t offset) {
  if (!view.project || !view.file) return std::nullopt;
  const model::Model& m = view.project->model();
  for (const model::Term& t : m.terms) {
    // A template term from `file("...")` has the path's range, in another
    // file than its text; one written inline is in its own file.
    if (t.kind != model::Term::Kind::Template || !(t.range.file == view.file->id) || offset < t.range.begin ||
        offset > t.range.end || t.int_value < 0 || static_cast<size_t>(t.int_value) >= m.templates.size())
      continue;
    const model::SqlTemplate& sql = m.templates[static_cast<size_t>(t.int_value)];
    if (!(sql.file == t.range.file)) return SqlFileAt{sql.file, t.range};
  }
  return std::nullopt;
}

std::vector<FileLocation> definition_at(const FileView& view, uint32_t offset, ColumnUnit unit) {
  if (std::optional<SqlFileAt> sql = sql_file_at(view, offset)) {
    // The start of the file the path names.
    std::optional<FileLocation> at = locate(*view.project, SourceRange{sql->file, 0, 0}, unit);
    return at ? std::vector<FileLocation>{*at} : std::vector<FileLocation>{};
  }
  std::optional<Occurrence> occ = occurrence_at(view, offset);
  if (!occ) return {};
  const model::Symbol& sym = view.project->model().symbol(occ->symbol);
  std::optional<FileLocation> at = locate(*view.project, sym.name_range, unit);
  if (!at) return {};
  return {*at};
}

namespace {

/// One symbol as one project knows it.
struct SymbolIn {
  const ProjectState* project = nullptr;
  model::SymbolId id;
};

/// The file and bytes where `sym` is declared, as a path (file ids are each
/// project's own).
std::optional<std::tuple<std::string, uint32_t, uint32_t>> declared_at(const ProjectState& project,
                                                                       const model::Symbol& sym) {
  const SourceRange& at = sym.name_range;
  if (!at.valid() || at.file.index >= project.sources().size()) return std::nullopt;
  return std::tuple{project.sources().buffer(at.file).path(), at.begin, at.end};
}

/// `id` of `view`'s project first, then the same symbol in each other of
/// `projects`: a standard library name by its qualified name, any other by
/// where it is declared (without flow.project, a directory's project reads
/// its subdirectories' files, which their own projects hold too).
std::vector<SymbolIn> same_symbol(const FileView& view, model::SymbolId id,
                                  const std::vector<ProjectState*>& projects) {
  std::vector<SymbolIn> out{{view.project, id}};
  const model::Symbol& sym = view.project->model().symbol(id);
  const auto declared = declared_at(*view.project, sym);
  for (const ProjectState* project : projects) {
    if (project == view.project) continue;
    const std::vector<model::Symbol>& symbols = project->model().symbols;
    for (uint32_t i = 0; i < symbols.size(); ++i) {
      const model::Symbol& other = symbols[i];
      bool same = sym.in_stdlib ? other.in_stdlib && other.qualified_name == sym.qualified_name
                                : !other.in_stdlib && declared && declared_at(*project, other) == declared;
      if (same) out.push_back({project, model::SymbolId{i}});
    }
  }
  return out;
}

/// Where a rename of `symbol` edits: its declaration and every use.
std::vector<SourceRange> rename_sites(const SymbolIn& symbol) {
  const model::Model& m = symbol.project->model();
  std::vector<SourceRange> sites{m.symbol(symbol.id).name_range};
  for (uint32_t index : symbol.project->index().uses_of(symbol.id))
    sites.push_back(m.references[index].range);
  return sites;
}

}  // namespace

std::vector<FileLocation> references_at(const FileView& view, uint32_t offset, bool include_declaration,
                                        ColumnUnit unit, const std::vector<ProjectState*>& projects) {
  std::optional<Occurrence> occ = occurrence_at(view, offset);
  if (!occ) return {};
  std::vector<FileLocation> out;
  for (const SymbolIn& symbol : same_symbol(view, occ->symbol, projects)) {
    const model::Model& m = symbol.project->model();
    if (include_declaration) {
      if (auto at = locate(*symbol.project, m.symbol(symbol.id).name_range, unit)) out.push_back(*at);
    }
    for (uint32_t index : symbol.project->index().uses_of(symbol.id)) {
      if (auto at = locate(*symbol.project, m.references[index].range, unit)) out.push_back(*at);
    }
  }
  // The projects' files first, the standard library's after: an order by
  // path alone would depend on where flowc is installed.
  auto in_stdlib = [&](const FileLocation& at) {
    const ProjectFile* file = view.project->file(at.path);
    return file != nullptr && file->stdlib;
  };
  auto before = [&](const FileLocation& a, const FileLocation& b) {
    const bool a_stdlib = in_stdlib(a), b_stdlib = in_stdlib(b);
    return std::tie(a_stdlib, a.path, a.range.start.line, a.range.start.column) <
           std::tie(b_stdlib, b.path, b.range.start.line, b.range.start.column);
  };
  std::sort(out.begin(), out.end(), before);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RenameTarget prepare_rename_at(const FileView& view, uint32_t offset, ColumnUnit unit,
                               const std::vector<ProjectState*>& projects) {
  RenameTarget out;
  std::optional<Occurrence> occ = occurrence_at(view, offset);
  if (!occ) return out;  // nothing here: no range, no error
  const model::Symbol& sym = view.project->model().symbol(occ->symbol);
  out.error = rename_refusal(view.project->model(), sym);
  // Refused before the user types a new name, not after; in every project
  // that holds the name.
  for (const SymbolIn& symbol : same_symbol(view, occ->symbol, projects)) {
    if (!out.error.empty()) break;
    const ProjectState& project = *symbol.project;
    out.error = shared_sql_refusal(project.model(), project.sources(), project.root(),
                                   project.model().symbol(symbol.id), rename_sites(symbol));
  }
  if (!out.error.empty()) return out;
  std::optional<SourceRange> part =
      name_part(view.project->sources(), SourceRange{view.file->id, occ->begin, occ->end}, sym.name);
  if (!part) {
    out.error = "`" + sym.name + "` cannot be renamed from here";
    return out;
  }
  out.range = range_at(*view.buffer, part->begin, part->end, unit);
  out.placeholder = sym.name;
  return out;
}

RenameResult rename_at(const FileView& view, uint32_t offset, const std::string& new_name, ColumnUnit unit,
                       const std::vector<ProjectState*>& projects) {
  RenameResult out;
  RenameTarget target = prepare_rename_at(view, offset, unit, projects);
  if (!target.error.empty() || !target.range) {
    out.error = !target.error.empty() ? target.error : "there is no name to rename here";
    return out;
  }
  if (!is_identifier(new_name)) {
    out.error = "`" + new_name + "` is not a valid name (letters, digits and `_`, not starting with a digit)";
    return out;
  }
  if (is_keyword(new_name)) {
    out.error = "`" + new_name + "` is a keyword";
    return out;
  }
  model::SymbolId id = occurrence_at(view, offset)->symbol;
  if (new_name == view.project->model().symbol(id).name) return out;
  const std::vector<SymbolIn> symbols = same_symbol(view, id, projects);
  for (const SymbolIn& symbol : symbols) {
    if (collides(symbol.project->model(), symbol.project->model().symbol(symbol.id), new_name)) {
      out.error = "`" + new_name + "` is already declared in the same scope";
      return out;
    }
  }
  for (const SymbolIn& symbol : symbols) {
    const std::string& name = symbol.project->model().symbol(symbol.id).name;
    for (SourceRange site : rename_sites(symbol)) {
      std::optional<SourceRange> part = name_part(symbol.project->sources(), site, name);
      if (!part) continue;  // not spelled as the name here (an expanded fn body): nothing to edit
      std::optional<FileLocation> at = locate(*symbol.project, *part, unit);
      if (!at) continue;
      std::vector<TextEditData>& edits = out.edits[at->path];
      TextEditData edit{at->range, new_name};
      bool duplicate = std::any_of(edits.begin(), edits.end(),
                                   [&](const TextEditData& e) { return e.range == edit.range; });
      if (!duplicate) edits.push_back(std::move(edit));
    }
  }
  for (auto& [path, edits] : out.edits) {
    std::sort(edits.begin(), edits.end(), [](const TextEditData& a, const TextEditData& b) {
      return std::tie(a.range.start.line, a.range.start.column) <
             std::tie(b.range.start.line, b.range.start.column);
    });
  }
  return out;
}

}  // namespace flowc::lsp
