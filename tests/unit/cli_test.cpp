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

#include "tests/unit/cli_support.h"

namespace fs = std::filesystem;
using namespace cli_testing;

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
      {"plan --ds", "flowc: --ds: needs a value (write it after the option) (run `flowc plan --help`)\n"},
      {"check --strict --strict /tmp",
       "flowc: --strict given 2 times; give it once (run `flowc check --help`)\n"},
      {"fmt --check --check /tmp", "flowc: --check given 2 times; give it once (run `flowc fmt --help`)\n"},
      {"run --dry-run --dry-run /tmp",
       "flowc: --dry-run given 2 times; give it once (run `flowc run --help`)\n"},
      {"backfill --force --force /tmp",
       "flowc: --force given 2 times; give it once (run `flowc backfill --help`)\n"},
      {"schedule --once --once /tmp",
       "flowc: --once given 2 times; give it once (run `flowc schedule --help`)\n"},
      {"fmt --check=false /tmp",
       "flowc: --check takes no value: write `--check` alone, or leave it out (run `flowc fmt --help`)\n"},
      {"check --strict=0 /tmp",
       "flowc: --strict takes no value: write `--strict` alone, or leave it out (run `flowc check "
       "--help`)\n"},
      {"fmt --check=true /tmp",
       "flowc: --check takes no value: write `--check` alone, or leave it out (run `flowc fmt --help`)\n"},
      {"fmt --check= /tmp",
       "flowc: --check takes no value: write `--check` alone, or leave it out (run `flowc fmt --help`)\n"},
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

