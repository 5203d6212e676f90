#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/terminal.h"
#include "compiler/diagnostics/render.h"
#include "compiler/format/format.h"
#include "compiler/syntax/parse.h"
#include "compiler/textdiff/diff.h"

namespace flowc::cli {

namespace {

/// Writes through a temporary file and a rename, so an interrupted `fmt`
/// never leaves a half-written source file.
bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  std::string temporary = path + ".flowc-fmt.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      error = "cannot write " + temporary;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    error = ec.message();
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
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
    if (std::filesystem::is_regular_file(path, ec)) projects.push_back({"", {path}});
    else directories.push_back(path);
  }
  if (!directories.empty()) {
    for (auto& p : project::discover(directories, errors)) projects.push_back(std::move(p));
  }
  bool syntax_errors = false;
  size_t would_change = 0;
  SourceManager sources;
  for (const project::ProjectFiles& p : projects) {
    for (const std::string& path : p.files) {
      std::string error;
      std::optional<std::string> text = read_file(path, error);
      if (!text) {
        errors.push_back({path, error});
        continue;
      }
      FileId id = sources.add(path, std::move(*text));
      const SourceBuffer& buffer = sources.buffer(id);
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
        std::cout << textdiff::unified_diff(path, buffer.text(), formatted);
        continue;
      }
      if (!write_atomically(path, formatted, error)) {
        errors.push_back({path, error});
        continue;
      }
      std::cerr << "formatted " << path << "\n";
    }
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
