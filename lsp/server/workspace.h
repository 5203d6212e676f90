// The service's state: open documents (their text overrides the disk), the
// projects they belong to (created on first use, one per project root), and
// what was last published per file. Internal to lsp/server.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lsp/server/project_state.h"
#include "lsp/server/service.h"

namespace flowc::lsp {

/// A query's view of one file: its project, buffer and current tree.
struct FileView {
  ProjectState* project = nullptr;
  const ProjectFile* file = nullptr;
  const SourceBuffer* buffer = nullptr;
};

/// Documents, projects and published diagnostics; Service's state. The
/// methods mirror Service's (paths here are already normalised).
class Workspace {
 public:
  /// `read_disk`: see ServiceOptions.
  Workspace(std::string stdlib_dir, bool read_disk);

  /// Service::set_workspace_root (`root` normalised).
  void set_root(std::string root) { workspace_root_ = std::move(root); }
  /// Service::open.
  void open(const std::string& path, std::string text);
  /// Service::change, positions counted in `unit`.
  bool change(const std::string& path, const std::vector<TextChange>& changes, ColumnUnit unit);
  /// Service::close.
  void close(const std::string& path);
  /// Service::disk_changed.
  void disk_changed(const std::string& path, DiskChange change);
  /// Service::open_text.
  [[nodiscard]] const std::string* open_text(const std::string& path) const;

  /// True when a project has changes not checked yet.
  [[nodiscard]] bool needs_check() const;
  /// Checks every changed project; the diagnostics that changed since last call.
  std::vector<FileDiagnostics> check(ColumnUnit unit);
  /// The quick check (ProjectState::quick_check) of every project whose last
  /// full check took at least `threshold_ms` of CPU; what it returns is
  /// recorded as published. Call check() right after.
  std::vector<FileDiagnostics> quick_check(ColumnUnit unit, double threshold_ms);
  /// Frees the models the last check replaced.
  void release_retired();
  /// One line per project the last check() re-checked, with its timings.
  [[nodiscard]] const std::vector<std::string>& check_report() const { return report_; }

  /// The file at `path` with its project checked (`checked`) or only
  /// re-parsed; an empty view when the path is not a handled file.
  FileView view(const std::string& path, bool checked);
  /// Whether the project of `path` exists and was never checked.
  bool never_checked(const std::string& path);
  /// Every project of the user's files (not the stdlib's own), checked.
  std::vector<ProjectState*> checked_projects();
  /// The project for `path`, created (and loaded from disk) when needed.
  ProjectState* project_for(const std::string& path);
  /// Without flow.project, the projects of the directories above `path`'s
  /// own, up to the workspace folder: each holds the file (as `flowc check`
  /// of that directory reads it), so references and rename in the file
  /// reach their uses, and a rename sees their names, before any of their
  /// files is opened. Asked by references and rename only (each walks its
  /// directory's tree once), never above the workspace folder, nor without one.
  void load_enclosing(const std::string& path);

 private:
  std::string root_of(const std::string& path) const;
  /// Loads the project at `root` from disk (its `.flow` files, the open
  /// `.sql` files it may name).
  ProjectState* load_project(const std::string& root);

  /// Whether the project at `root` reads the `.flow` files under it from
  /// disk: with flow.project, or a directory (not `/` nor the home
  /// directory) walked with its subdirectories.
  bool walks(const std::string& root) const;
  /// Whether the project at `root` reads `.flow` file `path` when loaded:
  /// its own, or a file in a subdirectory of a project without flow.project.
  bool reads_from_disk(const std::string& root, const std::string& path) const;
  /// Gives every project the current text of aux file `path` (a `.sql`
  /// file): the editor's while it is open, else the disk's.
  void aux_changed(const std::string& path);
  std::string text_of(const std::string& path) const;
  /// Gives `.flow` file `path`'s `text` (nullptr: removes it) to every
  /// project but `own` that holds it: without flow.project a directory's
  /// project holds its subdirectories' files too, whose own project is
  /// their directory.
  void share_text(const std::string& path, const ProjectState* own, const std::string* text);
  void reload_projects();

  std::string stdlib_dir_;
  bool read_disk_ = true;
  std::string workspace_root_;  // the editor's workspace folder, normalised; "" when none
  std::map<std::string, std::string> open_;                        // path -> text
  std::map<std::string, std::unique_ptr<ProjectState>> projects_;  // root -> project
  std::unique_ptr<ProjectState> stdlib_project_;                   // serves stdlib files opened in the editor
  std::map<std::string, std::vector<EditorDiagnostic>> published_;
  std::set<std::string> must_publish_;                     // opened, not yet published
  std::map<std::string, uint64_t> published_generations_;  // root -> generation last published
  ColumnUnit published_unit_ = ColumnUnit::Utf16;
  std::vector<std::string> report_;
  std::vector<std::string> quick_report_;
};

/// The editor form of `diagnostic` (positions in `unit`).
EditorDiagnostic to_editor(const Diagnostic& diagnostic, const SourceManager& sources, ColumnUnit unit);
/// Normalises a path: absolute and lexically normal.
std::string normalize_path(const std::string& path);

}  // namespace flowc::lsp
