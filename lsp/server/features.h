// The editor features over one project, as free functions the Service calls
// (one file per feature). Internal to lsp/server; offsets are bytes into the
// file's current text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lsp/server/service.h"
#include "lsp/server/workspace.h"

namespace flowc::lsp {

/// The location of a byte range of the project, or std::nullopt when invalid.
std::optional<FileLocation> locate(const ProjectState& project, SourceRange range, ColumnUnit unit);
/// The symbol whose name (declaration or use) covers `offset`.
std::optional<Occurrence> occurrence_at(const FileView& view, uint32_t offset);

/// A `file("...")` with the cursor on its path, as the last check read it.
struct SqlFileAt {
  FileId file;       // the SQL file
  SourceRange path;  // the path string in the .flow file
};
/// The SQL file named by the `file("...")` whose path covers `offset`; none
/// when the check did not read it (outside the project, missing, unreadable).
std::optional<SqlFileAt> sql_file_at(const FileView& view, uint32_t offset);

// hover.cpp
std::optional<HoverInfo> hover_at(const FileView& view, uint32_t offset, ColumnUnit unit);
/// The Markdown describing `symbol` (kind, type or signature, details, doc).
std::string describe(const model::Model& model, model::SymbolId symbol);

// xref.cpp
std::vector<FileLocation> definition_at(const FileView& view, uint32_t offset, ColumnUnit unit);
/// The declaration and uses of the name at `offset`, gathered from
/// `projects` (the server's checked projects) too: a standard library name
/// is used in every project, and a name declared in a file two projects
/// hold (without flow.project, a directory's project reads its
/// subdirectories) is used in both. Rename edits, and refuses, in each.
std::vector<FileLocation> references_at(const FileView& view, uint32_t offset, bool include_declaration,
                                        ColumnUnit unit, const std::vector<ProjectState*>& projects);
RenameTarget prepare_rename_at(const FileView& view, uint32_t offset, ColumnUnit unit,
                               const std::vector<ProjectState*>& projects);
RenameResult rename_at(const FileView& view, uint32_t offset, const std::string& new_name, ColumnUnit unit,
                       const std::vector<ProjectState*>& projects);
/// True for the keywords of language.md §2.
bool is_keyword(std::string_view word);
/// True for `[A-Za-z_][A-Za-z0-9_]*`.
bool is_identifier(std::string_view word);

// completion.cpp
CompletionList complete_at(const FileView& view, uint32_t offset);

// outline.cpp
std::vector<OutlineSymbol> outline_of(const FileView& view, ColumnUnit unit);

// edits.cpp
std::optional<std::vector<TextEditData>> format_file(const FileView& view, ColumnUnit unit);
std::vector<QuickFix> quick_fixes_in(const FileView& view, uint32_t begin, uint32_t end, ColumnUnit unit);

}  // namespace flowc::lsp
