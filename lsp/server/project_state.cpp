#include "lsp/server/project_state.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "compiler/check/check.h"
#include "compiler/project/project.h"
#include "compiler/syntax/parse.h"

namespace flowc::lsp {

namespace fs = std::filesystem;

namespace {

void parse_file(const SourceManager& sources, ProjectFile& file) {
  DiagnosticEngine engine;
  file.tree = std::make_unique<syntax::SyntaxTree>(syntax::parse(sources.buffer(file.id), file.id, engine));
  file.parse_diagnostics = engine.diagnostics();
  file.stale = false;
  file.workflows.clear();
  for (const syntax::Decl& decl : file.tree->decls) {
    if (!decl.block.valid()) continue;
    const syntax::Block& b = file.tree->block(decl.block);
    if (b.kind == syntax::BlockKind::Workflow) file.workflows.emplace_back(b.name.text);
  }
}

}  // namespace

ProjectState::ProjectState(std::string root, const std::string& stdlib_dir) : root_(std::move(root)) {
  // Not reported here: an unreadable standard library leaves its names
  // unknown, and each use of one is then a diagnostic in the editor.
  for (project::StdlibFile& read : project::read_stdlib(stdlib_dir, nullptr)) {
    ProjectFile file;
    file.path = fs::path(read.path).lexically_normal().string();
    file.id = sources_.add(file.path, std::move(read.text));
    file.stdlib = true;
    parse_file(sources_, file);
    stdlib_.push_back(std::move(file));
  }
}

void ProjectState::set_text(const std::string& path, std::string text) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    ProjectFile file;
    file.path = path;
    // A file removed and added again keeps its buffer slot.
    if (std::optional<FileId> old = sources_.find(path)) {
      file.id = *old;
      sources_.replace(*old, std::move(text));
    } else {
      file.id = sources_.add(path, std::move(text));
    }
    files_.emplace(path, std::move(file));
    files_added_or_removed_ = true;
  } else if (sources_.buffer(it->second.id).text() != text) {
    ProjectFile& file = it->second;
    if (!file.changed_since_check) {
      file.checked_text = std::string(sources_.buffer(file.id).text());
      file.changed_since_check = true;
    }
    sources_.replace(file.id, std::move(text));
    file.stale = true;
  } else {
    return;  // same text: nothing to re-check
  }
  needs_check_ = true;
}

bool ProjectState::remove(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) return false;
  // The model may still point into the buffer: empty it, do not drop it.
  sources_.replace(it->second.id, std::string());
  files_.erase(it);
  files_added_or_removed_ = true;
  needs_check_ = true;
  return true;
}

std::optional<FileId> ProjectState::loaded_aux(const std::string& path) const {
  if (files_.count(path)) return std::nullopt;
  std::optional<FileId> id = sources_.find(path);
  if (!id || std::any_of(stdlib_.begin(), stdlib_.end(), [&](const ProjectFile& f) { return f.id == *id; }))
    return std::nullopt;
  return id;
}

bool ProjectState::refresh_aux(const std::string& path, std::string text) {
  std::optional<FileId> id = loaded_aux(path);
  if (!id) return false;
  sources_.replace(*id, std::move(text));
  needs_check_ = true;
  files_added_or_removed_ = true;  // a quick check would not see the .sql change
  return true;
}

void ProjectState::aux_changed_on_disk(const std::string& path, std::optional<std::string> text,
                                       bool under_root) {
  if (text && refresh_aux(path, std::move(*text))) return;
  if (std::optional<FileId> id = loaded_aux(path); !text && id) {
    sources_.retire(*id);
  } else if (!under_root) {
    return;  // another project's
  }
  needs_check_ = true;
  files_added_or_removed_ = true;  // a quick check would not see the .sql change
}

void ProjectState::set_aux(const std::string& path, std::string text) {
  if (files_.count(path)) return;
  if (!refresh_aux(path, text)) {
    sources_.add(path, std::move(text));
    needs_check_ = true;
    files_added_or_removed_ = true;
  }
}

const ProjectFile* ProjectState::file(const std::string& path) const {
  if (auto it = files_.find(path); it != files_.end()) return &it->second;
  for (const ProjectFile& f : stdlib_) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

const ProjectFile* ProjectState::file(FileId id) const {
  for (const ProjectFile& f : stdlib_) {
    if (f.id == id) return &f;
  }
  for (const auto& [path, f] : files_) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// CPU time of this thread, in ms: unlike wall time, not inflated when the
/// machine is busy.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

void ProjectState::parse_changed() {
  for (auto& [path, file] : files_) {
    if (file.stale || !file.tree) {
      parse_file(sources_, file);
      ++timing_.files_parsed;
    }
  }
}

void ProjectState::check() {
  timing_ = {};
  double cpu_start = thread_cpu_ms();
  auto start = std::chrono::steady_clock::now();
  parse_changed();
  timing_.parse_ms = ms_since(start);
  start = std::chrono::steady_clock::now();
  check::CheckInput input;
  input.sources = &sources_;
  input.root = root_;  // `file("...")` may not leave the project, as in `flowc check`
  for (const ProjectFile& f : stdlib_) input.stdlib.push_back(f.tree.get());
  for (const auto& [path, f] : files_) input.project.push_back(f.tree.get());
  DiagnosticEngine engine;
  for (const ProjectFile& f : stdlib_) {
    for (const Diagnostic& d : f.parse_diagnostics) engine.report(d.kind, d.range, d.message) = d;
  }
  for (const auto& [path, f] : files_) {
    for (const Diagnostic& d : f.parse_diagnostics) engine.report(d.kind, d.range, d.message) = d;
  }
  retired_ = std::move(model_);
  model_ = check::check(input, engine);
  engine.sort();
  diagnostics_ = engine.diagnostics();
  timing_.check_ms = ms_since(start);
  start = std::chrono::steady_clock::now();
  index_.build(model_, sources_.size());
  timing_.index_ms = ms_since(start);
  for (auto& [path, f] : files_) {
    f.changed_since_check = false;
    f.checked_text.reset();
  }
  files_added_or_removed_ = false;
  timing_.cpu_ms = thread_cpu_ms() - cpu_start;
  needs_check_ = false;
  ++generation_;
}

bool ProjectState::has_syntax_errors(const ProjectFile& file) const {
  return std::any_of(file.parse_diagnostics.begin(), file.parse_diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace flowc::lsp
