// The flowc binary as a user meets it: exit codes and messages for bad input.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

/// How flowc is started: `before` goes in front of the command (variables,
/// setpriv), `stdin` is what it reads (a shell redirect or pipe source), and
/// stdout goes to `stdout_to` instead of the captured file when set.
struct Launch {
  std::string before{};
  std::string stdin_redirect = "</dev/null";
  std::string stdout_to{};
};

/// Runs `flowc ARGS` with stdin from /dev/null and a 60 s limit (a hang fails
/// the test instead of blocking the suite).
Result flowc(const std::string& args, const Launch& launch = {}) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("flowc-cli-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path out = dir / ("out" + std::to_string(counter));
  fs::path err = dir / ("err" + std::to_string(counter++));
  std::string command = launch.before + " timeout 60 " + std::string(FLOWC_BINARY) + " " + args + " " +
                        launch.stdin_redirect + " >" + (launch.stdout_to.empty() ? out.string() : launch.stdout_to) +
                        " 2>" + err.string();
  int status = std::system(("bash -c '" + command + "'").c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Permissions are ignored for root: as root, flowc runs as `nobody` for the
/// tests of unreadable files. Empty (and the test skipped) when root cannot
/// drop its privileges.
std::optional<Launch> unprivileged() {
  if (::geteuid() != 0) return Launch{};
  if (std::system("setpriv --reuid=nobody --regid=nogroup --clear-groups true >/dev/null 2>&1") != 0)
    return std::nullopt;
  return Launch{"setpriv --reuid=nobody --regid=nogroup --clear-groups"};
}


fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("flowc-cli-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// A copy of examples/daily_kpi that `nobody` can read: its files, not the
/// `.flow` that `make demo` leaves there (a running cluster's socket cannot
/// be copied).
fs::path copy_example(const std::string& name) {
  fs::path dir = scratch(name);
  fs::create_directories(dir);
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(FLOWC_SOURCE_DIR) / "examples" / "daily_kpi")) {
    if (entry.path().filename() == ".flow") continue;
    fs::copy(entry.path(), dir / entry.path().filename(), fs::copy_options::recursive);
  }
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

TEST_CASE("every usage error the parser finds is one line naming the help to read") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "flowc: A subcommand is required (run `flowc --help`)\n"},
      {"db", "flowc: A subcommand is required (run `flowc db --help`)\n"},
      {"check --frobnicate",
       "flowc: The following argument was not expected: --frobnicate (run `flowc check --help`)\n"},
      {"backfill /tmp", "flowc: --from is required (run `flowc backfill --help`)\n"},
      {"plan --format json --format human /tmp",
       "flowc: --format given 2 times; give it once (run `flowc plan --help`)\n"},
      {"plan --ds", "flowc: --ds: 1 required TEXT missing (run `flowc plan --help`)\n"},
      {"check --strict --strict /tmp",
       "flowc: --strict given 2 times; give it once (run `flowc check --help`)\n"},
      {"fmt --check --check /tmp",
       "flowc: --check given 2 times; give it once (run `flowc fmt --help`)\n"},
      {"run --dry-run --dry-run /tmp",
       "flowc: --dry-run given 2 times; give it once (run `flowc run --help`)\n"},
      {"backfill --force --force /tmp",
       "flowc: --force given 2 times; give it once (run `flowc backfill --help`)\n"},
      {"schedule --once --once /tmp",
       "flowc: --once given 2 times; give it once (run `flowc schedule --help`)\n"},
      {"db stop --x", "flowc: The following argument was not expected: --x (run `flowc db stop --help`)\n"},
      {"chekc",
       "flowc: unknown command `chekc`; did you mean `check`? "
       "(run `flowc --help` for the list of commands)\n"},
      {"db bogus", "flowc: unknown command `bogus` (run `flowc db --help` for the list of commands)\n"},
  };
  for (const auto& [args, line] : cases) {
    CAPTURE(args);
    Result r = flowc(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err == line);
  }
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

