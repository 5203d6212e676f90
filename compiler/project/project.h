// The compiler service: finds a project's files, reads, parses and checks
// them with the standard library. The CLI, the golden tests and the fuzzer
// compile through here; the language server, which keeps its trees between
// edits (lsp/server/project_state.h), reads the standard library and tells
// its sources by name through here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"
#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::project {

/// A problem of the environment, not of the files' content (exit code 2):
/// a path that does not exist, cannot be read, or holds no `.flow` files.
struct LoadError {
  std::string path;
  std::string message;
  /// A directory that was read and holds no `.flow` files (nothing in it
  /// failed to read): where `flowc doc` falls back to the stdlib alone.
  bool no_sources = false;
};

/// Whether `path` names a flowc source by its name: `*.flow` or `flow.project`.
bool is_flow_source(const std::string& path);

/// One `.flow` file of the standard library, read.
struct StdlibFile {
  std::string path;
  std::string text;
};

/// Reads the standard library's `.flow` files in `dir`, sorted by path. The
/// compiler and the language server load it through here. Without `errors`
/// its problems are ignored (its names are then unknown); with it, a
/// directory that cannot be listed, holds no .flow file, or has one that
/// cannot be read is reported.
std::vector<StdlibFile> read_stdlib(const std::string& dir, std::vector<LoadError>* errors);

/// The project `dir` is in: `dir` or the nearest directory above it that
/// holds `flow.project` (absolute; "" is the current directory); nullopt
/// when none does.
std::optional<std::string> enclosing_project(const std::string& dir);

/// The files of one project found on disk.
struct ProjectFiles {
  std::string root;                // the project directory
  std::vector<std::string> files;  // every .flow file of the project, sorted
};

/// Groups the `.flow` files named by `paths` (files or directories) into
/// projects. A file belongs to the project rooted at the nearest ancestor
/// directory holding `flow.project`, or else at the directory given on the
/// command line (or the file's own directory). Hidden directories and `build`
/// directories are skipped. Problems are appended to `errors`: a path that
/// does not exist, a file that is not a flowc source, a directory that cannot
/// be listed (never skipped), a directory without .flow files.
std::vector<ProjectFiles> discover(const std::vector<std::string>& paths, std::vector<LoadError>& errors);

/// One compiled project: sources, trees, diagnostics and the checked model.
struct Compilation {
  std::string root;
  SourceManager sources;
  DiagnosticEngine diagnostics;
  std::vector<syntax::SyntaxTree> stdlib_trees;
  std::vector<syntax::SyntaxTree> trees;  // project files, in the order given
  model::Model model;
};

/// The standard library directory: $FLOWC_STDLIB, else `<dir of the running
/// binary>/../stdlib/std`, else the source tree's stdlib/std.
std::string default_stdlib_dir();

/// Parses and checks the given in-memory files (path, text) as one project.
/// `.flow` files are parsed; other files (e.g. `.sql`) are only made
/// available to `file("...")`. Never fails: problems become diagnostics.
std::unique_ptr<Compilation> compile_sources(std::vector<std::pair<std::string, std::string>> files,
                                             const std::string& stdlib_dir);

/// Reads the files of `project` and compiles them. What cannot be read is
/// appended to `errors` (and the compilation goes on without it): a project
/// file, the standard library (a directory that cannot be listed or holds no
/// .flow file, or one of its files), and a file `file("...")` names that
/// exists but cannot be read (one that does not exist stays E0101).
std::unique_ptr<Compilation> compile(const ProjectFiles& project, const std::string& stdlib_dir,
                                     std::vector<LoadError>& errors);

}  // namespace flowc::project
