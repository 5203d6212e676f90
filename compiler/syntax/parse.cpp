// STUB: replaced by the PEGTL-based parser.
#include "compiler/syntax/parse.h"

namespace flowc::syntax {
SyntaxTree parse(const SourceBuffer& buffer, FileId file, DiagnosticEngine& diagnostics) {
  SyntaxTree tree;
  tree.file = file;
  return tree;
}
}  // namespace flowc::syntax
