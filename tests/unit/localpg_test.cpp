// The embedded cluster against the real PostgreSQL server binaries.
#include "runtime/localpg/localpg.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "runtime/process/process.h"

using namespace flowc::runtime;

TEST_CASE("a private cluster is created once, reused, answers on its socket and stops") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("flowc-localpg-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::all);  // the postgres user must reach it as root
  std::string pg = (dir / "pg").string();

  auto cluster = localpg::ensure_running(pg, error);
  REQUIRE_MESSAGE(cluster, error);
  CHECK(cluster->found == localpg::Found::Missing);
  ProcessOptions psql;
  psql.argv = {"psql", cluster->dsn(), "-XAtc", "select 40 + 2"};
  psql.env = {"PATH=/usr/bin:/bin"};
  ProcessResult r = run_process(psql);
  CHECK(r.output == "42\n");

  auto again = localpg::ensure_running(pg, error);  // already running: reused
  REQUIRE(again);
  CHECK(again->dsn() == cluster->dsn());
  CHECK(again->found == localpg::Found::Running);

  CHECK(localpg::stop(pg, error));
  CHECK(run_process(psql).exit_code != 0);  // stopped: nothing answers
  auto restarted = localpg::ensure_running(pg, error);
  REQUIRE_MESSAGE(restarted, error);
  CHECK(restarted->found == localpg::Found::Stopped);
  CHECK(localpg::stop(pg, error));
  CHECK(localpg::stop(pg, error));         // stopping twice is fine
  std::filesystem::remove_all(dir);
}
