// STUB: replaced by the canonical printer.
#include "compiler/format/format.h"

namespace flowc::format {
std::string format(const syntax::SyntaxTree& tree, const SourceBuffer& buffer) { return std::string(buffer.text()); }
}  // namespace flowc::format
