// One project kept compiled between edits: the standard library is parsed
// once, each project file is re-parsed only when its text changes, and the
// checker re-runs over the kept trees. The result is the same as
// project::compile_sources on the same texts (same trees in the same order,
// same diagnostics), which is what `flowc check` prints.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"
#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"
#include "lsp/server/occurrences.h"

namespace flowc::lsp {

/// A `.flow` file of the project (or of the standard library).
struct ProjectFile {
  std::string path;
  FileId id;
  std::unique_ptr<syntax::SyntaxTree> tree;  // heap-allocated: the checker keeps pointers
  std::vector<Diagnostic> parse_diagnostics;
  bool stale = true;  // text changed since the last parse
  bool stdlib = false;
  // Since the last full check: did the text change, and what was it then
  // (kept from the first change on, to move old diagnostics past the edit).
  bool changed_since_check = false;
  std::optional<std::string> checked_text;
  std::vector<std::string> workflows;  // names of the workflows the file declares
};

/// Where the time of the last check went, for FLOWC_LSP_TRACE.
struct CheckTiming {
  double parse_ms = 0;
  double check_ms = 0;
  double index_ms = 0;
  double cpu_ms = 0;  // CPU time of the whole check (parse, check, index)
  uint32_t files_parsed = 0;
};

/// One project's sources, trees, model and diagnostics, kept between edits.
class ProjectState {
 public:
  /// Loads and parses the standard library from `stdlib_dir` (an unreadable
  /// directory gives a project without it, whose names are then unknown).
  ProjectState(std::string root, const std::string& stdlib_dir);

  /// The project directory.
  [[nodiscard]] const std::string& root() const { return root_; }

  /// Adds a project file or replaces its text (marks it for re-parsing).
  void set_text(const std::string& path, std::string text);
  /// Removes a project file (deleted on disk). Returns false when unknown.
  bool remove(const std::string& path);
  /// Replaces a non-`.flow` file the checker loaded (a `.sql` file) with new
  /// text. Returns false when the project never loaded it.
  bool refresh_aux(const std::string& path, std::string text);
  /// A non-`.flow` file under the project changed on disk (`text`) or is
  /// gone (std::nullopt). A `.sql` file the checker loaded is replaced or
  /// dropped (the next check reads the disk again: a deleted file is E0101,
  /// as in `flowc check`, not an empty one); any other file `under_root` of
  /// the project gets it checked again, since a `file("...")` may have named
  /// it before it existed.
  void aux_changed_on_disk(const std::string& path, std::optional<std::string> text, bool under_root);
  /// The text of a non-`.flow` file open in the editor (a `.sql` file under
  /// the project): loaded even before the checker asks for it, so that its
  /// `file("...")` reads the editor's text, not the disk's.
  void set_aux(const std::string& path, std::string text);

  /// The project or stdlib file at `path`, or nullptr.
  [[nodiscard]] const ProjectFile* file(const std::string& path) const;
  /// The project or stdlib file with buffer `id`, or nullptr (a `.sql` file).
  [[nodiscard]] const ProjectFile* file(FileId id) const;
  /// The project's files, sorted by path (stdlib excluded).
  [[nodiscard]] const std::map<std::string, ProjectFile>& files() const { return files_; }

  /// True when a file changed since the last check.
  [[nodiscard]] bool needs_check() const { return needs_check_; }
  /// Re-parses changed files without checking (for completion while typing).
  void parse_changed();
  /// Re-parses changed files and re-checks the project.
  void check();
  /// When exactly one file changed since the last check (and nothing was
  /// added or removed), checks that file together with only the files it
  /// needs (those declaring no workflow, and those of the workflows it names)
  /// and returns its diagnostics; the project-wide rules (E0302, E0303,
  /// W0402, W0404) are taken from the last full check, moved past the edit.
  /// A fast first answer for a large project: check() must still follow.
  /// std::nullopt when not applicable. The model is not replaced.
  std::optional<std::pair<FileId, std::vector<Diagnostic>>> quick_check();

  /// Every buffer: stdlib, project files, the `.sql` files the checker read.
  [[nodiscard]] const SourceManager& sources() const { return sources_; }
  /// The model of the last check (empty before the first).
  [[nodiscard]] const model::Model& model() const { return model_; }
  /// Where the last check's names occur.
  [[nodiscard]] const OccurrenceIndex& index() const { return index_; }
  /// Every diagnostic of the last check (parse and check), sorted like `flowc check`.
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  /// True when `file` has a lexical or syntax error (it is not formatted then).
  [[nodiscard]] bool has_syntax_errors(const ProjectFile& file) const;
  /// The number of checks run so far (lets callers cache per check).
  [[nodiscard]] uint64_t generation() const { return generation_; }
  /// Frees what the last check replaced (the previous model). Called once
  /// its diagnostics are published, so freeing is not on the edit's latency.
  void release_retired() { retired_ = model::Model(); }
  /// Timings of the last check.
  [[nodiscard]] const CheckTiming& timing() const { return timing_; }

 private:
  /// The buffer of a non-`.flow` file the checker loaded (not a project
  /// `.flow` file, not the stdlib's), if any.
  [[nodiscard]] std::optional<FileId> loaded_aux(const std::string& path) const;

  std::string root_;
  SourceManager sources_;
  std::vector<ProjectFile> stdlib_;
  std::map<std::string, ProjectFile> files_;
  model::Model model_;
  model::Model retired_;  // the previous model, freed by release_retired()
  OccurrenceIndex index_;
  std::vector<Diagnostic> diagnostics_;
  bool needs_check_ = true;
  bool files_added_or_removed_ = true;  // since the last check
  uint64_t generation_ = 0;
  CheckTiming timing_;
};

}  // namespace flowc::lsp