TEST_CASE("doc and check show control characters from the source as control pictures") {
  fs::path dir = scratch("control");
  write(dir / "a.flow",
        "## Daily \x1b[2J numbers.\n"
        "workflow daily {\n"
        "  owner    = \"a\"\n"
        "  schedule = cron(\"0 7 * * *\", tz = \"x\\n\\nerror: 0 errors emitted\")\n"
        "}\n");
  Result d = flowc("doc daily " + dir.string());
  CHECK(d.exit_code == 0);
  CHECK(d.out.find("Daily \u241B[2J numbers.") != std::string::npos);
  CHECK(d.out.find('\x1b') == std::string::npos);
  Result c = flowc("check " + (dir / "a.flow").string());
  CHECK(c.exit_code == 1);
  CHECK(c.err.find("`x\u240A\u240Aerror: 0 errors emitted`") != std::string::npos);
  CHECK(c.err.find("\nerror: 0 errors emitted") == std::string::npos);
}

TEST_CASE("doc: a plain name finds declarations, a function parameter only by its qualified name") {
  std::string outside = scratch("doc-params").string();
  Result plain = flowc("doc tz " + outside);
  CHECK(plain.exit_code == 2);
  CHECK(plain.out.empty());
  CHECK(plain.err ==
        "flowc: no declaration named `tz`; it is a parameter of `cron` (`flowc doc cron.tz` shows it)\n");
  Result qualified = flowc("doc alert.severity " + outside);
  CHECK(qualified.exit_code == 0);
  CHECK(qualified.out.starts_with("param alert.severity: severity\n"));
}

TEST_CASE("doc: the types of the standard library's signatures have their doc, parameters' names or not") {
  std::string outside = scratch("doc-types").string();
  for (const char* name :
       {"severity", "stage", "write_mode", "retry_on", "channel", "backoff", "route", "date"}) {
    CAPTURE(name);
    Result r = flowc(std::string("doc ") + name + " " + outside);
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with(std::string("type ") + name + "\n\n"));
    CHECK(r.out.size() > std::string("type ").size() + std::string(name).size() + 20);
  }
  Result severity = flowc("doc severity " + outside);
  CHECK(severity.out.find("`info` < `low` < `medium` < `high` < `critical`") != std::string::npos);
  CHECK(flowc("doc list " + outside).out.starts_with("type list<T>\n"));
  Result typo = flowc("doc severty " + outside);
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "flowc: no declaration named `severty`; did you mean `severity`?\n");
}

TEST_CASE("doc: a qualified name is only suggested a close member of its own workflow") {
  fs::path project = copy_example("doc-suggest");
  Result far = flowc("doc daily_kpi.zzzz " + project.string());
  CHECK(far.exit_code == 2);
  CHECK(far.err == "flowc: no declaration named `daily_kpi.zzzz`\n");
  Result near = flowc("doc daily_kpi.orderz " + project.string());
  CHECK(near.err == "flowc: no declaration named `daily_kpi.orderz`; did you mean `daily_kpi.orders`?\n");
  Result workflow = flowc("doc daly_kpi.orders " + project.string());
  CHECK(workflow.err == "flowc: no declaration named `daly_kpi.orders`; did you mean `daily_kpi.orders`?\n");
}

TEST_CASE("a result that cannot be written is exit 2 with one line, whatever the command") {
  fs::path project = copy_example("full");
  const std::string crontab = (project / "legacy" / "crontab").string();
  for (const std::string& args :
       {"inventory --import crontab " + crontab, "inventory " + project.string(), "plan " + project.string(),
        "check --format json " + project.string(), "graph " + project.string(), std::string("doc row_count")}) {
    CAPTURE(args);
    Result r = flowc(args, Launch{.stdout_to = "/dev/full"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "flowc: cannot write the output: No space left on device\n");
  }
}

TEST_CASE("a reader that has gone is no error: no line, the command's own exit code") {
  fs::path project = copy_example("reader-gone");
  // A pipe whose read end is closed before flowc starts: every write to it fails.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  const Launch gone{.stdout_to = "&" + std::to_string(fds[1])};
  for (const std::string& args : {"plan " + project.string() + " --format json",
                                  "check --format json " + project.string(), std::string("doc row_count")}) {
    CAPTURE(args);
    Result r = flowc(args, gone);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  }
  write(project / "broken.flow", "workflow broken {\n  owner = 42\n}\n");
  Result failed = flowc("check --format json " + project.string(), gone);
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.empty());
  ::close(fds[1]);

  fs::remove(project / "broken.flow");
  Result closed = flowc("plan " + project.string(), Launch{.stdout_to = "&-"});
  CHECK(closed.exit_code == 2);
  CHECK(closed.err == "flowc: cannot write the output: Bad file descriptor\n");
}

