// The language server's projects where directories nest without
// flow.project: a directory's project reads its subdirectories' files,
// whose own project is their directory. Edits, created files, references
// and rename reach both.
#include <doctest/doctest.h>

#include <algorithm>

#include "lsp/server/service.h"
#include "tests/support/lsp_project.h"

using namespace flowc;
using namespace flowc::lsp;
using namespace flowc::testing;

TEST_CASE(
    "without flow.project, an edit of a file in a subdirectory reaches the project of the directory above") {
  TempProject p;
  loose(p);
  const std::string route = "route r {\n  owner  = \"a\"\n  notify = [stderr()]\n}\n";
  std::string x = p.write("x.flow", route);
  std::string y = p.write("sub/y.flow", route);
  Service s(options());
  s.open(x, route);
  s.open(y, route);
  const FileDiagnostics* mine = find(s.check(), x);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 1);
  CHECK(mine->diagnostics[0].code == "E0102");  // x's project reads sub/y.flow too
  REQUIRE(
      s.change(y, {TextChange{std::nullopt, "route r2 {\n  owner  = \"a\"\n  notify = [stderr()]\n}\n"}}));
  mine = find(s.check(), x);
  REQUIRE(mine != nullptr);
  CHECK(mine->diagnostics.empty());
}

TEST_CASE("a file two projects hold shows its own project's diagnostics, once") {
  TempProject p;
  loose(p);
  std::string a =
      p.write("a.flow", "workflow a {\n  owner = \"o\"\n  task t {\n    run = command([\"true\"])\n  }\n}\n");
  const std::string b_text = "workflow b {\n  owner = 12\n}\n";
  std::string b = p.write("sub/b.flow", b_text);
  Service s(options());
  s.open(a, "workflow a {\n  owner = \"o\"\n  task t {\n    run = command([\"true\"])\n  }\n}\n");
  s.open(b, b_text);
  const FileDiagnostics* mine = find(s.check(), b);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 1);
  CHECK(mine->diagnostics[0].code == "E0201");
}

TEST_CASE("a flow.project created or deleted regroups the projects and their diagnostics are published") {
  TempProject p;
  loose(p);
  const std::string a_text =
      "workflow a {\n  owner = \"o\"\n  task t {\n    after = [b.u]\n    run   = command([\"true\"])\n  "
      "}\n}\n";
  std::string a = p.write("a.flow", a_text);
  p.write("sub/b.flow", "workflow b {\n  owner = \"o\"\n  task u {\n    run = command([\"true\"])\n  }\n}\n");
  Service s(options());
  s.open(a, a_text);
  const FileDiagnostics* mine = find(s.check(), a);
  REQUIRE(mine != nullptr);
  CHECK(mine->diagnostics.empty());
  // sub/ becomes a project of its own: workflow b is no longer a's to see.
  std::string marker = p.write("sub/flow.project", "project sub {\n}\n");
  s.disk_changed(marker, DiskChange::Created);
  mine = find(s.check(), a);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 1);
  CHECK(mine->diagnostics[0].code == "E0101");
  fs::remove(marker);
  s.disk_changed(marker, DiskChange::Deleted);
  mine = find(s.check(), a);
  REQUIRE(mine != nullptr);
  CHECK(mine->diagnostics.empty());
}

namespace {

const char* kAfterB =
    "workflow a {\n  owner = \"o\"\n  task t {\n    after = [b.u]\n    run   = command([\"true\"])\n  }\n}\n";
const char* kB = "workflow b {\n  owner = \"o\"\n  task u {\n    run = command([\"true\"])\n  }\n}\n";

}  // namespace

TEST_CASE("a .flow file created in a subdirectory joins the project of the directory above") {
  TempProject p;
  loose(p);
  std::string a = p.write("a.flow", kAfterB);
  Service s(options());
  s.open(a, kAfterB);
  const FileDiagnostics* mine = find(s.check(), a);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 1);
  CHECK(mine->diagnostics[0].code == "E0101");  // no workflow b yet
  std::string b = p.write("sub/b.flow", kB);
  s.disk_changed(b, DiskChange::Created);
  mine = find(s.check(), a);
  REQUIRE(mine != nullptr);
  CHECK(mine->diagnostics.empty());
}

TEST_CASE("references and rename asked in a subdirectory's file reach the project above") {
  TempProject p;
  loose(p);
  std::string a = p.write("a.flow", kAfterB);
  std::string b = p.write("sub/b.flow", kB);
  Service s(options());
  s.open(a, kAfterB);
  s.open(b, kB);  // its own project is sub/, which does not read a.flow
  s.check();
  const TextPosition u{2, 7};  // `task u` in b.flow
  std::vector<FileLocation> refs = s.references(b, u, /*include_declaration=*/true);
  REQUIRE(refs.size() == 2);
  CHECK(refs[0].path == a);
  CHECK(refs[0].range.start.line == 3);
  CHECK(refs[1].path == b);

  RenameResult renamed = s.rename(b, u, "v");
  CHECK(renamed.error.empty());
  REQUIRE(renamed.edits.count(a) == 1);
  CHECK(renamed.edits[a].size() == 1);
  CHECK(renamed.edits[b].size() == 1);
  // Workflow `a` is declared only in the project above: taken there.
  CHECK(s.rename(b, {0, 9}, "a").error.find("already declared") != std::string::npos);
}

TEST_CASE(
    "with a workspace folder, a subdirectory's file opened alone knows the projects above it up to the "
    "folder") {
  TempProject p;
  loose(p);
  std::string a = p.write("a.flow", kAfterB);
  std::string b = p.write("sub/b.flow", kB);
  const TextPosition u{2, 7};  // `task u` in b.flow
  {
    // Without one, the directory above is no project the server knows.
    Service s(options());
    s.open(b, kB);
    s.check();
    CHECK(s.references(b, u, /*include_declaration=*/true).size() == 1);
  }
  Service s(options());
  s.set_workspace_root(p.root.string());
  s.open(b, kB);  // a.flow is never opened
  s.check();
  std::vector<FileLocation> refs = s.references(b, u, /*include_declaration=*/true);
  REQUIRE(refs.size() == 2);
  CHECK(refs[0].path == a);
  RenameResult renamed = s.rename(b, u, "v");
  CHECK(renamed.error.empty());
  CHECK(renamed.edits.count(a) == 1);
  CHECK(s.rename(b, {0, 9}, "a").error.find("already declared") != std::string::npos);
  // Not above the workspace folder: a folder set to `sub` itself loads nothing more.
  Service inner(options());
  inner.set_workspace_root((p.root / "sub").string());
  inner.open(b, kB);
  inner.check();
  CHECK(inner.references(b, u, /*include_declaration=*/true).size() == 1);
}