TEST_CASE("a link to a file outside the project, .flow or file(), is refused and never printed") {
  // /proc/self/environ holds every environment variable, secrets included:
  // through a link, `check` would echo its lines and `plan` its text.
  fs::path dir = scratch("links");
  write(dir / "flow.project", "project p {}\n");
  write(dir / "w.flow",
        "workflow w {\n  owner = \"x\"\n  task t {\n    writes  = \"t\"\n"
        "    sql     = file(\"sql/q.sql\")\n    publish = true\n  }\n}\n");
  fs::create_directories(dir / "sql");
  fs::create_symlink("/proc/self/environ", dir / "sql" / "q.sql");
  Result r = flowc("check " + dir.string(), Launch{"FLOWC_TEST_SECRET=hunter2-secret"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("`sql/q.sql` is a link to a file outside the project") != std::string::npos);
  CHECK(r.err.find("hunter2-secret") == std::string::npos);
  CHECK(r.out.find("hunter2-secret") == std::string::npos);

  // A link inside the project is the project's.
  fs::remove(dir / "sql" / "q.sql");
  write(dir / "sql" / "real.sql", "select 1 as n\n");
  fs::create_symlink("real.sql", dir / "sql" / "q.sql");
  CHECK(flowc("check " + dir.string()).exit_code == 0);

  fs::create_symlink("/proc/self/environ", dir / "evil.flow");
  Result flow = flowc("check " + dir.string(), Launch{"FLOWC_TEST_SECRET=hunter2-secret"});
  CHECK(flow.exit_code == 2);
  CHECK(flow.err.find("evil.flow: a link to a file outside the project") != std::string::npos);
  CHECK(flow.err.find("hunter2-secret") == std::string::npos);
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

TEST_CASE("check of several projects ends with one summary line for them all") {
  fs::path dir = scratch("several");
  for (const char* name : {"a", "b"}) {
    fs::create_directories(dir / name);
    write(dir / name / "flow.project", std::string("project ") + name + " {\n}\n");
    // W0405: a legacy job without owner, consumers and rollback.
    write(dir / name / "jobs.flow", "legacy job {\n  writes = [\"t\"]\n}\n");
  }
  Result r = flowc("check " + (dir / "a").string() + " " + (dir / "b").string());
  CHECK(r.exit_code == 0);
  CHECK(count(r.err, "warning[W0405]") == 2);
  CHECK(count(r.err, "emitted") == 1);
  CHECK(r.err.ends_with("\nwarning: 2 warnings emitted\n"));
  Result whole = flowc("check " + dir.string());
  CHECK(count(whole.err, "emitted") == 1);
  CHECK(whole.err.ends_with("\nwarning: 2 warnings emitted\n"));
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

TEST_CASE("doc without PATH outside a project looks in the stdlib only, never in the tree below") {
  // Run from a home directory or /tmp, walking below would read strangers'
  // files (and a FIFO among them would stop it).
  fs::path dir = scratch("doc-anywhere");
  fs::create_directories(dir / "sub");
  REQUIRE(::mkfifo((dir / "sub" / "pipe.flow").c_str(), 0600) == 0);
  write(dir / "sub" / "z.flow", "workflow zz {\n  owner = \"x\"\n}\n");
  Result stdlib = flowc("doc unique", Launch{"cd " + dir.string() + " &&"});
  CHECK(stdlib.exit_code == 0);
  CHECK(stdlib.out.find("fn unique(cols: column...) -> expectation") != std::string::npos);
  Result other = flowc("doc zz", Launch{"cd " + dir.string() + " &&"});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("no declaration named `zz`") != std::string::npos);
  // Given as PATH, the directory is the project, as for every command.
  fs::remove(dir / "sub" / "pipe.flow");
  CHECK(flowc("doc zz " + (dir / "sub").string()).exit_code == 0);
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

TEST_CASE("an unreadable .sql file is an environment error, a missing one stays E0101") {
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
  // `--workflow=` with nothing after `=` took the next argument as its value
  // (`plan --workflow= DIR` planned DIR's workflow, exit 0).
  for (const std::string& args : {"plan --workflow= " + project, "plan --env= --ds 2026-01-01 " + project,
                                  "check --format= --strict " + project}) {
    CAPTURE(args);
    Result r = flowc(args);
    CHECK(r.exit_code == 2);
    const std::string flag = args.substr(args.find("--"), args.find('=') - args.find("--"));
    CHECK(r.err ==
          "flowc: " + flag + ": must not be empty (write a value after `=`, or leave the option out)\n");
    CHECK(r.out.empty());
  }
  // After `--`, an argument is no option, `--x=` included: a path here.
  Result after_dashes = flowc("check -- --x=");
  CHECK(after_dashes.exit_code == 2);
  CHECK(after_dashes.err == "flowc: --x=: no such file or directory\n");
  Result import = flowc("inventory --import \"\" " + project);
  CHECK(import.exit_code == 2);
  CHECK(import.err == "flowc: --import: must not be empty (write --import crontab FILE)\n");
  CHECK(import.out.empty());
  CHECK(flowc("backfill " + project + " --from \"\" --to 2026-01-01").exit_code == 2);
  CHECK(flowc("run " + project + " --state-dsn \"\"").exit_code == 2);
  // A required argument that is "" names nothing: `cutover ""` checked the default workflow.
  for (const std::string command : {"cutover \"\" ", "status \"\" ", "retry \"\" ", "impact \"\" ", "doc \"\" "}) {
    CAPTURE(command);
    Result r = flowc(command + project);
    CHECK(r.exit_code == 2);
    CHECK(r.err.ends_with(": must not be empty (give a value)\n"));
    CHECK(r.out.empty());
  }
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

TEST_CASE("inventory: one positional argument, --import reads a pipe or stdin and takes no --format") {
  fs::path project = copy_example("inventory-args");
  const std::string crontab = (project / "legacy" / "crontab").string();
  Result format = flowc("inventory --import crontab " + crontab + " --format json");
  CHECK(format.exit_code == 2);
  CHECK(format.out.empty());
  Result extra = flowc("inventory " + project.string() + " extra");
  CHECK(extra.exit_code == 2);
  CHECK(extra.err == "flowc: The following argument was not expected: extra (run `flowc inventory --help`)\n");
  Result import_extra = flowc("inventory --import crontab " + crontab + " extra");
  CHECK(import_extra.exit_code == 2);
  CHECK(import_extra.err == "flowc: --import reads one FILE and takes no project, but got two: " + crontab +
                                " and extra (run `flowc inventory --help`)\n");
  Result project_first = flowc("inventory extra --import crontab " + crontab);
  CHECK(project_first.exit_code == 2);
  CHECK(project_first.err == "flowc: --import reads one FILE and takes no project, but got two: extra and " +
                                 crontab + " (run `flowc inventory --help`)\n");
  // A directory of several projects: one inventory is one document.
  fs::path several = project.parent_path() / "inventory-several";
  fs::create_directories(several);
  fs::copy(project, several / "a", fs::copy_options::recursive);
  fs::copy(project, several / "b", fs::copy_options::recursive);
  Result two = flowc("inventory " + several.string() + " --format json");
  CHECK(two.exit_code == 2);
  CHECK(two.out.empty());
  CHECK(two.err == "flowc: `" + several.string() + "` holds 2 projects; name one project directory\n");

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
  // Worded as every command words a missing path.
  Result missing = flowc("inventory --import crontab " + (project / "nothing").string());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "flowc: " + (project / "nothing").string() + ": no such file or directory\n");
}

TEST_CASE("inventory --import of a crontab that is not UTF-8 says where, by line and column") {
  fs::path dir = scratch("import-latin1");
  write(dir / "crontab", "0 1 * * * /opt/a.sh\n# T\xe4glich Sicherung\n");
  Result r = flowc("inventory --import crontab " + (dir / "crontab").string());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "flowc: " + (dir / "crontab").string() +
                     ":2:4: not a text file (invalid UTF-8 here; save it as UTF-8)\n");
}

TEST_CASE("inventory --import says its warnings in the crontab's line order, a NUL byte's included") {
  fs::path dir = scratch("import-order");
  const char text[] =
      "0 1 * * * /opt/a.sh\nCRON_TZ=Mars/Olympus\n0 2 * * * /opt/b\0.sh\n61 * * * * /opt/c.sh\n";
  write(dir / "crontab", std::string(text, sizeof text - 1));
  Result r = flowc("inventory --import crontab " + (dir / "crontab").string());
  CHECK(r.exit_code == 0);
  const std::string file = (dir / "crontab").string();
  CHECK(r.err.starts_with("warning: " + file + ":2: unknown time zone `Mars/Olympus` in CRON_TZ\n" +
                          "warning: " + file + ":3: a NUL byte, removed (a .flow string cannot hold one)\n" +
                          "warning: " + file + ":4: invalid schedule `61 * * * *`"));
}

TEST_CASE("inventory --import inside a project gives no job a name the project already declares") {
  fs::path project = copy_example("import-names");
  write(project / "jobs.crontab",
        "0 1 * * * /opt/warehouse.sh\n0 2 * * * /opt/daily_kpi.sh\n0 3 * * * /opt/other.sh\n");
  Result r =
      flowc("inventory --import crontab jobs.crontab", Launch{.before = "cd " + project.string() + " &&"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("legacy warehouse_job {\n") != std::string::npos);  // target warehouse
  CHECK(r.out.find("legacy daily_kpi_job {\n") != std::string::npos);  // workflow daily_kpi
  CHECK(r.out.find("legacy other {\n") != std::string::npos);

  // The project is the crontab's, wherever the import runs: from the
  // directory above it, and from a directory inside it.
  fs::path legacy_dir = project / "legacy";
  fs::create_directories(legacy_dir);
  write(legacy_dir / "jobs.crontab", "0 1 * * * /opt/warehouse.sh\n");
  for (const std::string& cwd : {project.parent_path().string(), legacy_dir.string()}) {
    CAPTURE(cwd);
    Result elsewhere = flowc("inventory --import crontab " + (legacy_dir / "jobs.crontab").string(),
                             Launch{.before = "cd " + cwd + " &&"});
    REQUIRE(elsewhere.exit_code == 0);
    CHECK(elsewhere.out.find("legacy warehouse_job {\n") != std::string::npos);
  }
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

  Result run = flowc("run " + project + " --dsn " + nowhere, Launch{"env -u FLOW_STATE_DSN"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("cannot reach the state database") != std::string::npos);
  CHECK(run.err.find("lost the connection") == std::string::npos);
  CHECK(run.err.find("the state database: cannot reach") == std::string::npos);  // said once
  // Where the state database's DSN came from: the target's, as no other was given.
  CHECK(run.err.ends_with(
      "(its DSN is the target's, --dsn, as neither --state-dsn nor FLOW_STATE_DSN is set)\n"));
  Result state_given = flowc("run " + project + " --dsn postgresql:///x --state-dsn " + nowhere);
  CHECK(state_given.exit_code == 2);
  CHECK(state_given.err.ends_with("Connection refused (its DSN is --state-dsn's)\n"));
}

TEST_CASE("a usage error that echoes the command line never shows a DSN's password") {
  const std::string dsn = "postgresql://u:S3CRETpw12@h/db";
  for (const std::string& args :
       {"plan . --dsn " + dsn, "run . " + dsn, "status " + dsn, dsn, "check --dsn=" + dsn + " ."}) {
    CAPTURE(args);
    Result r = flowc(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("S3CRET") == std::string::npos);
    CHECK(r.err.find("postgresql://u:***@h/db") != std::string::npos);
  }
}

TEST_CASE("a DSN given where a project path or a name goes is echoed without its password") {
  const std::string dsn = "postgresql://u:S3CRETpw12@h/db";
  for (const std::string& args : {"history " + dsn, "status 3 " + dsn, "ops " + dsn, "impact --run 3 " + dsn,
                                  "retry 3 " + dsn + " --dry-run", "db stop " + dsn,
                                  "cutover " + dsn + " " + FLOWC_SOURCE_DIR + "/examples/daily_kpi",
                                  std::string("status 3 \"host=h password=S3CRETpw12\"")}) {
    CAPTURE(args);
    Result r = flowc(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("S3CRET") == std::string::npos);
    CHECK(r.err.find("***") != std::string::npos);
  }
  // A short password is not masked in place (where the `***` falls would
  // say what it is): the argument is not shown at all.
  Result short_one = flowc("history postgresql://u:pw@h/db");
  CHECK(short_one.err == "flowc: (a connection string, not shown): no such file or directory\n");
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

TEST_CASE("lsp --stdio is the server as it is: the flag an editor's stdio transport appends") {
  Result plain = flowc("lsp");
  Result stdio = flowc("lsp --stdio");
  CHECK(stdio.exit_code == plain.exit_code);
  CHECK(stdio.err == plain.err);
  CHECK(stdio.err == "flowc lsp: the input ended without shutdown and exit\n");
  CHECK(flowc("lsp --tcp").exit_code == 2);
}

TEST_CASE("--version alone prints the version, with anything after it a usage error") {
  Result version = flowc("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == "flowc 0.1.0\n");
  Result extra = flowc("--version extra");
  CHECK(extra.exit_code == 2);
  CHECK(extra.out.empty());
  CHECK(extra.err == "flowc: --version takes no other argument (run `flowc --help`)\n");
}
