// Completion: the context comes from the text (completion_context.h), the
// candidates from the last checked model (attribute schemas, enum values,
// functions with signatures, declared names) so they stay available while the
// file being typed does not check.
#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "compiler/check/types.h"
#include "compiler/source/ascii.h"
#include "lsp/server/completion_context.h"
#include "lsp/server/features.h"

namespace flowc::lsp {

namespace {

using model::SymbolKind;
using model::TypeKind;
using Where = CompletionContext::Where;
using EntryKind = CompletionEntry::Kind;

// More candidates than this are filtered by the typed prefix (and the list is
// marked incomplete), so a 10,000-task project does not ship every name.
constexpr size_t kMaxEntries = 200;

constexpr std::string_view kTypeNames[] = {
    "bool",      "int",    "float",        "percent",     "duration", "date",   "time",
    "timestamp", "string", "column",       "table",       "sql",      "cron",   "secret",
    "severity",  "list",   "metric",       "expectation", "task",     "source", "route",
    "target",    "legacy", "retry_policy", "write_mode",  "command",  "alert"};

EntryKind entry_kind(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Task: return EntryKind::Task;
    case SymbolKind::Source: return EntryKind::Source;
    case SymbolKind::Param: return EntryKind::Param;
    case SymbolKind::Workflow: return EntryKind::Workflow;
    case SymbolKind::Target: return EntryKind::Target;
    case SymbolKind::Route: return EntryKind::Route;
    case SymbolKind::Legacy: return EntryKind::Legacy;
    case SymbolKind::Function: return EntryKind::Function;
    case SymbolKind::Attribute: return EntryKind::Attribute;
    case SymbolKind::EnumValue: return EntryKind::EnumValue;
    default: return EntryKind::Keyword;
  }
}

class Collector {
 public:
  Collector(const model::Model& model, const CompletionContext& context) : model_(model), context_(context) {}

  void keyword(std::string_view word, std::string insert = "") {
    CompletionEntry e;
    e.label = std::string(word);
    e.kind = EntryKind::Keyword;
    e.detail = "keyword";
    e.insert_text = std::move(insert);
    add(std::move(e), 2);
  }

  void symbol(model::SymbolId id, int rank, std::string insert = "") {
    const model::Symbol& sym = model_.symbol(id);
    CompletionEntry e;
    e.label = sym.name;
    e.kind = entry_kind(sym.kind);
    e.detail = sym.kind == SymbolKind::Function || sym.kind == SymbolKind::Attribute ? sym.signature : "";
    if (e.detail.empty()) e.detail = describe_kind(sym);
    e.documentation = sym.doc;
    e.insert_text = std::move(insert);
    add(std::move(e), rank);
  }

  /// Entries, deduplicated by label (first wins), filtered when too many.
  CompletionList finish() {
    CompletionList out;
    std::stable_sort(
        entries_.begin(), entries_.end(),
        [](const CompletionEntry& a, const CompletionEntry& b) { return a.sort_key < b.sort_key; });
    std::unordered_set<std::string> seen;
    for (CompletionEntry& e : entries_) {
      if (!seen.insert(e.label).second) continue;
      out.entries.push_back(std::move(e));
    }
    if (out.entries.size() > kMaxEntries) {
      std::string prefix = ascii_lower(context_.prefix);
      std::erase_if(out.entries,
                    [&](const CompletionEntry& e) { return !ascii_lower(e.label).starts_with(prefix); });
      if (out.entries.size() > kMaxEntries) out.entries.resize(kMaxEntries);
      out.incomplete = true;
    }
    return out;
  }

 private:
  static std::string describe_kind(const model::Symbol& sym) {
    switch (sym.kind) {
      case SymbolKind::Task: return "task " + sym.qualified_name;
      case SymbolKind::Source: return "source " + sym.qualified_name;
      case SymbolKind::Param: return "param: " + model::type_name(sym.type);
      case SymbolKind::Workflow: return "workflow";
      case SymbolKind::Target: return "target";
      case SymbolKind::Route: return "route";
      case SymbolKind::Legacy: return "legacy job";
      case SymbolKind::EnumValue: return model::type_name(sym.type);
      default: return "";
    }
  }

  void add(CompletionEntry e, int rank) {
    e.sort_key = std::to_string(rank) + "_" + e.label;
    entries_.push_back(std::move(e));
  }