TEST_CASE("an unreadable directory below a project is exit 2, never skipped") {
  std::optional<Launch> as_user = unprivileged();
  if (!as_user) return;  // root that cannot drop privileges: permissions cannot be tested
  fs::path project = copy_example("unreadable-dir");
  fs::create_directories(project / "more");
  write(project / "more" / "extra.flow", "route extra {\n  owner  = \"x\"\n  notify = [stderr()]\n}\n");
  fs::permissions(project / "more", fs::perms::none);
  const std::string line = "flowc: " + (project / "more").string() + ": Permission denied\n";
  Result check = flowc("check " + project.string(), *as_user);
  CHECK(check.exit_code == 2);
  CHECK(check.err == line);
  Result fmt = flowc("fmt --check " + project.string(), *as_user);
  CHECK(fmt.exit_code == 2);
  CHECK(fmt.err == line);
  // `doc` too: the name asked for may be declared in the files it hides.
  for (const std::string name : {"extra", "daily_kpi", "no_such_name"}) {
    Result doc = flowc("doc " + name + " " + project.string(), *as_user);
    CHECK(doc.exit_code == 2);
    CHECK(doc.out.empty());
    CHECK(doc.err == line);
  }
  fs::permissions(project / "more", fs::perms::owner_all);
}

TEST_CASE("a directory that cannot be listed is Permission denied, not empty") {
  std::optional<Launch> as_user = unprivileged();
  if (!as_user) return;
  fs::path dir = copy_example("unlistable");
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  Result r = flowc("check " + dir.string(), *as_user);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + dir.string() + ": Permission denied\n");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
}

TEST_CASE("an unreadable .flow file is one line, with no errors from its absence") {
  std::optional<Launch> as_user = unprivileged();
  if (!as_user) return;
  fs::path project = copy_example("unreadable-flow");
  fs::permissions(project / "routes.flow", fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  Result r = flowc("check " + project.string(), *as_user);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + (project / "routes.flow").string() + ": Permission denied\n");
}

TEST_CASE("an unreadable .sql file is an environment error; a missing one stays E0101") {
  std::optional<Launch> as_user = unprivileged();
  if (!as_user) return;
  fs::path project = copy_example("unreadable-sql");
  fs::path sql = project / "sql" / "revenue_daily.sql";
  fs::permissions(sql, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  Result r = flowc("check " + project.string(), *as_user);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + sql.string() + ": Permission denied\n");
  CHECK(flowc("plan " + project.string(), *as_user).exit_code == 2);

  fs::remove(sql);
  Result missing = flowc("check " + project.string(), *as_user);
  CHECK(missing.exit_code == 1);
  CHECK(count(missing.err, "error[E0101]: cannot read `sql/revenue_daily.sql`") == 1);
}

