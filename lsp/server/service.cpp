#include "lsp/server/service.h"

#include "compiler/project/project.h"
#include "lsp/server/features.h"
#include "lsp/server/workspace.h"

namespace flowc::lsp {

Service::Service(ServiceOptions options) : options_(std::move(options)) {
  if (options_.stdlib_dir.empty()) options_.stdlib_dir = project::default_stdlib_dir();
  workspace_ = std::make_unique<Workspace>(options_.stdlib_dir, options_.read_disk);
}

Service::~Service() = default;

bool Service::handles(const std::string& path) { return project::is_flow_source(path); }

std::string Service::canonical_path(const std::string& path) { return normalize_path(path); }

void Service::set_workspace_root(const std::string& path) { workspace_->set_root(normalize_path(path)); }

void Service::open(const std::string& path, std::string text) {
  workspace_->open(normalize_path(path), std::move(text));
}

bool Service::change(const std::string& path, const std::vector<TextChange>& changes) {
  return workspace_->change(normalize_path(path), changes, options_.unit);
}

void Service::close(const std::string& path) { workspace_->close(normalize_path(path)); }

void Service::disk_changed(const std::string& path, DiskChange change) {
  workspace_->disk_changed(normalize_path(path), change);
}

const std::string* Service::open_text(const std::string& path) const {
  return workspace_->open_text(normalize_path(path));
}

bool Service::needs_check() const { return workspace_->needs_check(); }

std::vector<FileDiagnostics> Service::check() { return workspace_->check(options_.unit); }

std::vector<FileDiagnostics> Service::quick_check() {
  return workspace_->quick_check(options_.unit, options_.quick_check_ms);
}

void Service::release_memory() { workspace_->release_retired(); }

const std::vector<std::string>& Service::check_report() const { return workspace_->check_report(); }

namespace {

/// The checked view of `path` and the byte offset of `pos` in it.
struct At {
  FileView view;
  uint32_t offset = 0;
  explicit operator bool() const { return view.file != nullptr; }
};

At at(Workspace& workspace, const std::string& path, TextPosition pos, ColumnUnit unit, bool checked = true) {
  At out;
  out.view = workspace.view(normalize_path(path), checked);
  if (out.view.file) out.offset = offset_at(*out.view.buffer, pos, unit);
  return out;
}

}  // namespace

std::optional<HoverInfo> Service::hover(const std::string& path, TextPosition pos) {
  At a = at(*workspace_, path, pos, options_.unit);
  return a ? hover_at(a.view, a.offset, options_.unit) : std::nullopt;
}

std::vector<FileLocation> Service::definition(const std::string& path, TextPosition pos) {
  At a = at(*workspace_, path, pos, options_.unit);
  return a ? definition_at(a.view, a.offset, options_.unit) : std::vector<FileLocation>{};
}

std::vector<FileLocation> Service::references(const std::string& path, TextPosition pos,
                                              bool include_declaration) {
  workspace_->load_enclosing(normalize_path(path));
  At a = at(*workspace_, path, pos, options_.unit);
  return a ? references_at(a.view, a.offset, include_declaration, options_.unit,
                           workspace_->checked_projects())
           : std::vector<FileLocation>{};
}

RenameTarget Service::prepare_rename(const std::string& path, TextPosition pos) {
  workspace_->load_enclosing(normalize_path(path));
  At a = at(*workspace_, path, pos, options_.unit);
  if (!a) return RenameTarget{std::nullopt, "", "only names in `.flow` files can be renamed"};
  return prepare_rename_at(a.view, a.offset, options_.unit, workspace_->checked_projects());
}

RenameResult Service::rename(const std::string& path, TextPosition pos, const std::string& new_name) {
  workspace_->load_enclosing(normalize_path(path));
  At a = at(*workspace_, path, pos, options_.unit);
  if (!a) return RenameResult{{}, "only names in `.flow` files can be renamed"};
  return rename_at(a.view, a.offset, new_name, options_.unit, workspace_->checked_projects());
}

CompletionList Service::complete(const std::string& path, TextPosition pos) {
  At a = at(*workspace_, path, pos, options_.unit, /*checked=*/false);
  return a ? complete_at(a.view, a.offset) : CompletionList{};
}

bool Service::never_checked(const std::string& path) {
  return workspace_->never_checked(normalize_path(path));
}

std::vector<OutlineSymbol> Service::outline(const std::string& path) {
  FileView view = workspace_->view(normalize_path(path), /*checked=*/false);
  return view.file ? outline_of(view, options_.unit) : std::vector<OutlineSymbol>{};
}

std::optional<std::vector<TextEditData>> Service::format(const std::string& path) {
  FileView view = workspace_->view(normalize_path(path), /*checked=*/false);
  if (!view.file) return std::nullopt;
  return format_file(view, options_.unit);
}

std::vector<QuickFix> Service::quick_fixes(const std::string& path, TextRange range) {
  FileView view = workspace_->view(normalize_path(path), /*checked=*/true);
  if (!view.file) return {};
  uint32_t begin = offset_at(*view.buffer, range.start, options_.unit);
  uint32_t end = offset_at(*view.buffer, range.end, options_.unit);
  if (end < begin) std::swap(begin, end);
  return quick_fixes_in(view, begin, end, options_.unit);
}

}  // namespace flowc::lsp