  const model::Model& model_;
  const CompletionContext& context_;
  std::vector<CompletionEntry> entries_;
};

/// The workflow the cursor is in (by the outermost block's name).
model::WorkflowId enclosing_workflow(const model::Model& m, const CompletionContext& c) {
  if (c.blocks.empty() || c.blocks.front().keyword != "workflow") return {};
  return m.workflow_named(c.blocks.front().name);
}

/// The params of function `call`, in declaration order.
std::vector<const model::Symbol*> call_params(const model::Model& m, const std::string& call) {
  std::vector<const model::Symbol*> out;
  for (const model::Symbol& sym : m.symbols)
    if (sym.kind == SymbolKind::Param && !sym.workflow.valid() && sym.qualified_name == call + "." + sym.name)
      out.push_back(&sym);
  return out;
}

/// The type expected at the cursor: the attribute's, or the argument's
/// (named, or by its position).
model::Type expected_type(const model::Model& m, const CompletionContext& c) {
  std::string wanted;
  if (!c.call.empty() && !c.named_arg.empty()) {
    for (const model::Symbol* param : call_params(m, c.call))
      if (param->name == c.named_arg) return param->type;
    return {};
  }
  if (!c.call.empty() && c.argument >= 0) {
    const std::vector<const model::Symbol*> params = call_params(m, c.call);
    const auto position = static_cast<size_t>(c.argument);
    return position < params.size() ? params[position]->type : model::Type{};
  }
  if (c.call.empty() && !c.param_type.empty()) {
    if (std::optional<TypeKind> kind = check::kind_from_name(c.param_type))
      return model::Type{*kind, TypeKind::Error};
    return {};
  }
  if (!c.call.empty() || c.attribute.empty() || c.blocks.empty()) return {};
  wanted = c.blocks.back().keyword + "." + c.attribute;
  for (const model::Symbol& sym : m.symbols) {
    if (sym.kind == SymbolKind::Attribute && sym.qualified_name == wanted) return sym.type;
  }
  return {};
}

bool is_enum_type(const model::Model& m, TypeKind kind) {
  return std::any_of(m.symbols.begin(), m.symbols.end(), [&](const model::Symbol& s) {
    return s.kind == SymbolKind::EnumValue && s.type.kind == kind;
  });
}

SymbolKind entity_symbol_kind(TypeKind kind, bool& found) {
  found = true;
  switch (kind) {
    case TypeKind::Task: return SymbolKind::Task;
    case TypeKind::Source: return SymbolKind::Source;
    case TypeKind::Route: return SymbolKind::Route;
    case TypeKind::Target: return SymbolKind::Target;
    case TypeKind::Legacy: return SymbolKind::Legacy;
    case TypeKind::Workflow: return SymbolKind::Workflow;
    default: found = false; return SymbolKind::Task;
  }
}

bool scoped_kind(SymbolKind k) {
  return k == SymbolKind::Task || k == SymbolKind::Source || k == SymbolKind::Param;
}
bool global_kind(SymbolKind k) {
  return k == SymbolKind::Workflow || k == SymbolKind::Target || k == SymbolKind::Route ||
         k == SymbolKind::Legacy;
}

/// The attribute names already written in the innermost block around `offset`.
std::vector<std::string_view> written_attributes(const syntax::SyntaxTree& tree, uint32_t offset) {
  const syntax::Block* inner = nullptr;
  for (const syntax::Block& b : tree.blocks) {
    if (b.range.begin < offset && offset <= b.range.end && (!inner || b.range.begin >= inner->range.begin))
      inner = &b;
  }
  std::vector<std::string_view> out;
  if (!inner) return out;
  for (syntax::MemberId id : inner->members) {
    const syntax::Member& m = tree.member(id);
    if (m.kind == syntax::MemberKind::Attribute &&
        !(m.name.range.begin <= offset && offset <= m.name.range.end)) {
      out.push_back(m.name.text);
    }
  }
  return out;
}

void members(const FileView& view, uint32_t offset, const CompletionContext& c, Collector& out) {
  const model::Model& m = view.project->model();
  const std::string& kind = c.blocks.back().keyword;
  std::vector<std::string_view> written = written_attributes(*view.file->tree, offset);
  std::string prefix = kind + ".";
  for (uint32_t i = 0; i < m.symbols.size(); ++i) {
    const model::Symbol& sym = m.symbols[i];
    if (sym.kind != SymbolKind::Attribute || !sym.qualified_name.starts_with(prefix)) continue;
    if (std::find(written.begin(), written.end(), sym.name) != written.end()) continue;
    out.symbol(model::SymbolId{i}, 0, sym.name + " = ");
  }
  if (kind == "workflow") {
    out.keyword("source");
    out.keyword("task");
    out.keyword("param");
  } else if (kind == "source" || kind == "task") {
    out.keyword("expect", "expect ");
  } else if (kind == "target") {
    out.keyword("environment");
  }
}

/// The names declared in workflow `wf`, but the task named `except`.
void scoped_names(const model::Model& m, model::WorkflowId wf, Collector& out, bool nodes_only, int rank,
                  std::string_view except = {}) {
  if (!wf.valid()) return;
  for (uint32_t i = 0; i < m.symbols.size(); ++i) {
    const model::Symbol& sym = m.symbols[i];
    if (!(sym.workflow == wf) || !scoped_kind(sym.kind)) continue;
    if (nodes_only && sym.kind == SymbolKind::Param) continue;
    if (sym.kind == SymbolKind::Task && !except.empty() && sym.name == except) continue;
    out.symbol(model::SymbolId{i}, rank);
  }
}

void values(const model::Model& m, const CompletionContext& c, Collector& out) {
  model::WorkflowId wf = enclosing_workflow(m, c);
  model::Type expected = expected_type(m, c);
  model::Type element =
      expected.kind == TypeKind::List ? model::Type{expected.arg, TypeKind::Error} : expected;
  if (!c.qualifier.empty()) {
    scoped_names(m, m.workflow_named(c.qualifier), out, true, 0);
    return;
  }
  if (!c.call.empty() && c.named_arg.empty()) {
    // Named arguments of the call being written, but those already given
    // (by position, or by name).
    const std::vector<const model::Symbol*> params = call_params(m, c.call);
    const size_t by_position =
        c.argument >= 0 ? static_cast<size_t>(c.argument) : static_cast<size_t>(c.positional_before);
    // After a named argument only names may follow (E0202 otherwise).
    const bool names_only = !c.named_before.empty();
    for (size_t k = 0; k < params.size(); ++k) {
      const model::Symbol& sym = *params[k];
      const bool given = k < by_position || std::find(c.named_before.begin(), c.named_before.end(),
                                                      sym.name) != c.named_before.end();
      if (!given)
        out.symbol(model::SymbolId{static_cast<uint32_t>(&sym - m.symbols.data())}, names_only ? 0 : 3,
                   sym.name + " = ");
    }
    if (names_only) return;
  }
  if (element.kind != TypeKind::Error && is_enum_type(m, element.kind)) {
    for (uint32_t i = 0; i < m.symbols.size(); ++i) {
      const model::Symbol& sym = m.symbols[i];
      bool value = sym.kind == SymbolKind::EnumValue && sym.type.kind == element.kind;
      bool maker = sym.kind == SymbolKind::Function && sym.type.kind == element.kind;
      if (value || maker) out.symbol(model::SymbolId{i}, value ? 0 : 1);
    }
    return;
  }
  bool entity = false;
  SymbolKind wanted = entity_symbol_kind(element.kind, entity);
  for (uint32_t i = 0; i < m.symbols.size(); ++i) {
    const model::Symbol& sym = m.symbols[i];
    bool in_scope = (scoped_kind(sym.kind) && wf.valid() && sym.workflow == wf) || global_kind(sym.kind);
    if (entity) {
      // A task is never its own dependency (`after`, `${}` of itself is `self`).
      const bool itself = sym.kind == SymbolKind::Task && !c.blocks.empty() &&
                          c.blocks.back().keyword == "task" && c.blocks.back().name == sym.name;
      if (in_scope && sym.kind == wanted && !itself) out.symbol(model::SymbolId{i}, 0);
      continue;
    }
    if (in_scope) {
      out.symbol(model::SymbolId{i}, element.kind != TypeKind::Error && sym.type == element ? 0 : 4);
    } else if (sym.kind == SymbolKind::Function) {
      out.symbol(model::SymbolId{i},
                 element.kind != TypeKind::Error && sym.type.kind == element.kind ? 1 : 5);
    }
  }
  if (element.kind == TypeKind::Bool || element.kind == TypeKind::Error) {
    out.keyword("true");
    out.keyword("false");
  }
}

void interpolation(const model::Model& m, const CompletionContext& c, Collector& out) {
  // In a task, `${}` of itself is `self` (E0306 otherwise), also qualified.
  const bool in_task = !c.blocks.empty() && c.blocks.back().keyword == "task";
  if (!c.qualifier.empty()) {
    const model::WorkflowId named = m.workflow_named(c.qualifier);
    const bool own = in_task && named.valid() && named == enclosing_workflow(m, c);
    scoped_names(m, named, out, true, 0, own ? std::string_view(c.blocks.back().name) : "");
    return;
  }
  scoped_names(m, enclosing_workflow(m, c), out, false, 0,
               in_task ? std::string_view(c.blocks.back().name) : "");
  if (in_task) out.keyword("self");
  for (uint32_t i = 0; i < m.symbols.size(); ++i) {
    if (m.symbols[i].kind == SymbolKind::Workflow) out.symbol(model::SymbolId{i}, 5);
  }
}

void expectations(const model::Model& m, const CompletionContext& c, Collector& out) {
  for (uint32_t i = 0; i < m.symbols.size(); ++i) {
    const model::Symbol& sym = m.symbols[i];
    if (sym.kind != SymbolKind::Function) continue;
    int rank = sym.type.kind == TypeKind::Expectation ? 0 : sym.type.kind == TypeKind::Metric ? 1 : 5;
    out.symbol(model::SymbolId{i}, rank);
  }
  scoped_names(m, enclosing_workflow(m, c), out, false, 6);
}

}  // namespace

CompletionList complete_at(const FileView& view, uint32_t offset) {
  if (!view.file) return {};
  CompletionContext c = completion_context(view.buffer->text(), offset);
  const model::Model& m = view.project->model();
  Collector out(m, c);
  switch (c.where) {
    case Where::None: break;
    case Where::TopLevel:
      for (std::string_view k : {"workflow", "target", "route", "legacy", "project", "fn"}) out.keyword(k);
      break;
    case Where::Member: members(view, offset, c, out); break;
    case Where::Value: values(m, c, out); break;
    case Where::Expect: expectations(m, c, out); break;
    case Where::Type:
      for (std::string_view t : kTypeNames) out.keyword(t);
      break;
    case Where::Interpolation: interpolation(m, c, out); break;
  }
  return out.finish();
}

}  // namespace flowc::lsp