TEST_CASE("a missing standard library is exit 2 naming its directory") {
  fs::path project = copy_example("no-stdlib");
  Result r = flowc("check " + project.string(), Launch{.before = "FLOWC_STDLIB=/nonexistent"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "flowc: /nonexistent: cannot read the standard library: No such file or directory (FLOWC_STDLIB names its "
        "directory)\n");
  fs::path empty = scratch("empty-stdlib");
  Result e = flowc("plan " + project.string(), Launch{.before = "FLOWC_STDLIB=" + empty.string()});
  CHECK(e.exit_code == 2);
  CHECK(count(e.err, "\n") == 1);
  CHECK(e.err.find("no .flow files") != std::string::npos);
}

TEST_CASE("check and fmt take a file only when it is a .flow file") {
  fs::path dir = copy_example("not-flow");
  write(dir / "notes.txt", "hi\n");
  for (const std::string command : {"check ", "fmt ", "fmt --check "}) {
    CAPTURE(command);
    Result r = flowc(command + (dir / "notes.txt").string());
    CHECK(r.exit_code == 2);
    CHECK(r.err == "flowc: " + (dir / "notes.txt").string() + ": not a .flow file\n");
  }
  CHECK(flowc("check /etc/passwd").err == "flowc: /etc/passwd: not a .flow file\n");
  CHECK(flowc("check " + (dir / "daily_kpi.flow").string()).exit_code == 0);
}

TEST_CASE("an empty flag value is a usage error, not the default") {
  std::string project = copy_example("empty-flags").string();
  Result ds = flowc("plan " + project + " --ds \"\"");
  CHECK(ds.exit_code == 2);
  CHECK(ds.err == "flowc: --ds: not a date: \"\" (write YYYY-MM-DD, years 0001 to 9999)\n");
  CHECK(flowc("plan " + project + " --ds 0000-01-01").exit_code == 2);  // there is no year 0
  CHECK(flowc("plan " + project + " --ds 2026-02-29").exit_code == 2);
  CHECK(flowc("plan " + project + " --ds 9999-12-31").exit_code == 0);
  CHECK(flowc("plan " + project + " --ds 0001-01-01").exit_code == 0);
  for (const std::string flag : {"--env", "--workflow"}) {
    CAPTURE(flag);
    Result r = flowc("plan " + project + " " + flag + " \"\"");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("flowc: " + flag + ": must not be empty") == 0);
  }
  Result import = flowc("inventory --import \"\" " + project);
  CHECK(import.exit_code == 2);
  CHECK(import.err == "flowc: --import: must not be empty (write --import crontab FILE)\n");
  CHECK(import.out.empty());
  CHECK(flowc("backfill " + project + " --from \"\" --to 2026-01-01").exit_code == 2);
  CHECK(flowc("run " + project + " --state-dsn \"\"").exit_code == 2);
}

TEST_CASE("--env production is the default environment, as history and FLOW_ENV name it") {
  std::string project = copy_example("env-production").string();
  for (const std::string command : {"plan ", "run --dry-run "}) {
    CAPTURE(command);
    Result named = flowc(command + project + " --ds 2026-01-01 --env production");
    Result left_out = flowc(command + project + " --ds 2026-01-01");
    CHECK(named.exit_code == 0);
    CHECK(named.err == left_out.err);
    CHECK(named.out == left_out.out);
    CHECK(named.out.find("ds 2026-01-01, production\n") != std::string::npos);
  }
  Result staging = flowc("plan " + project + " --ds 2026-01-01 --env staging");
  CHECK(staging.out.find("ds 2026-01-01, environment staging\n") != std::string::npos);
}

TEST_CASE("fmt --check shows a written password as *** in its diff") {
  fs::path dir = scratch("fmt-secret");
  write(dir / "t.flow",
        "target   wh {\n  dsn = \"host=db password = Hunter2x dbname=wh\"  # was password=OldPw99\n}\n");
  Result r = flowc("fmt --check " + dir.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("host=db password = *** dbname=wh") != std::string::npos);
  CHECK(r.out.find("# was password=***") != std::string::npos);
  CHECK(r.out.find("Hunter2x") == std::string::npos);
  CHECK(r.out.find("OldPw99") == std::string::npos);
}

