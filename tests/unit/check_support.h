// The checker's test helpers: a project compiled from texts with the real
// standard library, and the diagnostics it gave.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/project/project.h"

namespace flowc::testing {

using Files = std::vector<std::pair<std::string, std::string>>;

inline std::unique_ptr<project::Compilation> compile(Files files) {
  return project::compile_sources(std::move(files), std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
}

inline std::unique_ptr<project::Compilation> compile(std::string text) {
  return compile(Files{{"a.flow", std::move(text)}});
}

inline std::vector<std::string> codes(const project::Compilation& c) {
  std::vector<std::string> out;
  for (const Diagnostic& d : c.diagnostics.diagnostics()) out.emplace_back(d.code());
  return out;
}

inline const Diagnostic* find(const project::Compilation& c, std::string_view code) {
  for (const Diagnostic& d : c.diagnostics.diagnostics()) {
    if (d.code() == code) return &d;
  }
  return nullptr;
}

inline std::string_view text(const project::Compilation& c, SourceRange r) {
  return c.sources.buffer(r.file).text().substr(r.begin, r.end - r.begin);
}

inline const model::Symbol* symbol(const project::Compilation& c, std::string_view qualified) {
  for (const model::Symbol& s : c.model.symbols) {
    if (s.qualified_name == qualified) return &s;
  }
  return nullptr;
}

}  // namespace flowc::testing
