// A project directory for the language server's service tests, and the
// options and lookups they share.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lsp/server/service.h"

namespace flowc::testing {

namespace fs = std::filesystem;

/// A temporary project directory, removed at the end of the test.
struct TempProject {
  fs::path root;
  TempProject() {
    root = fs::temp_directory_path() /
           ("flowc-lsp-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(root);
    write("flow.project", "project p {\n  default_target = wh\n}\n");
    write("targets.flow", "target wh {\n  dsn    = env(\"WH_DSN\")\n  schema = \"analytics\"\n}\n");
    write("routes.flow", "route oncall {\n  owner  = \"o\"\n  notify = [stderr()]\n}\n");
  }
  ~TempProject() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(root / name) << text;
    return (root / name).string();
  }
};

/// A directory without flow.project (TempProject's files removed), with an
/// empty subdirectory `sub`.
inline void loose(const TempProject& p) {
  for (const char* name : {"flow.project", "targets.flow", "routes.flow"}) fs::remove(p.root / name);
  fs::create_directories(p.root / "sub");
}

inline lsp::ServiceOptions options(lsp::ColumnUnit unit = lsp::ColumnUnit::Utf16) {
  return lsp::ServiceOptions{unit, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std"};
}

inline const lsp::FileDiagnostics* find(const std::vector<lsp::FileDiagnostics>& all,
                                        const std::string& path) {
  for (const auto& f : all) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace flowc::testing
