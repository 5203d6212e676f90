// `flowc fmt` on the files it rewrites: how it writes them (a fresh
// temporary file, the file's permissions, read-only files left alone), each
// file once however it is named, and no secret in a `--check` diff.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "tests/unit/cli_support.h"

namespace fs = std::filesystem;
using namespace cli_testing;

namespace {

const char* kUnformatted = "route   r {\n owner=\"x\"\n  notify = [stderr()]\n}\n";

}  // namespace

TEST_CASE("fmt --check shows a written password as *** in its diff") {
  fs::path dir = scratch("fmt-secret");
  write(dir / "t.flow",
        "target   wh {\n  dsn = \"host=db password = Hunter2x dbname=wh\"  # was password=OldPw990\n}\n");
  Result r = flowc("fmt --check " + dir.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("host=db password = *** dbname=wh") != std::string::npos);
  CHECK(r.out.find("# was password=***") != std::string::npos);
  CHECK(r.out.find("Hunter2x") == std::string::npos);
  CHECK(r.out.find("OldPw990") == std::string::npos);
  // Shorter than 8 bytes, the password withholds its line: masked in place,
  // where the `***`s fall would spell it out.
  write(dir / "t.flow", "target   wh {\n  dsn = \"host=db password=Pw7 dbname=wh\"\n}\n");
  Result short_password = flowc("fmt --check " + dir.string());
  CHECK(short_password.out.find("\n***\n") != std::string::npos);
  CHECK(short_password.out.find("Pw7") == std::string::npos);
}

TEST_CASE("fmt keeps a file's permissions") {
  fs::path dir = scratch("fmt-mode");
  write(dir / "r.flow", kUnformatted);
  fs::permissions(dir / "r.flow", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read,
                  fs::perm_options::replace);
  REQUIRE(flowc("fmt " + dir.string()).exit_code == 0);
  CHECK(fs::status(dir / "r.flow").permissions() ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
  CHECK(flowc("fmt --check " + dir.string()).exit_code == 0);
}

TEST_CASE("fmt --check masks a password written with an escape or a ${} in it, and a webhook's token") {
  fs::path dir = scratch("fmt-secret-spellings");
  write(dir / "t.flow",
        "target   t5 {\n  dsn = \"postgresql://admin:s3cret\\u{41}J@db/wh\"\n}\n"
        "target t3 {\n  dsn = \"postgresql://admin:s3cr${x}etC@db/wh\"\n}\n"
        "route r {\n  owner  = \"x\"\n  notify = [webhook(\"https://tokenE99@hooks.example.com/x\")]\n}\n");
  Result r = flowc("fmt --check " + dir.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("s3cret") == std::string::npos);
  CHECK(r.out.find("s3cr") == std::string::npos);
  CHECK(r.out.find("tokenE99") == std::string::npos);
  CHECK(r.out.find("https://***@hooks.example.com/x") != std::string::npos);
}

TEST_CASE("fmt writes through a fresh temporary file, never through a link left at a predictable name") {
  fs::path dir = scratch("fmt-temporary");
  write(dir / "r.flow", kUnformatted);
  write(dir / "victim", "precious\n");
  fs::create_symlink(dir / "victim", dir / "r.flow.flowc-fmt.tmp");  // the name fmt once used
  REQUIRE(flowc("fmt " + (dir / "r.flow").string()).exit_code == 0);
  CHECK(slurp(dir / "victim") == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(dir / "r.flow")));
  CHECK(flowc("fmt --check " + (dir / "r.flow").string()).exit_code == 0);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 3);  // r.flow, victim, the link: no temporary file left
}

TEST_CASE("fmt leaves a read-only file alone and says why (exit 2)") {
  std::optional<Launch> as_user = unprivileged();
  if (!as_user) return;  // root that cannot drop privileges: permissions cannot be tested
  fs::path dir = scratch("fmt-read-only");
  fs::permissions(dir, fs::perms::all);  // the rename would be allowed
  write(dir / "r.flow", kUnformatted);
  fs::permissions(dir / "r.flow", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::replace);
  Result r = flowc("fmt " + (dir / "r.flow").string(), *as_user);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + (dir / "r.flow").string() + ": cannot write it: Permission denied\n");
  CHECK(slurp(dir / "r.flow") == kUnformatted);
}

TEST_CASE("fmt leaves a file no one may write alone, also when it runs as root") {
  fs::path dir = scratch("fmt-read-only-root");
  write(dir / "r.flow", kUnformatted);
  fs::permissions(dir / "r.flow", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::replace);
  Result r = flowc("fmt " + (dir / "r.flow").string());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + (dir / "r.flow").string() + ": cannot write it: Permission denied\n");
  CHECK(slurp(dir / "r.flow") == kUnformatted);
}

TEST_CASE("fmt shows a control character of a file name or a comment as a picture, never raw") {
  fs::path dir = scratch("fmt-controls");
  const std::string name = "e\x1b[31m.flow";
  write(dir / name, "route r {\nowner = \"x\"  # \x1b[2J\r\n}\n");
  Result check = flowc("fmt --check " + dir.string());
  CHECK(check.exit_code == 1);
  CHECK(check.out.find('\x1b') == std::string::npos);
  CHECK(check.out.find("e\u241b[31m.flow") != std::string::npos);
  CHECK(check.out.find("# \u241b[2J\r\n") != std::string::npos);  // the carriage return stays
  Result rewrite = flowc("fmt " + dir.string());
  CHECK(rewrite.exit_code == 0);
  CHECK(rewrite.err == "formatted " + dir.string() + "/e\u241b[31m.flow\n");
}

TEST_CASE("fmt handles a file named several ways once") {
  fs::path dir = scratch("fmt-named-twice");
  write(dir / "r.flow", kUnformatted);
  const std::string same = (dir / "r.flow").string() + " " + (dir / "." / "r.flow").string() + " " +
                           (dir / ".." / dir.filename() / "r.flow").string();
  Result check = flowc("fmt --check " + same);
  CHECK(check.exit_code == 1);
  CHECK(count(check.out, "+++ ") == 1);
  CHECK(check.err == "1 file needs formatting (run `flowc fmt`)\n");
  Result written = flowc("fmt " + same);
  CHECK(written.exit_code == 0);
  CHECK(count(written.err, "formatted ") == 1);
}
