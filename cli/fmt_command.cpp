#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/terminal.h"
#include "compiler/diagnostics/render.h"
#include "compiler/dsn/written_passwords.h"
#include "compiler/format/format.h"
#include "compiler/syntax/parse.h"
#include "compiler/textdiff/diff.h"
#include "runtime/connect/secrets.h"

namespace flowc::cli {

namespace {

/// Writes through a temporary file and a rename, so an interrupted `fmt`
/// never leaves a half-written source file. The file keeps its permissions
/// (and its owner and group, when this process may set them: as root).
/// A symbolic link is followed: the file it names is rewritten, the link stays.
bool write_atomically(const std::string& given, const std::string& text, std::string& error) {
  std::error_code resolve_ec;
  std::filesystem::path resolved = std::filesystem::canonical(given, resolve_ec);
  const std::string path = resolve_ec ? given : resolved.string();
  struct stat original {};
  if (::stat(path.c_str(), &original) != 0) {
    error = std::strerror(errno);
    return false;
  }
  std::string temporary = path + ".flowc-fmt.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      error = "cannot write " + temporary;
      std::error_code ec;
      std::filesystem::remove(temporary, ec);
      return false;
    }
  }
  // Owner first: chown may clear set-id bits that chmod then restores.
  if (::chown(temporary.c_str(), original.st_uid, original.st_gid) != 0 && errno != EPERM) {
    error = std::strerror(errno);
  }
  if (error.empty() && ::chmod(temporary.c_str(), original.st_mode & 07777) != 0) error = std::strerror(errno);
  std::error_code ec;
  if (error.empty()) std::filesystem::rename(temporary, path, ec);
  if (!error.empty() || ec) {
    if (error.empty()) error = ec.message();
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
}

/// The passwords the file spells out in its strings and comments. A diff
/// shows lines of the file, and nothing secret is ever printed: a DSN with
/// a written password (E0203 for `check`) is shown with `***` instead.
std::vector<std::string> written_secrets(const syntax::SyntaxTree& tree, const SourceBuffer& buffer) {
  std::vector<std::string> secrets;
  auto add = [&](std::string_view text) {
    for (std::string& password : dsn::written_passwords(text)) secrets.push_back(std::move(password));
  };
  for (const syntax::StringPart& part : tree.string_parts)
    if (!part.is_interpolation) add(part.text);
  for (const syntax::Comment& comment : tree.comments)
    add(std::string_view(buffer.text()).substr(comment.range.begin, comment.range.end - comment.range.begin));
  return secrets;
}

}  // namespace

int run_fmt(const FmtOptions& options) {
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(".");
  std::vector<project::LoadError> errors;
  // A file named alone is formatted alone; a directory formats every file below it.
  std::vector<std::string> directories;
  std::vector<project::ProjectFiles> projects;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) directories.push_back(path);
    else if (project::is_flow_source(path)) projects.push_back({"", {path}});
    else errors.push_back({path, "not a .flow file"});
  }
  if (!directories.empty()) {
    for (auto& p : project::discover(directories, errors)) projects.push_back(std::move(p));
  }
  // Everything is read before anything is written: a file or directory
  // that cannot be read stops `fmt` (exit 2) with nothing changed.
  SourceManager sources;
  for (const project::ProjectFiles& p : projects) {
    for (const std::string& path : p.files) {
      if (sources.find(path)) continue;  // named alone and inside a directory
      std::string error;
      std::optional<std::string> text = read_file(path, error);
      if (text) sources.add(path, std::move(*text));
      else errors.push_back({path, error});
    }
  }
  if (!errors.empty()) {
    for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
    return kExitUsage;
  }
  bool syntax_errors = false;
  size_t would_change = 0;
  for (uint32_t i = 0; i < sources.size(); ++i) {
    FileId id{i};
    const SourceBuffer& buffer = sources.buffer(id);
    const std::string& path = buffer.path();
    std::string error;
    DiagnosticEngine diagnostics;
    syntax::SyntaxTree tree = syntax::parse(buffer, id, diagnostics);
    if (diagnostics.error_count() > 0) {
      render_human(diagnostics.diagnostics(), sources, std::cerr, {use_color(stderr)});
      syntax_errors = true;
      continue;
    }
    std::string formatted = format::format(tree, buffer);
    if (formatted == buffer.text()) continue;
    ++would_change;
    if (options.check) {
      std::cout << runtime::without_secrets(textdiff::unified_diff(path, buffer.text(), formatted),
                                            written_secrets(tree, buffer));
      continue;
    }
    if (!write_atomically(path, formatted, error)) {
      errors.push_back({path, error});
      continue;
    }
    std::cerr << "formatted " << path << "\n";
  }
  for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
  if (!errors.empty()) return kExitUsage;
  if (syntax_errors) return kExitFailed;
  if (options.check && would_change > 0) {
    std::cerr << would_change << (would_change == 1 ? " file needs" : " files need") << " formatting (run `flowc fmt`)\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace flowc::cli
