// Where every name of a checked project occurs: declarations (a symbol's
// name_range) and uses (the model's references), per file and sorted, so
// "which symbol is under the cursor" is a binary search and "every use of
// this symbol" a list lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/model/model.h"

namespace flowc::lsp {

/// One occurrence of a symbol's name.
struct Occurrence {
  uint32_t begin = 0;
  uint32_t end = 0;
  model::SymbolId symbol;
  bool declaration = false;
};

/// The occurrence index of one model.
class OccurrenceIndex {
 public:
  /// Rebuilds the index for `model`, whose ranges point into `file_count` files.
  void build(const model::Model& model, uint32_t file_count);
  /// The occurrence containing `offset` in `file` (an identifier's end counts,
  /// so a cursor right after a name finds it); the narrowest when nested.
  [[nodiscard]] std::optional<Occurrence> at(FileId file, uint32_t offset) const;
  /// The uses of `symbol` (indices into model.references).
  [[nodiscard]] const std::vector<uint32_t>& uses_of(model::SymbolId symbol) const;

 private:
  /// Sorts a file's occurrences on first use: most files of a large project
  /// are never queried between two checks.
  const std::vector<Occurrence>& sorted(FileId file) const;

  mutable std::vector<std::vector<Occurrence>> by_file_;
  mutable std::vector<bool> sorted_;
  std::vector<std::vector<uint32_t>> uses_;
  std::vector<uint32_t> none_;
};

}  // namespace flowc::lsp