TEST_CASE("fmt keeps a file's permissions") {
  fs::path dir = scratch("fmt-mode");
  write(dir / "r.flow", "route   r {\n owner=\"x\"\n  notify = [stderr()]\n}\n");
  fs::permissions(dir / "r.flow", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read,
                  fs::perm_options::replace);
  REQUIRE(flowc("fmt " + dir.string()).exit_code == 0);
  CHECK(fs::status(dir / "r.flow").permissions() ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
  CHECK(flowc("fmt --check " + dir.string()).exit_code == 0);
}

TEST_CASE("inventory: one positional argument; --import reads a pipe or stdin and takes no --format") {
  fs::path project = copy_example("inventory-args");
  const std::string crontab = (project / "legacy" / "crontab").string();
  Result format = flowc("inventory --import crontab " + crontab + " --format json");
  CHECK(format.exit_code == 2);
  CHECK(format.out.empty());
  Result extra = flowc("inventory " + project.string() + " extra");
  CHECK(extra.exit_code == 2);
  CHECK(extra.err == "flowc: inventory: unexpected argument `extra`\n");
  Result import_extra = flowc("inventory --import crontab " + crontab + " extra");
  CHECK(import_extra.exit_code == 2);
  CHECK(import_extra.err == "flowc: inventory: unexpected argument `extra`\n");

  Result from_file = flowc("inventory --import crontab " + crontab);
  REQUIRE(from_file.exit_code == 0);
  Result dash = flowc("inventory --import crontab -", Launch{.stdin_redirect = "<" + crontab});
  CHECK(dash.exit_code == 0);
  CHECK(dash.out.find("legacy refresh_kpi {") != std::string::npos);
  Result pipe = flowc("inventory --import crontab /dev/stdin", Launch{.before = "cat " + crontab + " |", .stdin_redirect = ""});
  CHECK(pipe.exit_code == 0);
  CHECK(pipe.out == dash.out);
  Result substitution = flowc("inventory --import crontab <(cat " + crontab + ")", Launch{.stdin_redirect = ""});
  CHECK(substitution.exit_code == 0);
  CHECK(substitution.out == dash.out);
  CHECK(flowc("inventory --import crontab " + project.string()).err.find("is a directory") != std::string::npos);
}

TEST_CASE("messages name the actual problem") {
  Result db = flowc("db bogus");
  CHECK(db.exit_code == 2);
  CHECK(db.err.find("flowc: unknown command `bogus`") == 0);
  Result worker = flowc("worker /definitely/not/here");
  CHECK(worker.exit_code == 2);
  CHECK(worker.err == "flowc: /definitely/not/here: no such file or directory\n");

  // Checked before any database is asked (this one cannot be reached).
  const std::string nowhere = "postgresql://u@127.0.0.1:1/x";
  Result since = flowc("history --since 99999999999d --state-dsn " + nowhere);
  CHECK(since.exit_code == 2);
  CHECK(since.err == "flowc: --since `99999999999d` is too far back (at most 36500d, 100 years)\n");
  CHECK(flowc("ops --since 999999999999999999d --state-dsn " + nowhere).exit_code == 2);

  std::string project = copy_example("messages").string();
  Result check_db = flowc("check " + project + " --db " + nowhere);
  CHECK(check_db.exit_code == 2);
  CHECK(count(check_db.err, "\n") == 1);
  CHECK(check_db.err.find("flowc: --db: cannot reach the database: ") == 0);

  Result run = flowc("run " + project + " --dsn " + nowhere);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("cannot reach the state database") != std::string::npos);
  CHECK(run.err.find("lost the connection") == std::string::npos);
  CHECK(run.err.find("the state database: cannot reach") == std::string::npos);  // said once
}

TEST_CASE("a project path that cannot be read is one line and exit 2, with or without --state-dsn") {
  const std::string nowhere = " --state-dsn postgresql://u@127.0.0.1:1/x";  // never asked
  for (const std::string command : {"history /definitely/not/here", "status 1 /definitely/not/here",
                                    "ops /definitely/not/here"}) {
    for (const std::string& dsn : {std::string(), nowhere}) {
      CAPTURE(command + dsn);
      Result r = flowc(command + dsn);
      CHECK(r.exit_code == 2);
      CHECK(r.err == "flowc: /definitely/not/here: no such file or directory\n");
    }
  }
  std::optional<Launch> as_user = unprivileged();
  if (!as_user) return;
  fs::path dir = copy_example("unlistable-history");
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  Result r = flowc("history " + dir.string() + nowhere, *as_user);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + dir.string() + ": Permission denied\n");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
}

