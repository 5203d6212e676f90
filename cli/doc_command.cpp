#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
#include "compiler/check/types.h"
#include "compiler/diagnostics/render.h"

namespace flowc::cli {

namespace {

std::string_view kind_word(model::SymbolKind kind) {
  switch (kind) {
    case model::SymbolKind::Project: return "project";
    case model::SymbolKind::Target: return "target";
    case model::SymbolKind::Environment: return "environment";
    case model::SymbolKind::Route: return "route";
    case model::SymbolKind::Legacy: return "legacy";
    case model::SymbolKind::Workflow: return "workflow";
    case model::SymbolKind::Source: return "source";
    case model::SymbolKind::Task: return "task";
    case model::SymbolKind::Param: return "param";
    case model::SymbolKind::Function: return "fn";
    case model::SymbolKind::Attribute: return "attribute";
    case model::SymbolKind::EnumValue: return "value";
  }
  return "name";
}

// Everything printed passes printable(): doc comments and file names are
// source text, and a raw escape sequence in them would drive the terminal.
void print_symbol(const project::Compilation& c, const model::Symbol& s) {
  if (!s.signature.empty()) {
    std::cout << printable(s.signature) << "\n";
  } else {
    std::cout << kind_word(s.kind) << " " << s.qualified_name;
    if (s.kind == model::SymbolKind::Param) std::cout << ": " << model::type_name(s.type);
    std::cout << "\n";
  }
  if (s.name_range.valid()) {
    const SourceBuffer& buffer = c.sources.buffer(s.name_range.file);
    LineCol lc = buffer.line_col(s.name_range.begin);
    std::cout << "  defined at " << printable(buffer.path()) << ":" << lc.line << ":" << lc.column << "\n";
  }
  std::cout << "\n" << (s.doc.empty() ? "(no doc comment)" : printable(s.doc, "\n")) << "\n";
}

/// A type of the language (`severity`, `route`): built into the compiler, so
/// it has no symbol and no place of definition.
void print_type(const check::TypeSpec& type) {
  std::cout << "type " << type.name << (check::takes_argument(type.kind) ? "<T>" : "") << "\n";
  std::cout << "\n" << type.doc << "\n";
}

/// The type named `name`, or nullptr.
const check::TypeSpec* find_type(std::string_view name) {
  for (const check::TypeSpec& type : check::type_specs())
    if (type.name == name) return &type;
  return nullptr;
}

/// A function's parameter: `flowc doc` shows it only when asked for by its
/// qualified name (`alert.severity`), not for a plain name (`severity`),
/// where the declarations of that name are what the user means.
bool is_function_parameter(const model::Symbol& s) {
  return s.kind == model::SymbolKind::Param && !s.workflow.valid();
}

/// What a plain NAME finds: declarations of that name, not attributes or
/// function parameters.
bool found_by_plain_name(const model::Symbol& s) {
  return s.kind != model::SymbolKind::Attribute && !is_function_parameter(s);
}

/// A close name to suggest for `name`, or "". A qualified name is only
/// compared with the members of its own qualifier (a typo in the member of
/// `daily_kpi.orderz`), or, when that qualifier names nothing, the same
/// member of a close qualifier (`daly_kpi.orders`): comparing whole names
/// would call any short member of the right workflow close.
std::string suggestion(const std::vector<model::Symbol>& symbols, std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    std::vector<std::string_view> names;
    for (const model::Symbol& s : symbols)
      if (found_by_plain_name(s)) names.push_back(s.name);
    for (const check::TypeSpec& type : check::type_specs()) names.push_back(type.name);
    return std::string(closest_name(name, names));
  }
  std::string_view qualifier = name.substr(0, dot);
  std::string_view member = name.substr(dot + 1);
  std::vector<std::string_view> members;
  std::vector<std::string_view> qualifiers;
  for (const model::Symbol& s : symbols) {
    std::string_view qualified = s.qualified_name;
    size_t at = qualified.rfind('.');
    if (at == std::string_view::npos) continue;
    if (qualified.substr(0, at) == qualifier)
      members.push_back(qualified.substr(at + 1));
    else if (qualified.substr(at + 1) == member)
      qualifiers.push_back(qualified.substr(0, at));
  }
  if (!members.empty()) {
    std::string_view near = closest_name(member, members);
    return near.empty() ? std::string() : std::string(qualifier) + "." + std::string(near);
  }
  std::string_view near = closest_name(qualifier, qualifiers);
  return near.empty() ? std::string() : std::string(near) + "." + std::string(member);
}

}  // namespace

int run_doc(const DocOptions& options) {
  std::vector<project::LoadError> errors;
  // Run anywhere (a home directory, /tmp) without PATH, `doc` is a stdlib
  // lookup: walking the tree below for .flow files would read strangers'.
  bool project = options.path_given || project::enclosing_project(options.path).has_value();
  std::vector<project::ProjectFiles> projects =
      project ? project::discover({options.path}, errors) : std::vector<project::ProjectFiles>{};
  if (!project) errors.push_back({options.path, "", /*no_sources=*/true});
  std::unique_ptr<project::Compilation> c;
  if (!projects.empty()) {
    c = project::compile(projects.front(), project::default_stdlib_dir(), errors);
  } else if (std::filesystem::is_directory(options.path) &&
             std::all_of(errors.begin(), errors.end(),
                         [](const project::LoadError& e) { return e.no_sources; })) {
    // Outside a project: the stdlib alone. A directory that cannot be
    // listed is reported instead, as by every command (cli.md "What cannot
    // be read"): the name may be declared in the files it hides.
    errors.clear();
    c = project::compile(project::ProjectFiles{options.path, {}}, project::default_stdlib_dir(), errors);
  }
  if (!errors.empty() || !c) {
    for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
    return kExitUsage;
  }
  std::vector<const model::Symbol*> matches;
  for (const model::Symbol& s : c->model.symbols) {
    if (s.qualified_name == options.name) matches.push_back(&s);
  }
  if (matches.empty()) {
    for (const model::Symbol& s : c->model.symbols) {
      if (s.name == options.name && found_by_plain_name(s)) matches.push_back(&s);
    }
  }
  // A type name is a plain name too (`severity`, also a parameter of `alert`).
  const check::TypeSpec* type = find_type(options.name);
  if (matches.empty() && type == nullptr) {
    // A plain name that only function parameters have: say where to look.
    std::vector<std::string_view> functions;
    for (const model::Symbol& s : c->model.symbols) {
      std::string_view qualified = s.qualified_name;
      if (s.name == options.name && is_function_parameter(s))
        functions.push_back(qualified.substr(0, qualified.rfind('.')));
    }
    if (!functions.empty()) {
      std::string list;
      for (std::string_view function : functions)
        list += (list.empty() ? "`" : ", `") + std::string(function) + "`";
      std::string command = "flowc doc " + (functions.size() == 1 ? std::string(functions[0]) : "FUNCTION") +
                            "." + options.name;
      print_error("no declaration named `" + options.name + "`; it is a parameter of " + list + " (`" +
                  command + "` shows it)");
      return kExitUsage;
    }
    std::string near = suggestion(c->model.symbols, options.name);
    print_error("no declaration named `" + printable(options.name) + "`" +
                (near.empty() ? std::string() : "; did you mean `" + near + "`?"));
    return kExitUsage;
  }
  if (type != nullptr) print_type(*type);
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i || type != nullptr) std::cout << "\n";
    print_symbol(*c, *matches[i]);
  }
  return kExitOk;
}

}  // namespace flowc::cli
