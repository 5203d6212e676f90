// The checker: syntax trees of a project (and of the standard library) in,
// a checked Model out. Applies every rule of language.md §5 and reports into
// the engine; never throws. A model built from files with errors is still
// returned (best effort) so the LSP can answer queries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"
#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::check {

/// A file that `file("...")` names which exists but cannot be read
/// (permissions, an I/O error): a problem of the machine, not of the source.
struct UnreadableFile {
  std::string path;     // as resolved: relative to the naming .flow file's directory
  std::string message;  // strerror text, e.g. "Permission denied"
};

struct CheckInput {
  SourceManager* sources = nullptr;  // the checker adds the .sql files that file("...") names
  std::vector<const syntax::SyntaxTree*> stdlib;   // stdlib/std/*.flow
  std::vector<const syntax::SyntaxTree*> project;  // the project's files, flow.project included
  /// When set, a named file that exists but cannot be read is appended here
  /// (an environment error for the caller; the term is an error, silently).
  /// When null it is reported as E0101 like a file that does not exist.
  std::vector<UnreadableFile>* unreadable = nullptr;
  /// The project directory: `file("...")` may not name a file outside it
  /// (nor an absolute path). "" = no bound but the absolute paths.
  std::string root;
};

/// Resolves, type-checks and applies §5 to the project.
model::Model check(const CheckInput& input, DiagnosticEngine& diagnostics);

/// Whether a top-level declaration may not be called `name`: a keyword, a
/// standard-library function (E0102), or an enum value (a reference by that
/// name would read as the value). `model` is any model checked with the
/// standard library; only its standard-library symbols are read.
bool is_language_name(const model::Model& model, std::string_view name);

}  // namespace flowc::check
