// Where attempt logs go: the check before a run, and each run's own
// directory, never shared with a run of another state database that has
// the same id.
#include "runtime/exec/log_dir.h"

#include <sys/stat.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/file_text.h"
#include "tests/support/pg_harness.h"

namespace fs = std::filesystem;
using flowc::runtime::exec::attempt_log_path;
using flowc::runtime::exec::kRunMarker;
using flowc::runtime::exec::log_dir_problem;
using flowc::runtime::exec::run_log_dir;

namespace {

}  // namespace

TEST_CASE("a run's log directory is <run_id> when free or its own, <run_id>-2, -3 ... when another run's") {
  const std::string logs = flowc::testing::scratch_dir("log-dir") + "/.flow/logs";
  const std::string a = "run 1 of w for 2026-11-24, created 2026-11-25T07:00:00.000001Z, in database one";
  const std::string b = "run 1 of w for 2026-11-24, created 2026-11-25T07:00:00.000002Z, in database two";
  const std::string c = "run 1 of w for 2026-11-24, created 2026-11-25T07:00:00.000003Z, in database three";

  auto first = run_log_dir(logs, 1, a);
  CHECK(first.error.empty());
  CHECK(first.path == logs + "/1");
  CHECK(flowc::testing::file_first_line(fs::path(first.path) / kRunMarker) == a);
  CHECK(run_log_dir(logs, 1, a).path == logs + "/1");  // the same run again (a retry, a worker)

  auto second = run_log_dir(logs, 1, b);
  CHECK(second.path == logs + "/1-2");
  CHECK(flowc::testing::file_first_line(fs::path(second.path) / kRunMarker) == b);
  CHECK(run_log_dir(logs, 1, c).path == logs + "/1-3");
  CHECK(run_log_dir(logs, 1, b).path == logs + "/1-2");
  CHECK(run_log_dir(logs, 2, b).path == logs + "/2");

  // A directory without a marker (an earlier flowc's) belongs to some other run.
  fs::create_directories(logs + "/7");
  std::ofstream(logs + "/7/t.1.log") << "an old run 7\n";
  CHECK(run_log_dir(logs, 7, a).path == logs + "/7-2");
  CHECK(flowc::testing::file_first_line(logs + "/7/t.1.log") == "an old run 7");

  // No temporary directory is left behind.
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(logs)) {
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
    ++entries;
  }
  CHECK(entries == 6);  // 1, 1-2, 1-3, 2, 7, 7-2

  CHECK(attempt_log_path(logs + "/1-2", "orders", 3) == logs + "/1-2/orders.3.log");
}

TEST_CASE("a marker that is not a regular file is another run's: never waited on, never read to its end") {
  const std::string logs = flowc::testing::scratch_dir("log-dir-marker") + "/.flow/logs";
  const std::string a = "run 3 of w for 2026-11-24, created 2026-11-25T07:00:00.000001Z, in database one";
  fs::create_directories(logs + "/3");
  fs::create_directories(logs + "/4");
  // A FIFO: opening it to read would wait for a writer that never comes.
  REQUIRE(::mkfifo((logs + "/3/" + kRunMarker).c_str(), 0644) == 0);
  // /dev/zero: one endless line.
  fs::create_symlink("/dev/zero", logs + "/4/" + kRunMarker);
  CHECK(run_log_dir(logs, 3, a).path == logs + "/3-2");
  CHECK(run_log_dir(logs, 4, a).path == logs + "/4-2");
}

TEST_CASE("the log directory check: made if needed, or one line naming the directory and why not") {
  const std::string project = flowc::testing::scratch_dir("log-dir-check");
  CHECK(log_dir_problem(project + "/.flow/logs") == "");
  CHECK(fs::is_directory(project + "/.flow/logs"));
  CHECK(fs::is_empty(project + "/.flow/logs"));  // the probe is gone

  std::ofstream(project + "/file") << "not a directory\n";
  CHECK(log_dir_problem(project + "/file/logs") ==
        "the attempt log directory " + project + "/file/logs cannot be created: Not a directory");
  CHECK(log_dir_problem(project + "/file") ==
        "the attempt log directory " + project + "/file cannot be created: Not a directory");

  // Not UTF-8: PostgreSQL could not store the logs' paths.
  CHECK(log_dir_problem(project + "/bad\xff" + "dir/.flow/logs") ==
        "the attempt log directory " + project +
            "/bad\\xffdir/.flow/logs is not a UTF-8 path: the state database (PostgreSQL) cannot store the "
            "paths of the logs; rename the directory");
  CHECK_FALSE(fs::exists(project + "/bad\xff" + "dir"));
}
