#include "lsp/server/occurrences.h"

#include <algorithm>

namespace flowc::lsp {

void OccurrenceIndex::build(const model::Model& model, uint32_t file_count) {
  by_file_.assign(file_count, {});
  uses_.assign(model.symbols.size(), {});
  auto add = [&](SourceRange range, model::SymbolId symbol, bool declaration) {
    if (!range.valid() || range.file.index >= file_count || !symbol.valid()) return;
    by_file_[range.file.index].push_back({range.begin, range.end, symbol, declaration});
  };
  for (uint32_t i = 0; i < model.symbols.size(); ++i)
    add(model.symbols[i].name_range, model::SymbolId{i}, true);
  for (uint32_t i = 0; i < model.references.size(); ++i) {
    const model::Reference& ref = model.references[i];
    add(ref.range, ref.symbol, false);
    if (ref.symbol.valid() && ref.symbol.index < uses_.size()) uses_[ref.symbol.index].push_back(i);
  }
  sorted_.assign(file_count, false);
}

const std::vector<Occurrence>& OccurrenceIndex::sorted(FileId file) const {
  std::vector<Occurrence>& list = by_file_[file.index];
  if (!sorted_[file.index]) {
    std::sort(list.begin(), list.end(), [](const Occurrence& a, const Occurrence& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    sorted_[file.index] = true;
  }
  return list;
}

std::optional<Occurrence> OccurrenceIndex::at(FileId file, uint32_t offset) const {
  if (!file.valid() || file.index >= by_file_.size()) return std::nullopt;
  const auto& list = sorted(file);
  // Candidates start at or before `offset`; scan back from the last of them.
  auto it = std::upper_bound(list.begin(), list.end(), offset,
                             [](uint32_t off, const Occurrence& o) { return off < o.begin; });
  std::optional<Occurrence> best;
  for (size_t steps = 0; it != list.begin() && steps < 64; ++steps) {
    --it;
    if (offset > it->end) continue;
    if (!best || it->end - it->begin < best->end - best->begin ||
        (it->end - it->begin == best->end - best->begin && best->declaration && !it->declaration)) {
      best = *it;
    }
  }
  return best;
}

const std::vector<uint32_t>& OccurrenceIndex::uses_of(model::SymbolId symbol) const {
  if (!symbol.valid() || symbol.index >= uses_.size()) return none_;
  return uses_[symbol.index];
}

}  // namespace flowc::lsp
