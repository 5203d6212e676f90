// The canonical printer: tree -> Doc (builder) -> text (doc printer). The
// rules are documented one by one in docs/formatting.md.
#include "compiler/format/format.h"

#include "compiler/format/builder.h"
#include "compiler/format/comments.h"
#include "compiler/format/doc.h"

namespace flowc::format {

std::string format(const syntax::SyntaxTree& tree, const SourceBuffer& buffer) {
  SourceView source(buffer);
  CommentIndex comments(tree, source);
  Docs docs;
  Builder builder(tree, source, comments, docs);
  DocId root = builder.file();
  return render(docs, root, kLineWidth);
}

}  // namespace flowc::format
