#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/load.h"
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

}  // namespace

int run_doc(const DocOptions& options) {
  std::vector<project::LoadError> errors;
  std::vector<project::ProjectFiles> projects = project::discover({options.path}, errors);
  std::unique_ptr<project::Compilation> c;
  if (!projects.empty()) {
    c = project::compile(projects.front(), project::default_stdlib_dir(), errors);
  } else if (std::filesystem::is_directory(options.path)) {
    errors.clear();  // outside a project: the stdlib alone
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
      if (s.name == options.name && s.kind != model::SymbolKind::Attribute) matches.push_back(&s);
    }
  }
  if (matches.empty()) {
    std::vector<std::string_view> names;
    for (const model::Symbol& s : c->model.symbols) names.push_back(s.qualified_name);
    std::string_view near = closest_name(options.name, names);
    print_error("no declaration named `" + options.name + "`" +
                (near.empty() ? std::string() : "; did you mean `" + std::string(near) + "`?"));
    return kExitUsage;
  }
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i) std::cout << "\n";
    print_symbol(*c, *matches[i]);
  }
  return kExitOk;
}

}  // namespace flowc::cli
