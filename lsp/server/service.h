// The compiler service behind the language server: open documents, projects
// compiled incrementally, and the editor features as plain C++ queries. No
// JSON and no LSP messages here (clangd's ClangdServer side of the split):
// lsp_server.h translates. Paths are absolute file-system paths; positions
// are 0-based lines and columns counted in the unit chosen at construction
// (UTF-16 code units by default, bytes when the client negotiated UTF-8).
// Not thread-safe: one thread drives it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "lsp/server/positions.h"

namespace flowc::lsp {

/// A range in a file, as a path and positions.
struct FileLocation {
  std::string path;
  TextRange range;
  friend bool operator==(const FileLocation&, const FileLocation&) = default;
};

/// One edit of a document's text: replace `range` (the whole text when
/// absent) with `text`.
struct TextChange {
  std::optional<TextRange> range;
  std::string text;
};

/// A replacement in one file.
struct TextEditData {
  TextRange range;
  std::string new_text;
};

/// A diagnostic ready for an editor: positions resolved, notes located.
struct EditorDiagnostic {
  TextRange range;
  Severity severity = Severity::Error;
  std::string code;                                         // "E0101"
  std::string message;                                      // the compiler's message; `help:` lines appended
  std::vector<std::pair<FileLocation, std::string>> notes;  // located notes
  std::vector<std::string> unlocated_notes;
  friend bool operator==(const EditorDiagnostic&, const EditorDiagnostic&) = default;
};

/// The diagnostics of one file.
struct FileDiagnostics {
  std::string path;
  std::vector<EditorDiagnostic> diagnostics;
};

/// Hover text (Markdown) and the range it describes.
struct HoverInfo {
  std::string markdown;
  TextRange range;
};

/// What a completion inserts.
struct CompletionEntry {
  enum class Kind {
    Attribute,
    Keyword,
    Function,
    Task,
    Source,
    Param,
    Workflow,
    Target,
    Route,
    Legacy,
    EnumValue,
    Snippet
  };
  std::string label;
  Kind kind = Kind::Keyword;
  std::string detail;         // type or signature
  std::string documentation;  // Markdown
  std::string insert_text;    // empty: the label
  std::string sort_key;       // orders entries; entries of the expected type first
};

/// The completions at a position.
struct CompletionList {
  std::vector<CompletionEntry> entries;
  bool incomplete = false;  // filtered by the typed prefix: ask again as the user types
};

/// A node of the document outline.
struct OutlineSymbol {
  enum class Kind { Project, Target, Environment, Route, Legacy, Workflow, Source, Task, Param, Function };
  std::string name;
  std::string detail;
  Kind kind = Kind::Task;
  TextRange range;            // the whole declaration
  TextRange selection_range;  // its name
  std::vector<OutlineSymbol> children;
};

/// A quick fix: one diagnostic's fix-it as an edit.
struct QuickFix {
  std::string title;
  EditorDiagnostic diagnostic;
  std::string path;
  TextEditData edit;
};

/// Where a rename may happen, or why it may not.
struct RenameTarget {
  std::optional<TextRange> range;  // the name under the cursor
  std::string placeholder;         // its current text
  std::string error;               // set when the name cannot be renamed
};

/// The edits of a rename, or why it was refused.
struct RenameResult {
  std::map<std::string, std::vector<TextEditData>> edits;  // by path
  std::string error;
};

/// How a file changed on disk.
enum class DiskChange { Created, Changed, Deleted };

/// How the service reads positions and files.
struct ServiceOptions {
  ColumnUnit unit = ColumnUnit::Utf16;
  std::string stdlib_dir;  // empty: project::default_stdlib_dir()
  // False: projects hold only open documents and nothing is read from disk
  // but the standard library (the fuzzer: client-chosen paths stay virtual).
  bool read_disk = true;
  // quick_check() runs only for projects whose last full check took at
  // least this much CPU time (ms); negative: never.
  double quick_check_ms = 30;
};

class Workspace;

/// The language server's compiler service.
class Service {
 public:
  /// A service with no documents open yet; nothing is read until one opens.
  explicit Service(ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// The column unit positions are counted in.
  [[nodiscard]] ColumnUnit unit() const { return options_.unit; }
  /// Changes the column unit (set once the client's encoding is negotiated).
  void set_unit(ColumnUnit unit) { options_.unit = unit; }
  /// The editor's workspace folder (initialize's rootUri): without
  /// flow.project, the directories above an opened file up to it are
  /// projects holding the file too (Workspace::load_enclosing).
  void set_workspace_root(const std::string& path);

  /// True for the files the service handles: `*.flow` and `flow.project`.
  /// Every query on another file returns an empty result.
  static bool handles(const std::string& path);
  /// The form the service gives every path (absolute, lexically normal):
  /// results carry paths in this form.
  static std::string canonical_path(const std::string& path);

  /// Opens a document; its text overrides the file on disk until closed.
  void open(const std::string& path, std::string text);
  /// Applies edits to an open document, in order. Returns false when the
  /// document is not open (nothing changes).
  bool change(const std::string& path, const std::vector<TextChange>& changes);
  /// Closes a document: the file on disk is read again.
  void close(const std::string& path);
  /// A file changed on disk: re-read it unless it is open.
  void disk_changed(const std::string& path, DiskChange change);
  /// The current text of an open document, if open.
  [[nodiscard]] const std::string* open_text(const std::string& path) const;

  /// True when an edit has not been checked yet.
  [[nodiscard]] bool needs_check() const;
  /// Re-parses changed files, re-checks their projects and returns the
  /// diagnostics of every file whose diagnostics changed since the last call,
  /// and of every document opened or edited since then (even when unchanged,
  /// so the editor sees diagnostics for its latest version).
  std::vector<FileDiagnostics> check();
  /// Frees memory the last check() replaced; call after publishing, so the
  /// freeing is not on the path from an edit to its diagnostics.
  void release_memory();
  /// For large projects (see ServiceOptions::quick_check_ms) where exactly
  /// one file changed: that file's diagnostics from a check of only the
  /// files it needs, to publish before check(), which must follow.
  std::vector<FileDiagnostics> quick_check();
  /// What the last check() did, one line per project re-checked (timings).
  [[nodiscard]] const std::vector<std::string>& check_report() const;

  /// Hover for the name at `pos`; std::nullopt when there is none.
  std::optional<HoverInfo> hover(const std::string& path, TextPosition pos);
  /// Where the name at `pos` is declared (empty when nothing is there).
  std::vector<FileLocation> definition(const std::string& path, TextPosition pos);
  /// Every use of the name at `pos`, and its declaration when asked.
  std::vector<FileLocation> references(const std::string& path, TextPosition pos, bool include_declaration);
  /// Whether the name at `pos` can be renamed.
  RenameTarget prepare_rename(const std::string& path, TextPosition pos);
  /// The edits renaming the name at `pos` to `new_name` in every file.
  RenameResult rename(const std::string& path, TextPosition pos, const std::string& new_name);
  /// Completions at `pos`. Uses the current text (re-parsed if needed) but
  /// the last checked model, so it stays fast while the user types.
  CompletionList complete(const std::string& path, TextPosition pos);
  /// Whether the project of `path` has no checked model yet (just opened):
  /// completion's attribute and value names are the model's, so the first
  /// completion waits for the first check.
  bool never_checked(const std::string& path);
  /// The outline of a file.
  std::vector<OutlineSymbol> outline(const std::string& path);
  /// The edits formatting a file as `flowc fmt` does; std::nullopt when the
  /// file has syntax errors (nothing is formatted then).
  std::optional<std::vector<TextEditData>> format(const std::string& path);
  /// Quick fixes of the diagnostics overlapping `range`.
  std::vector<QuickFix> quick_fixes(const std::string& path, TextRange range);

 private:
  ServiceOptions options_;
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace flowc::lsp
