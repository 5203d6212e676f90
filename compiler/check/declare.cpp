// Pass 1: every declaration becomes a symbol. Top-level names (workflows,
// targets, routes, legacy jobs, functions) are global and unique; sources,
// tasks and params are scoped to their workflow. Duplicates are E0102 with a
// note at the first definition; the duplicate itself is then skipped so its
// contents cause no cascade.
#include <algorithm>
#include <filesystem>
#include <string>

#include "compiler/check/check.h"
#include "compiler/check/checker.h"
#include "compiler/syntax/parse.h"

namespace flowc::check {

using syntax::BlockKind;

namespace {

std::string_view symbol_kind_word(model::SymbolKind kind) {
  switch (kind) {
    case model::SymbolKind::Project: return "project";
    case model::SymbolKind::Target: return "target";
    case model::SymbolKind::Environment: return "environment";
    case model::SymbolKind::Route: return "route";
    case model::SymbolKind::Legacy: return "legacy job";
    case model::SymbolKind::Workflow: return "workflow";
    case model::SymbolKind::Source: return "source";
    case model::SymbolKind::Task: return "task";
    case model::SymbolKind::Param: return "param";
    case model::SymbolKind::Function: return "function";
    case model::SymbolKind::Attribute: return "attribute";
    case model::SymbolKind::EnumValue: return "value";
  }
  return "name";
}

}  // namespace

bool is_language_name(const model::Model& model, std::string_view name) {
  if (syntax::is_keyword(name)) return true;
  return std::any_of(model.symbols.begin(), model.symbols.end(), [&](const model::Symbol& sym) {
    return sym.in_stdlib && sym.name == name &&
           (sym.kind == model::SymbolKind::Function || sym.kind == model::SymbolKind::EnumValue);
  });
}

void Checker::declare_builtins() {
  for (uint32_t k = 0; k < attribute_symbols.size(); ++k) {
    auto kind = static_cast<BlockKind>(k);
    for (const AttributeSpec& spec : attributes_of(kind)) {
      model::Symbol sym;
      sym.kind = model::SymbolKind::Attribute;
      sym.name = std::string(spec.name);
      sym.qualified_name = std::string(syntax::block_kind_name(kind)) + "." + sym.name;
      sym.type = spec.type;
      sym.signature = sym.name + ": " + model::type_name(spec.type);
      sym.signature += spec.required ? " (required)" : std::string(" (optional");
      if (!spec.required) {
        sym.signature +=
            spec.default_text.empty() ? ")" : ", default " + std::string(spec.default_text) + ")";
      }
      sym.doc = std::string(spec.doc);
      sym.in_stdlib = true;
      attribute_symbols[k].push_back(add_symbol(std::move(sym)));
    }
  }
  for (const EnumValueSpec& value : enum_values()) {
    model::Symbol sym;
    sym.kind = model::SymbolKind::EnumValue;
    sym.name = std::string(value.name);
    sym.qualified_name = model::type_name(scalar(value.type)) + "." + sym.name;
    sym.type = scalar(value.type);
    sym.signature = sym.name + ": " + model::type_name(sym.type);
    sym.doc = std::string(value.doc);
    sym.in_stdlib = true;
    enum_symbols.push_back(add_symbol(std::move(sym)));
  }
}

void Checker::declare_tree(uint32_t tree_index) {
  const syntax::SyntaxTree& t = tree(tree_index);
  for (const syntax::Decl& decl : t.decls) {
    if (decl.fn.valid()) {
      declare_fn(tree_index, decl.fn);
    } else if (decl.block.valid() && !tree_in_stdlib[tree_index]) {
      declare_block(tree_index, decl.block);
    }
  }
}

bool Checker::declare_global(SymbolId id, SourceRange at) {
  const model::Symbol& sym = model.symbol(id);
  auto [it, inserted] = globals.try_emplace(sym.name, id);
  if (inserted) return true;
  const model::Symbol& first = model.symbol(it->second);
  Diagnostic& d = diags.report(DiagKind::DuplicateName, at, "the name `" + sym.name + "` is already defined");
  if (first.in_stdlib) {
    // No location: the standard library's path differs between installations.
    d.notes.push_back({SourceRange{}, "`" + sym.name + "` is a standard library " +
                                          std::string(symbol_kind_word(first.kind))});
  } else {
    std::string_view kind = symbol_kind_word(first.kind);
    d.notes.push_back(
        {first.name_range, "first defined here as " + std::string(article(kind)) + " " + std::string(kind)});
  }
  return false;
}

void Checker::declare_block(uint32_t tree_index, syntax::BlockId id) {
  const syntax::SyntaxTree& t = tree(tree_index);
  const syntax::Block& b = t.block(id);
  if (!is_top_level(b.kind)) {
    std::string_view kind = block_kind_name(b.kind);
    diags.report(DiagKind::BadAttribute, b.keyword_range,
                 std::string(article(kind)) + " `" + std::string(kind) + "` block must be inside a `" +
                     std::string(expected_parent(b.kind)) + "`");
    return;
  }
  if (b.name.text.empty()) return;  // the parser reported the missing name
  model::Symbol sym;
  sym.name = std::string(b.name.text);
  sym.qualified_name = sym.name;
  sym.name_range = b.name.range;
  sym.decl_range = b.range;
  sym.doc = b.doc;
  BlockSite site{tree_index, id};
  if (b.kind == BlockKind::Project) {
    sym.kind = model::SymbolKind::Project;
    if (project_block.tree != UINT32_MAX) {
      const syntax::Block& first = tree(project_block.tree).block(project_block.block);
      // The one in flow.project is the project's, whichever file was read
      // first (`a.flow` sorts before it): the error is at the other one.
      auto in_project_file = [&](uint32_t t) {
        return std::filesystem::path(sources.buffer(tree(t).file).path()).filename() == "flow.project";
      };
      const bool swap = in_project_file(tree_index) && !in_project_file(project_block.tree);
      Diagnostic& d = diags.report(DiagKind::DuplicateName, swap ? first.name.range : b.name.range,
                                   "a project has only one `project` block");
      d.notes.push_back({swap ? b.name.range : first.name.range, "the project is declared here"});
      if (swap) {  // its settings are the project's
        project_block = site;
        model.project.name = sym.name;
      }
      return;
    }
    project_block = site;
    model.project.name = sym.name;
    add_symbol(std::move(sym));
    return;
  }
  switch (b.kind) {
    case BlockKind::Target:
      sym.kind = model::SymbolKind::Target;
      sym.type = scalar(TypeKind::Target);
      sym.entity = static_cast<uint32_t>(model.targets.size());
      break;
    case BlockKind::Route:
      sym.kind = model::SymbolKind::Route;
      sym.type = scalar(TypeKind::Route);
      sym.entity = static_cast<uint32_t>(model.routes.size());
      break;
    case BlockKind::Legacy:
      sym.kind = model::SymbolKind::Legacy;
      sym.type = scalar(TypeKind::Legacy);
      sym.entity = static_cast<uint32_t>(model.legacies.size());
      break;
    default:
      sym.kind = model::SymbolKind::Workflow;
      sym.type = scalar(TypeKind::Workflow);
      sym.entity = static_cast<uint32_t>(model.workflows.size());
      break;
  }
  std::string name = sym.name;
  SymbolId symbol = add_symbol(std::move(sym));
  if (!declare_global(symbol, b.name.range)) return;
  if (b.kind == BlockKind::Target) {
    model::Target& target = model.targets.emplace_back();
    target.symbol = symbol;
    target.name = name;
    target_blocks.push_back(site);
  } else if (b.kind == BlockKind::Route) {
    model::Route& route = model.routes.emplace_back();
    route.symbol = symbol;
    route.name = name;
    route_blocks.push_back(site);
    route_empty_notify.emplace_back();
  } else if (b.kind == BlockKind::Legacy) {
    model::Legacy& legacy = model.legacies.emplace_back();
    legacy.symbol = symbol;
    legacy.name = name;
    legacy.range = b.range;
    legacy_blocks.push_back(site);
    legacy_sites.emplace_back();
  } else {
    WorkflowId wf{static_cast<uint32_t>(model.workflows.size())};
    model::Workflow& workflow = model.workflows.emplace_back();
    workflow.symbol = symbol;
    workflow.name = name;
    workflow.file = t.file;
    workflow.range = b.range;
    workflow_blocks.push_back(site);
    workflow_sites.emplace_back();
    workflow_scopes.emplace_back();
    model.symbols[symbol.index].workflow = wf;
    declare_workflow_members(tree_index, id, wf);
  }
}

void Checker::declare_workflow_members(uint32_t tree_index, syntax::BlockId id, WorkflowId wf) {
  const syntax::SyntaxTree& t = tree(tree_index);
  const syntax::Block& b = t.block(id);
  Scope scope{tree_index, wf};
  auto declare_scoped = [&](SymbolId symbol, SourceRange at) {
    const model::Symbol& sym = model.symbol(symbol);
    auto [it, inserted] = workflow_scopes[wf.index].try_emplace(sym.name, symbol);
    if (inserted) return true;
    const model::Symbol& first = model.symbol(it->second);
    Diagnostic& d = diags.report(DiagKind::DuplicateName, at,
                                 "the name `" + sym.name + "` is already defined in workflow `" +
                                     model.workflows[wf.index].name + "`");
    std::string_view kind = symbol_kind_word(first.kind);
    d.notes.push_back(
        {first.name_range, "first defined here as " + std::string(article(kind)) + " " + std::string(kind)});
    return false;
  };
  for (syntax::MemberId mid : b.members) {
    const syntax::Member& m = t.member(mid);
    if (m.kind == syntax::MemberKind::Param) {
      if (m.name.text.empty()) continue;
      std::optional<Type> type = resolve_type(scope, m.type);
      if (type && !is_param_value(*type)) {
        // A param is bound into SQL as one value of a PostgreSQL type, or
        // given to a command as one argument.
        diags.report(DiagKind::TypeMismatch, m.type.valid() ? t.type(m.type).range : m.range,
                     "a param is a value: `bool`, `int`, `float`, `percent`, `duration`, `date`, `time`, "
                     "`timestamp`, `string` or `secret`, not `" + model::type_name(*type) + "`");
        type = Type{};
      }
      model::Symbol sym;
      sym.kind = model::SymbolKind::Param;
      sym.name = std::string(m.name.text);
      sym.qualified_name = model.workflows[wf.index].name + "." + sym.name;
      sym.name_range = m.name.range;
      sym.decl_range = m.range;
      sym.type = type.value_or(Type{});
      sym.is_secret = carries_secret(sym.type);
      sym.doc = m.doc;
      sym.workflow = wf;
      sym.entity = static_cast<uint32_t>(model.workflows[wf.index].params.size());
      std::string name = sym.name;
      Type param_type = sym.type;
      SymbolId symbol = add_symbol(std::move(sym));
      if (!declare_scoped(symbol, m.name.range)) continue;
      model::Param& param = model.workflows[wf.index].params.emplace_back();
      param.symbol = symbol;
      param.name = std::move(name);
      param.type = param_type;
      if (m.value.valid()) param.default_value = m.value;
      continue;
    }
    if (m.kind != syntax::MemberKind::Block || !m.block.valid()) continue;
    const syntax::Block& nb = t.block(m.block);
    if (nb.kind != BlockKind::Source && nb.kind != BlockKind::Task) continue;  // check_members reports it
    if (nb.name.text.empty()) continue;
    bool is_source = nb.kind == BlockKind::Source;
    model::Symbol sym;
    sym.kind = is_source ? model::SymbolKind::Source : model::SymbolKind::Task;
    sym.name = std::string(nb.name.text);
    sym.qualified_name = model.workflows[wf.index].name + "." + sym.name;
    sym.name_range = nb.name.range;
    sym.decl_range = nb.range;
    sym.type = scalar(is_source ? TypeKind::Source : TypeKind::Task);
    sym.doc = nb.doc;
    sym.workflow = wf;
    sym.entity = static_cast<uint32_t>(model.nodes.size());
    std::string name = sym.name;
    SymbolId symbol = add_symbol(std::move(sym));
    if (!declare_scoped(symbol, nb.name.range)) continue;
    TaskId node_id{static_cast<uint32_t>(model.nodes.size())};
    model::Node& node = model.nodes.emplace_back();
    node.kind = is_source ? model::NodeKind::Source : model::NodeKind::Task;
    node.symbol = symbol;
    node.workflow = wf;
    node.name = std::move(name);
    node.file = t.file;
    node.range = nb.range;
    model.workflows[wf.index].nodes.push_back(node_id);
    node_blocks.push_back({tree_index, m.block});
    node_sites.emplace_back();
  }
}

std::optional<Type> Checker::resolve_type(const Scope& s, syntax::TypeId id) {
  if (!id.valid()) return std::nullopt;
  const syntax::TypeRef& ref = tree(s.tree).type(id);
  if (ref.name.text.empty()) return std::nullopt;
  std::optional<TypeKind> kind = kind_from_name(ref.name.text);
  if (!kind) {
    static constexpr std::string_view kNames[] = {
        "bool",      "int",     "float",        "percent",     "duration", "date",   "time",
        "timestamp", "string",  "column",       "table",       "sql",      "cron",   "secret",
        "severity",  "list",    "metric",       "expectation", "task",     "source", "route",
        "target",    "legacy",  "retry_policy", "write_mode",  "command",  "alert",  "stage",
        "channel",   "backoff", "any",          "retry_on",    "workflow"};
    std::vector<std::string_view> candidates(std::begin(kNames), std::end(kNames));
    Diagnostic& d = sink(s).report(DiagKind::UnknownName, ref.name.range,
                                   "unknown type `" + std::string(ref.name.text) + "`");
    std::string_view near = closest_name(ref.name.text, candidates);
    if (!near.empty()) {
      d.fixits.push_back({ref.name.range, std::string(near), "did you mean `" + std::string(near) + "`?"});
    }
    return std::nullopt;
  }
  if (takes_argument(*kind)) {
    if (!ref.arg.valid()) {
      sink(s).report(DiagKind::TypeMismatch, ref.range,
                     "`" + std::string(ref.name.text) + "` needs an element type, as in `" +
                         std::string(ref.name.text) + "<int>`");
      return std::nullopt;
    }
    std::optional<Type> arg = resolve_type(s, ref.arg);
    if (!arg) return std::nullopt;
    return Type{*kind, arg->kind};
  }
  if (ref.arg.valid()) {
    sink(s).report(DiagKind::TypeMismatch, ref.range,
                   "`" + std::string(ref.name.text) + "` takes no type argument");
    return std::nullopt;
  }
  return scalar(*kind);
}

}  // namespace flowc::check
