// The checker: syntax trees of a project (and of the standard library) in,
// a checked Model out. Applies every rule of language.md §5 and reports into
// the engine; never throws. A model built from files with errors is still
// returned (best effort) so the LSP can answer queries.
#pragma once

#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"
#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::check {

struct CheckInput {
  SourceManager* sources = nullptr;  // the checker adds the .sql files that file("...") names
  std::vector<const syntax::SyntaxTree*> stdlib;   // stdlib/std/*.flow
  std::vector<const syntax::SyntaxTree*> project;  // the project's files, flow.project included
};

/// Resolves, type-checks and applies §5 to the project.
model::Model check(const CheckInput& input, DiagnosticEngine& diagnostics);

}  // namespace flowc::check