TEST_CASE("schedule --once that cannot reach the state database is exit 2, on stderr") {
  std::string project = copy_example("schedule-once").string();
  Result r = flowc("schedule " + project + " --once --dsn postgresql://u@127.0.0.1:1/x");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("cannot reach the state database") != std::string::npos);
  CHECK(r.err.find("trying again") == std::string::npos);
}


TEST_CASE("tasks at once are bounded on every command, as in the language: one line and exit 2") {
  std::string project = copy_example("concurrency").string();
  Result run = flowc("run " + project + " --dry-run --concurrency 1025");
  CHECK(run.exit_code == 2);
  CHECK(run.err == "flowc: --concurrency: 1025 is not in the range 0 to 1024\n");
  CHECK(flowc("run " + project + " --dry-run --concurrency 1024").exit_code == 0);
  CHECK(flowc("run " + project + " --dry-run --concurrency 0").exit_code == 0);
  Result schedule = flowc("schedule " + project + " --once --concurrency 5000");
  CHECK(schedule.exit_code == 2);
  CHECK(schedule.err == "flowc: --concurrency: 5000 is not in the range 0 to 1024\n");
  Result worker = flowc("worker " + project + " --slots 1025");
  CHECK(worker.exit_code == 2);
  CHECK(worker.err == "flowc: --slots: 1025 is not in the range 1 to 1024\n");
  Result backfill = flowc("backfill " + project + " --from 2026-11-01 --to 2026-11-02 --concurrency 0");
  CHECK(backfill.exit_code == 2);
  CHECK(backfill.err == "flowc: --concurrency: 0 is not in the range 1 to 1024\n");
}

TEST_CASE("a count of tasks or runs is a whole number in decimal digits, nothing else") {
  std::string project = copy_example("whole-numbers").string();
  // Not numbers at all, or numbers in other notations: CLI11 alone read
  // 0x10 as 16 and 010 as 8, and called 1e3 "not in range".
  for (std::string value : {"1e3", "abc", "0x10", "-1", "+4", "1.0", "4 ", "99999999999999999999"}) {
    CAPTURE(value);
    Result r = flowc("run " + project + " --dry-run --concurrency \"" + value + "\"");
    CHECK(r.exit_code == 2);
    bool digits = value.find_first_not_of("0123456789") == std::string::npos;
    CHECK(r.err == (digits ? "flowc: --concurrency: " + value + " is not in the range 0 to 1024\n"
                           : "flowc: --concurrency: not a whole number: \"" + value +
                                 "\" (write one from 0 to 1024)\n"));
  }
  Result worker = flowc("worker " + project + " --slots 0x10");
  CHECK(worker.exit_code == 2);
  CHECK(worker.err == "flowc: --slots: not a whole number: \"0x10\" (write one from 1 to 1024)\n");
  // Leading zeros are decimal, never octal: 09 is nine, and 02000 two
  // thousand (octal, 1024, would pass).
  CHECK(flowc("run " + project + " --dry-run --concurrency 09").exit_code == 0);
  CHECK(flowc("run " + project + " --dry-run --concurrency 0000").exit_code == 0);
  Result octal = flowc("run " + project + " --dry-run --concurrency 02000");
  CHECK(octal.exit_code == 2);
  CHECK(octal.err == "flowc: --concurrency: 2000 is not in the range 0 to 1024\n");
}

TEST_CASE("unexpected arguments are listed in the order given") {
  Result r = flowc("history . extra1 extra2 extra3");
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "flowc: The following arguments were not expected: extra1 extra2 extra3 (run `flowc history --help`)\n");
  Result one = flowc("check --frobnicate");
  CHECK(one.exit_code == 2);
  CHECK(one.err == "flowc: The following argument was not expected: --frobnicate (run `flowc check --help`)\n");
}

