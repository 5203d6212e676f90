// The flowc binary as a user meets it: exit codes and messages for bad input.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `flowc ARGS` with stdin from /dev/null and a 60 s limit (a hang fails
/// the test instead of blocking the suite).
Result flowc(const std::string& args) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("flowc-cli-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path out = dir / ("out" + std::to_string(counter));
  fs::path err = dir / ("err" + std::to_string(counter++));
  std::string command = "timeout 60 " + std::string(FLOWC_BINARY) + " " + args + " </dev/null >" + out.string() +
                        " 2>" + err.string();
  int status = std::system(command.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("flowc-cli-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("no command and an unknown command are usage errors with a hint") {
  CHECK(flowc("").exit_code == 2);
  Result r = flowc("chekc");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command `chekc`; did you mean `check`?") != std::string::npos);
}

TEST_CASE("a mistyped flag is a usage error, not a crash") {
  Result r = flowc("check --strcit");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--strcit") != std::string::npos);
  CHECK(flowc("check --format yaml " + scratch("fmt").string()).exit_code == 2);
}

TEST_CASE("a path that does not exist is one line and exit 2") {
  Result r = flowc("check /definitely/not/here");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: /definitely/not/here: no such file or directory\n");
}

TEST_CASE("a directory without .flow files is exit 2") {
  fs::path dir = scratch("empty");
  write(dir / "notes.txt", "nothing here");
  Result r = flowc("check " + dir.string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no .flow files found") != std::string::npos);
}

TEST_CASE("a .flow path that is not a regular file is reported, never read") {
  fs::path dir = scratch("fifo");
  REQUIRE(::mkfifo((dir / "pipe.flow").c_str(), 0600) == 0);  // reading it would block forever
  Result r = flowc("check " + dir.string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("pipe.flow: not a regular file") != std::string::npos);
}

TEST_CASE("malformed UTF-8 and binary files are one clear diagnostic each") {
  fs::path dir = scratch("utf8");
  write(dir / "bad.flow", std::string("workflow w {\n  owner = \"caf\xe9\"\n}\n"));
  Result r = flowc("check " + dir.string());
  CHECK(r.exit_code == 1);
  CHECK(count(r.err, "error[E0006]") == 1);
  CHECK(r.err.find("bad.flow:2:") != std::string::npos);

  fs::path bin = scratch("binary");
  write(bin / "blob.flow", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16));
  Result b = flowc("check " + bin.string());
  CHECK(b.exit_code == 1);
  CHECK(count(b.err, "error[E0006]") == 1);
}

TEST_CASE("a 10 MB line is checked without a hang or a flood") {
  fs::path dir = scratch("long-line");
  write(dir / "long.flow", "# " + std::string(10 * 1024 * 1024, 'x') + "\nworkflow w {\n  owner = \n}\n");
  Result r = flowc("check --format json " + dir.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.size() < 100000);  // the diagnostics, not the line
}

TEST_CASE("fmt --check prints a diff and exits 1 when a file would change") {
  fs::path dir = scratch("fmt-check");
  std::string messy = "route   r {\n owner=\"x\"\n  notify = [stderr()]\n}\n";
  write(dir / "r.flow", messy);
  Result r = flowc("fmt --check " + dir.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("--- " + (dir / "r.flow").string()) != std::string::npos);
  CHECK(slurp(dir / "r.flow") == messy);  // --check changes nothing

  Result w = flowc("fmt " + dir.string());
  CHECK(w.exit_code == 0);
  CHECK(flowc("fmt --check " + dir.string()).exit_code == 0);
}

TEST_CASE("doc shows a stdlib function's signature and doc comment") {
  std::string outside = scratch("doc").string();  // no project here: the stdlib alone
  Result s = flowc("doc row_count " + outside);
  CHECK(s.exit_code == 0);
  CHECK(s.out.find("row_count()") != std::string::npos);
  Result missing = flowc("doc row_cuont " + outside);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("did you mean `row_count`?") != std::string::npos);
}
