// The compiler service: finds a project's files, reads, parses and checks
// them with the standard library. The CLI, the golden tests, the fuzzer and
// the language server all compile through here.
#pragma once

#include <memory>
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
};

/// The files of one project found on disk.
struct ProjectFiles {
  std::string root;                // the project directory
  std::vector<std::string> files;  // every .flow file of the project, sorted
};

/// Groups the `.flow` files named by `paths` (files or directories) into
/// projects. A file belongs to the project rooted at the nearest ancestor
/// directory holding `flow.project`, or else at the directory given on the
/// command line (or the file's own directory). Hidden directories and `build`
/// directories are skipped. Problems are appended to `errors`.
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

/// Reads the files of `project` and compiles them. Unreadable files are
/// appended to `errors` (and the compilation goes on without them).
std::unique_ptr<Compilation> compile(const ProjectFiles& project, const std::string& stdlib_dir,
                                     std::vector<LoadError>& errors);

}  // namespace flowc::project