TEST_CASE("--param gives a param its value in plan, and a bad one is one line and exit 2") {
  fs::path dir = scratch("param");
  write(dir / "w.flow", R"(route r {
  owner  = "o"
  notify = [stderr()]
}

workflow w {
  owner      = "o"
  on_failure = alert(r)

  param ds: date = logical_date
  param region: string
  param lag: duration = 1h

  task out {
    writes  = "out"
    sql     = "select ${region} as region, ${lag} as lag"
    publish = true
  }
}
)");
  Result missing = flowc("plan " + dir.string() + " --ds 2026-11-24");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "flowc: param `region` of workflow `w` has no default: give its value with --param region=VALUE\n");
  Result given = flowc("plan " + dir.string() + " --ds 2026-11-24 --param region=emea --param lag=90m --format json");
  INFO(given.err);
  CHECK(given.exit_code == 0);
  CHECK(given.out.find("\"name\": \"region\",\n      \"sql_type\": \"text\",\n      \"value\": \"emea\"") !=
        std::string::npos);
  CHECK(given.out.find("\"name\": \"lag\",\n      \"sql_type\": \"interval\",\n      \"value\": \"1h30m\"") !=
        std::string::npos);
  Result shape = flowc("plan " + dir.string() + " --param region");
  CHECK(shape.exit_code == 2);
  CHECK(shape.err.find("write NAME=VALUE, such as --param region=emea") != std::string::npos);
  Result twice = flowc("plan " + dir.string() + " --param region=a --param region=b");
  CHECK(twice.exit_code == 2);
  CHECK(twice.err == "flowc: --param region given more than once: give it once\n");
  Result typed = flowc("plan " + dir.string() + " --param region=a --param lag=soon");
  CHECK(typed.exit_code == 2);
  CHECK(typed.err == "flowc: --param lag: `soon` is not a duration such as 1h30m\n");
}

TEST_CASE("file(...) names a file of the project: an absolute path or one outside it is E0202") {
  fs::path dir = scratch("file_bound");
  fs::create_directories(dir / "sql");
  fs::create_directories(dir / "flows");
  write(dir / "flow.project", "project p {\n}\n");
  write(dir / "sql" / "c.sql", "select 1 as x\n");
  write(dir / "flows" / "w.flow", R"(workflow w {
  owner = "o"

  task a {
    writes  = "a"
    publish = true
    sql     = file("/proc/self/environ")
  }

  task b {
    writes  = "b"
    publish = true
    sql     = file("../../etc/passwd")
  }

  task c {
    writes  = "c"
    publish = true
    sql     = file("../sql/c.sql")
  }
}
)");
  Result r = flowc("check " + dir.string() + " --format github");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("line=7,col=20,endLine=7,endColumn=40,title=E0202::`/proc/self/environ` is an absolute path") !=
        std::string::npos);
  CHECK(r.out.find("line=13,col=20,endLine=13,endColumn=38,title=E0202::`../../etc/passwd` is outside the project") !=
        std::string::npos);
  CHECK(r.out.find("line=19") == std::string::npos);  // ../sql/c.sql is inside
  CHECK(r.out.find("environ") == r.out.rfind("environ"));  // named once, never read
}

TEST_CASE("a folder holding several projects: plan, db start and db stop refuse alike, exit 2") {
  fs::path dir = scratch("several");
  for (const char* name : {"one", "two"}) {
    fs::create_directories(dir / name);
    write(dir / name / "flow.project", std::string("project ") + name + " {\n}\n");
    write(dir / name / "w.flow", "workflow w {\n  owner = \"o\"\n}\n");
  }
  std::string expected = "flowc: `" + dir.string() + "` holds 2 projects; name one project directory\n";
  for (const char* command : {"plan", "db start", "db stop"}) {
    CAPTURE(command);
    Result r = flowc(std::string(command) + " " + dir.string());
    CHECK(r.exit_code == 2);
    CHECK(r.err == expected);
    CHECK(r.out.empty());
  }
  CHECK_FALSE(fs::exists(dir / ".flow"));
  CHECK_FALSE(fs::exists(dir / "one" / ".flow"));
}

TEST_CASE("schedule --env that no target declares is said once, however many workflows are scheduled") {
  // examples/platform schedules two workflows on one target.
  Result r = flowc("schedule " + std::string(FLOWC_SOURCE_DIR) + "/examples/platform --env nope");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: no environment `nope` on target `warehouse` (it has: dev, staging)\n");
}
