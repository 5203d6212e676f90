// Hover: what a name is (kind, type or signature), what it resolves to (the
// physical table of a task or source), and its doc comment. Never a secret's
// value: hover shows declarations, not values, and `env("X")` only says that
// it is a secret named X (the variable is never read).
#include <algorithm>

#include "compiler/dsn/withhold.h"
#include "compiler/spelling/table_names.h"
#include "lsp/server/features.h"

namespace flowc::lsp {

namespace {

using model::SymbolKind;

std::string code(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string mode_text(const model::WriteMode& mode) {
  switch (mode.kind) {
    case model::WriteModeKind::Replace: return "replace";
    case model::WriteModeKind::OverwritePartition:
      return "overwrite_partition(" + mode.partition_column + ")";
    case model::WriteModeKind::Merge: {
      std::string keys;
      for (const std::string& k : mode.merge_key) keys += (keys.empty() ? "" : ", ") + k;
      return "merge(key = [" + keys + "])";
    }
    case model::WriteModeKind::Append: return "append";
    case model::WriteModeKind::None: return "none";
  }
  return "none";
}

const model::Target* target_of(const model::Model& m, const model::Workflow& wf) {
  model::TargetId id = wf.target.valid() ? wf.target : m.project.default_target;
  return id.valid() && id.index < m.targets.size() ? &m.targets[id.index] : nullptr;
}

/// `schema.table` as the runtime addresses it: unqualified names live in the
/// target's schema.
std::string physical(const std::string& table, const model::Target* target, bool mirror) {
  std::string schema = target ? target->schema : "public";
  std::string name = table;
  if (size_t dot = table.find('.'); dot != std::string::npos) {
    schema = table.substr(0, dot);
    name = table.substr(dot + 1);
  }
  return schema + std::string(mirror ? spelling::kMirrorSuffix : "") + "." + name;
}

void node_details(const model::Model& m, model::SymbolId id, std::string& out) {
  const model::Symbol& sym = m.symbol(id);
  if (sym.entity >= m.nodes.size()) return;
  const model::Node& node = m.nodes[sym.entity];
  if (!(node.symbol == id)) return;  // a duplicate declaration has no entity of its own
  const model::Workflow* wf = node.workflow.valid() && node.workflow.index < m.workflows.size()
                                  ? &m.workflows[node.workflow.index]
                                  : nullptr;
  const model::Target* target = wf ? target_of(m, *wf) : nullptr;
  if (!node.table.empty()) {
    out += std::string(node.kind == model::NodeKind::Source ? "reads" : "writes") + " table " +
           code(physical(node.table, target, false));
    if (target) out += " on target " + code(target->name);
    out += "\n\n";
    if (node.kind == model::NodeKind::Task && wf && wf->stage == model::Stage::Mirror) {
      out += "mirror stage: written to " + code(physical(node.table, target, true)) + "\n\n";
    }
  }
  if (node.kind == model::NodeKind::Task) {
    out += "mode " + code(mode_text(node.mode));
    if (node.retry) out += " · retries " + std::to_string(node.retry->attempts);
    if (node.publish) out += " · published";
    out += "\n\n";
  }
}

/// True when `list[sym.entity]` exists and belongs to `id` (a duplicate
/// declaration has no entity of its own).
template <typename List>
bool owns(const List& list, const model::Symbol& sym, model::SymbolId id) {
  return sym.entity < list.size() && list[sym.entity].symbol == id;
}

void details(const model::Model& m, model::SymbolId id, std::string& out) {
  const model::Symbol& sym = m.symbol(id);
  switch (sym.kind) {
    case SymbolKind::Task:
    case SymbolKind::Source: node_details(m, id, out); break;
    case SymbolKind::Workflow:
      if (owns(m.workflows, sym, id)) {
        const model::Workflow& wf = m.workflows[sym.entity];
        if (!wf.owner.empty()) out += "owner " + code(wf.owner) + " · ";
        out += "stage " + code(model::stage_name(wf.stage));
        if (!wf.schedule.empty()) out += " · schedule " + code(wf.schedule) + " (" + wf.time_zone + ")";
        out += "\n\n";
      }
      break;
    case SymbolKind::Target:
      if (owns(m.targets, sym, id)) {
        const model::Target& t = m.targets[sym.entity];
        out += "schema " + code(t.schema);
        if (!t.dsn_env.empty())
          out += " · dsn: secret from environment variable " + code(dsn::withhold_secrets(t.dsn_env)) +
                 " (value never shown)";
        out += "\n\n";
      }
      break;
    case SymbolKind::Route:
      if (owns(m.routes, sym, id) && !m.routes[sym.entity].owner.empty()) {
        out += "owner " + code(m.routes[sym.entity].owner) + "\n\n";
      }
      break;
    case SymbolKind::Legacy:
      if (owns(m.legacies, sym, id)) {
        const model::Legacy& l = m.legacies[sym.entity];
        if (!l.schedule.empty()) out += "schedule " + code(l.schedule) + " · ";
        out += l.enabled ? "enabled" : "disabled";
        if (l.replaced_by.valid() && l.replaced_by.index < m.workflows.size()) {
          out += " · replaced by " + code(m.workflows[l.replaced_by.index].name);
        }
        out += "\n\n";
      }
      break;
    default: break;
  }
}

std::string header(const model::Symbol& sym) {
  switch (sym.kind) {
    case SymbolKind::Project: return "project " + sym.name;
    case SymbolKind::Target: return "target " + sym.name;
    case SymbolKind::Environment: return "environment " + sym.qualified_name;
    case SymbolKind::Route: return "route " + sym.name;
    case SymbolKind::Legacy: return "legacy " + sym.name;
    case SymbolKind::Workflow: return "workflow " + sym.name;
    case SymbolKind::Source: return "source " + sym.qualified_name;
    case SymbolKind::Task: return "task " + sym.qualified_name;
    case SymbolKind::Param: return "param " + sym.qualified_name + ": " + model::type_name(sym.type);
    case SymbolKind::Function:
      return sym.signature.empty() ? "fn " + sym.name + "(...) -> " + model::type_name(sym.type)
                                   : sym.signature;
    case SymbolKind::Attribute: {
      std::string kind = sym.qualified_name.substr(0, sym.qualified_name.find('.'));
      return "(" + kind + " attribute) " + (sym.signature.empty() ? sym.name : sym.signature);
    }
    case SymbolKind::EnumValue: return sym.name + ": " + model::type_name(sym.type);
  }
  return sym.name;
}

/// The decoded text of a plain string literal (no interpolation), if it is one.
std::optional<std::string> plain_string(const syntax::SyntaxTree& tree, const syntax::Expr& e) {
  if (e.kind != syntax::ExprKind::String) return std::nullopt;
  std::string text;
  for (uint32_t i = 0; i < e.part_count && e.first_part + i < tree.string_parts.size(); ++i) {
    const syntax::StringPart& part = tree.string_parts[e.first_part + i];
    if (part.is_interpolation) return std::nullopt;
    text += part.text;
  }
  return text;
}

bool contains(SourceRange r, uint32_t offset) { return r.valid() && r.begin <= offset && offset <= r.end; }

/// `env("X")` with the cursor on the string: the secret it names.
std::optional<HoverInfo> secret_hover(const FileView& view, uint32_t offset, ColumnUnit unit) {
  const syntax::SyntaxTree& tree = *view.file->tree;
  for (const syntax::Expr& e : tree.exprs) {
    if (e.kind != syntax::ExprKind::Call || e.operands.size() != 2 || !contains(e.range, offset)) continue;
    const syntax::Expr& callee = tree.expr(e.operands[0]);
    const syntax::Expr& arg = tree.expr(e.operands[1]);
    if (callee.kind != syntax::ExprKind::Name || callee.text != "env" || !contains(arg.range, offset))
      continue;
    std::optional<std::string> name = plain_string(tree, arg);
    if (!name) continue;
    HoverInfo info;
    // A secret pasted in place of the variable's name is not shown either.
    const std::string shown = dsn::withhold_secrets(*name);
    info.markdown = "```flow\nsecret " + shown + "\n```\n\nthe value of environment variable " + code(shown) +
                    ", read at run time; flowc never shows, logs or stores it";
    info.range = range_at(*view.buffer, arg.range.begin, arg.range.end, unit);
    return info;
  }
  return std::nullopt;
}

/// `file("...")` with the cursor on the path: the project's SQL file it
/// names (never its text: hover shows what a thing is, not what it holds).
std::optional<HoverInfo> sql_file_hover(const FileView& view, uint32_t offset, ColumnUnit unit) {
  std::optional<SqlFileAt> sql = sql_file_at(view, offset);
  if (!sql) return std::nullopt;
  const SourceBuffer& file = view.project->sources().buffer(sql->file);
  std::string path = file.path();
  const std::string& root = view.project->root();
  if (!root.empty() && path.starts_with(root + "/")) path = path.substr(root.size() + 1);
  const uint32_t lines =
      file.text().empty()
          ? 0
          : file.line_count() - (file.text().back() == '\n' || file.text().back() == '\r' ? 1 : 0);
  HoverInfo info;
  info.markdown = "```flow\nfile " + path + "\n```\n\nthe SQL text of " + code(path) + ", " +
                  std::to_string(lines) + (lines == 1 ? " line" : " lines") + " (go to definition opens it)";
  info.range = range_at(*view.buffer, sql->path.begin, sql->path.end, unit);
  return info;
}

/// An attribute name in a file whose last check did not record it.
std::optional<model::SymbolId> attribute_symbol(const FileView& view, uint32_t offset, SourceRange& range) {
  const syntax::SyntaxTree& tree = *view.file->tree;
  for (const syntax::Block& block : tree.blocks) {
    if (!contains(block.range, offset)) continue;
    for (syntax::MemberId id : block.members) {
      const syntax::Member& m = tree.member(id);
      if (m.kind != syntax::MemberKind::Attribute || !contains(m.name.range, offset)) continue;
      std::string qualified =
          std::string(syntax::block_kind_name(block.kind)) + "." + std::string(m.name.text);
      const auto& symbols = view.project->model().symbols;
      for (uint32_t i = 0; i < symbols.size(); ++i) {
        if (symbols[i].kind == SymbolKind::Attribute && symbols[i].qualified_name == qualified) {
          range = m.name.range;
          return model::SymbolId{i};
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string describe(const model::Model& m, model::SymbolId id) {
  const model::Symbol& sym = m.symbol(id);
  std::string out = "```flow\n" + header(sym) + "\n```\n\n";
  details(m, id, out);
  if (sym.is_secret) out += "a secret: its value comes from the environment and is never shown\n\n";
  if (sym.in_stdlib && sym.kind == SymbolKind::Function) out += "standard library\n\n";
  if (!sym.doc.empty()) out += "---\n\n" + sym.doc + "\n";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::optional<HoverInfo> hover_at(const FileView& view, uint32_t offset, ColumnUnit unit) {
  if (std::optional<HoverInfo> secret = secret_hover(view, offset, unit)) return secret;
  if (std::optional<HoverInfo> sql = sql_file_hover(view, offset, unit)) return sql;
  const model::Model& m = view.project->model();
  if (std::optional<Occurrence> occ = occurrence_at(view, offset)) {
    HoverInfo info;
    info.markdown = describe(m, occ->symbol);
    info.range = range_at(*view.buffer, occ->begin, occ->end, unit);
    return info;
  }
  SourceRange range;
  if (std::optional<model::SymbolId> attr = attribute_symbol(view, offset, range)) {
    HoverInfo info;
    info.markdown = describe(m, *attr);
    info.range = range_at(*view.buffer, range.begin, range.end, unit);
    return info;
  }
  return std::nullopt;
}

}  // namespace flowc::lsp
