#include "lsp/server/workspace.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "compiler/project/project.h"

namespace flowc::lsp {

namespace fs = std::filesystem;

namespace {

bool is_under(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::string strip_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

/// True when `path` lies in a directory that project discovery skips
/// (hidden directories, `build`) between `root` and the file.
bool in_skipped_directory(const std::string& path, const std::string& root) {
  fs::path relative = fs::path(path).lexically_relative(root).parent_path();
  for (const fs::path& part : relative) {
    std::string name = part.string();
    if ((!name.empty() && name[0] == '.' && name != "." && name != "..") || name == "build") return true;
  }
  return false;
}

}  // namespace

std::string normalize_path(const std::string& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) absolute = path;
  return strip_slash(absolute.lexically_normal().string());
}

Workspace::Workspace(std::string stdlib_dir, bool read_disk)
    : stdlib_dir_(normalize_path(stdlib_dir)), read_disk_(read_disk) {}

std::string Workspace::root_of(const std::string& path) const {
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  for (fs::path d = dir;; d = d.parent_path()) {
    if (fs::exists(d / "flow.project", ec)) return strip_slash(d.string());
    if (d.parent_path() == d || d.empty()) break;
  }
  return strip_slash(dir.string());
}

bool Workspace::walks(const std::string& root) const {
  std::error_code ec;
  const char* home = std::getenv("HOME");
  return read_disk_ && (fs::exists(fs::path(root) / "flow.project", ec) ||
                        (fs::path(root).has_relative_path() && !(home && normalize_path(home) == root)));
}

bool Workspace::reads_from_disk(const std::string& root, const std::string& path) const {
  const std::string own = root_of(path);
  if (own == root) return true;
  // Below flow.project's directory it is that project's alone.
  std::error_code ec;
  return is_under(path, root) && walks(root) && !fs::exists(fs::path(own) / "flow.project", ec) &&
         !in_skipped_directory(path, root);
}

std::string Workspace::text_of(const std::string& path) const {
  if (auto it = open_.find(path); it != open_.end()) return it->second;
  if (!read_disk_) return "";
  std::string error;
  return read_file(path, error).value_or(std::string());
}

ProjectState* Workspace::project_for(const std::string& path) {
  if (!Service::handles(path)) return nullptr;
  if (is_under(path, stdlib_dir_)) {
    if (!stdlib_project_) stdlib_project_ = std::make_unique<ProjectState>(stdlib_dir_, stdlib_dir_);
    return stdlib_project_.get();
  }
  std::string root = root_of(path);
  auto it = projects_.find(root);
  ProjectState* project = it == projects_.end() ? load_project(root) : it->second.get();
  if (!project->file(path)) {
    // Not read through a link out of the project (as when it is loaded):
    // a request naming such a file answers as for a file of no project.
    if (!open_.count(path) && links_outside(path, root)) return nullptr;
    project->set_text(path, text_of(path));
  }
  return project;
}

ProjectState* Workspace::load_project(const std::string& root) {
  auto project = std::make_unique<ProjectState>(root, stdlib_dir_);
  std::vector<project::LoadError> errors;
  // Without flow.project a file's project is its directory, walked
  // recursively; never walk the whole file system or home directory for a
  // stray file opened there.
  for (const project::ProjectFiles& found :
       walks(root) ? project::discover({root}, errors) : std::vector<project::ProjectFiles>{}) {
    if (normalize_path(found.root) != root) continue;
    for (const std::string& file : found.files) {
      std::string normal = normalize_path(file);
      project->set_text(normal, text_of(normal));
    }
  }
  // `.sql` files already open in the editor: their text, not the disk's.
  for (const auto& [open_path, text] : open_)
    if (!Service::handles(open_path) && root_of(open_path) == root) project->set_aux(open_path, text);
  return projects_.emplace(root, std::move(project)).first->second.get();
}

void Workspace::load_enclosing(const std::string& path) {
  if (workspace_root_.empty() || !read_disk_ || !Service::handles(path)) return;
  const std::string own = root_of(path);
  std::error_code ec;
  if (fs::exists(fs::path(own) / "flow.project", ec)) return;  // a project of its own, nothing above
  auto inside = [&](const std::string& dir) {
    return dir == workspace_root_ || is_under(dir, workspace_root_);
  };
  if (!inside(own) || own == workspace_root_) return;
  for (fs::path d = fs::path(own).parent_path();; d = d.parent_path()) {
    const std::string dir = strip_slash(d.string());
    if (!inside(dir)) break;
    if (!projects_.count(dir) && walks(dir) && !in_skipped_directory(path, dir)) load_project(dir);
    if (dir == workspace_root_ || d.parent_path() == d) break;
  }
}

void Workspace::aux_changed(const std::string& path) {
  const std::string text = text_of(path);
  const std::string root = root_of(path);
  for (auto& [project_root, project] : projects_) {
    // Its own project loads it now; others only if they already read it.
    if (project_root == root && open_.count(path)) {
      project->set_aux(path, text);
    } else {
      project->refresh_aux(path, text);
    }
  }
}

void Workspace::open(const std::string& path, std::string text) {
  open_[path] = std::move(text);
  if (!Service::handles(path)) return aux_changed(path);
  must_publish_.insert(path);
  ProjectState* project = project_for(path);
  if (project && project != stdlib_project_.get()) project->set_text(path, open_[path]);
  share_text(path, project, &open_[path]);
}

void Workspace::share_text(const std::string& path, const ProjectState* own, const std::string* text) {
  if (is_under(path, stdlib_dir_)) return;  // every project's stdlib, never edited
  for (auto& [root, project] : projects_) {
    if (project.get() == own || !project->file(path)) continue;
    if (text) {
      project->set_text(path, *text);
    } else {
      project->remove(path);
    }
  }
}

bool Workspace::change(const std::string& path, const std::vector<TextChange>& changes, ColumnUnit unit) {
  auto it = open_.find(path);
  if (it == open_.end()) return false;
  std::string& text = it->second;
  for (const TextChange& change : changes) {
    if (!change.range) {
      text = change.text;
      continue;
    }
    uint32_t begin = offset_in_text(text, change.range->start, unit);
    uint32_t end = offset_in_text(text, change.range->end, unit);
    if (end < begin) std::swap(begin, end);
    text.replace(begin, end - begin, change.text);
  }
  if (!Service::handles(path)) {
    aux_changed(path);
    return true;
  }
  ProjectState* project = project_for(path);
  if (project && project != stdlib_project_.get()) project->set_text(path, text);
  share_text(path, project, &text);
  must_publish_.insert(path);  // every edited version hears back, even when nothing changed
  return true;
}

void Workspace::close(const std::string& path) {
  if (!open_.erase(path)) return;
  if (!Service::handles(path)) return aux_changed(path);  // the disk's text again
  must_publish_.erase(path);
  ProjectState* project = Service::handles(path) ? project_for(path) : nullptr;
  if (!project || project == stdlib_project_.get()) return;
  std::error_code ec;
  if (read_disk_ && fs::exists(path, ec)) {
    const std::string disk = text_of(path);
    project->set_text(path, disk);
    share_text(path, project, &disk);
  } else {
    project->remove(path);  // an unsaved new file: gone with its editor
    share_text(path, project, nullptr);
  }
}

void Workspace::reload_projects() {
  projects_.clear();
  published_generations_.clear();  // the new projects' generations start again: publish them
  for (const auto& [path, text] : open_) project_for(path);
}

void Workspace::disk_changed(const std::string& path, DiskChange change) {
  if (!read_disk_) return;
  fs::path p(path);
  if (p.filename() == "flow.project" && change != DiskChange::Changed) {
    reload_projects();  // project boundaries moved
    return;
  }
  if (Service::handles(path)) {
    if (open_.count(path) || is_under(path, stdlib_dir_)) return;  // the editor's text wins
    // Its own project, and a project of a directory above that holds it
    // or, for a created file, would have read it (without flow.project a
    // directory's project reads its subdirectories).
    for (auto& [root, project] : projects_) {
      if (!project->file(path) && !reads_from_disk(root, path)) continue;
      std::error_code ec;
      // A link out of the project is not the project's, as in `flowc check`.
      if (change == DiskChange::Deleted || !fs::exists(path, ec) || links_outside(path, root)) {
        project->remove(path);
      } else if (!in_skipped_directory(path, root)) {
        project->set_text(path, text_of(path));
      }
    }
    return;
  }
  // Other files (`.sql`) matter to the projects whose `file("...")` loaded
  // them, or named them before they existed.
  if (open_.count(path)) return;  // the editor's text wins
  std::string error;
  std::optional<std::string> text = change == DiskChange::Deleted ? std::nullopt : read_file(path, error);
  for (auto& [root, project] : projects_) project->aux_changed_on_disk(path, text, is_under(path, root));
}

const std::string* Workspace::open_text(const std::string& path) const {
  auto it = open_.find(path);
  return it == open_.end() ? nullptr : &it->second;
}

bool Workspace::needs_check() const {
  return std::any_of(projects_.begin(), projects_.end(),
                     [](const auto& p) { return p.second->needs_check(); });
}

EditorDiagnostic to_editor(const Diagnostic& d, const SourceManager& sources, ColumnUnit unit) {
  EditorDiagnostic out;
  if (d.range.valid() && d.range.file.index < sources.size()) {
    out.range = range_at(sources.buffer(d.range.file), d.range.begin, d.range.end, unit);
  }
  out.severity = d.severity;
  out.code = std::string(d.code());
  out.message = d.message;
  // The same trailer `flowc check` prints: helps, then each fix-it's title.
  for (const std::string& help : d.helps) out.message += "\nhelp: " + help;
  for (const FixIt& fix : d.fixits) {
    if (!fix.title.empty()) out.message += "\nhelp: " + fix.title;
  }
  for (const DiagNote& note : d.notes) {
    if (note.range.valid() && note.range.file.index < sources.size()) {
      const SourceBuffer& buffer = sources.buffer(note.range.file);
      out.notes.push_back(
          {{buffer.path(), range_at(buffer, note.range.begin, note.range.end, unit)}, note.message});
    } else {
      out.unlocated_notes.push_back(note.message);
    }
  }
  return out;
}

std::vector<FileDiagnostics> Workspace::check(ColumnUnit unit) {
  report_ = std::move(quick_report_);  // what a quick check just before did comes first
  quick_report_.clear();
  bool changed =
      !must_publish_.empty() || published_generations_.size() != projects_.size() || unit != published_unit_;
  for (auto& [root, project] : projects_) {
    if (project->needs_check()) {
      project->check();
      const CheckTiming& t = project->timing();
      char line[512];
      std::snprintf(
          line, sizeof line,
          "checked %s: parsed %u file(s) in %.1f ms, checked in %.1f ms, indexed in %.1f ms (%.1f ms CPU)",
          root.c_str(), t.files_parsed, t.parse_ms, t.check_ms, t.index_ms, t.cpu_ms);
      report_.emplace_back(line);
    }
    auto it = published_generations_.find(root);
    changed = changed || it == published_generations_.end() || it->second != project->generation();
  }
  if (!changed) return {};  // the common case before every request: nothing new
  published_generations_.clear();
  published_unit_ = unit;
  std::map<std::string, std::vector<EditorDiagnostic>> current;
  // A file two projects hold (without flow.project, a directory's project
  // holds its subdirectories' files too) shows its own project's
  // diagnostics, as `flowc check FILE` does, once.
  std::map<std::string, std::string> own_root;
  auto shown_by = [&](const std::string& path, const std::string& root) {
    auto it = own_root.find(path);
    if (it == own_root.end()) it = own_root.emplace(path, root_of(path)).first;
    return it->second == root || !projects_.count(it->second);
  };
  for (auto& [root, project] : projects_) {
    published_generations_[root] = project->generation();
    const SourceManager& sources = project->sources();
    for (const Diagnostic& d : project->diagnostics()) {
      std::string path;
      if (d.range.valid() && d.range.file.index < sources.size()) {
        path = sources.buffer(d.range.file).path();
      } else if (!project->files().empty()) {
        // A diagnostic without a location is shown at the top of the project's first file.
        path = project->files().begin()->first;
      }
      const ProjectFile* file = project->file(path);
      if (path.empty() || (file && file->stdlib)) continue;  // the stdlib is not the user's to fix
      if (!shown_by(path, root)) continue;
      current[path].push_back(to_editor(d, sources, unit));
    }
    for (const auto& [path, file] : project->files()) {
      if (must_publish_.count(path)) current[path];  // an opened document hears back, even when clean
    }
  }
  std::vector<FileDiagnostics> out;
  for (auto& [path, diagnostics] : current) {
    auto it = published_.find(path);
    bool same = it == published_.end() ? diagnostics.empty() : it->second == diagnostics;
    if (same && !must_publish_.count(path)) continue;
    published_[path] = diagnostics;
    out.push_back({path, std::move(diagnostics)});
  }
  must_publish_.clear();
  for (auto it = published_.begin(); it != published_.end();) {
    if (!current.count(it->first)) {
      if (!it->second.empty()) out.push_back({it->first, {}});
      it = published_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileDiagnostics& a, const FileDiagnostics& b) { return a.path < b.path; });
  return out;
}

std::vector<FileDiagnostics> Workspace::quick_check(ColumnUnit unit, double threshold_ms) {
  std::vector<FileDiagnostics> out;
  quick_report_.clear();
  if (threshold_ms < 0) return out;
  for (auto& [root, project] : projects_) {
    if (!project->needs_check() || project->timing().cpu_ms < threshold_ms) continue;
    auto start = std::chrono::steady_clock::now();
    auto quick = project->quick_check();
    if (!quick) continue;
    FileDiagnostics file;
    file.path = project->sources().buffer(quick->first).path();
    for (const Diagnostic& d : quick->second)
      file.diagnostics.push_back(to_editor(d, project->sources(), unit));
    published_[file.path] = file.diagnostics;
    must_publish_.erase(file.path);
    char line[512];
    std::snprintf(
        line, sizeof line, "quick check of %s: %.1f ms", file.path.c_str(),
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    quick_report_.emplace_back(line);
    out.push_back(std::move(file));
  }
  return out;
}

void Workspace::release_retired() {
  for (auto& [root, project] : projects_) project->release_retired();
  if (stdlib_project_) stdlib_project_->release_retired();
}

bool Workspace::never_checked(const std::string& path) {
  ProjectState* project = project_for(path);
  return project != nullptr && project->generation() == 0;
}

FileView Workspace::view(const std::string& path, bool checked) {
  ProjectState* project = project_for(path);
  if (!project) return {};
  if (checked && project->needs_check()) {
    project->check();
  } else if (!checked) {
    project->parse_changed();
  }
  const ProjectFile* file = project->file(path);
  if (!file || !file->tree) return {};
  return {project, file, &project->sources().buffer(file->id)};
}

std::vector<ProjectState*> Workspace::checked_projects() {
  std::vector<ProjectState*> out;
  for (auto& [root, project] : projects_) {
    if (project->needs_check()) project->check();
    out.push_back(project.get());
  }
  return out;
}

}  // namespace flowc::lsp
