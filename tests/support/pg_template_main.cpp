// pg_template create|remove DIR: the stopped PostgreSQL cluster that CTest
// makes once per suite run (fixture `pg_template`, tests/CMakeLists.txt) and
// that each integration test binary copies instead of running initdb itself
// (pg_harness.cpp, FLOWC_TEST_PG_TEMPLATE). It is made by the embedded-default
// code, as the clusters the tests started before were.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "runtime/localpg/localpg.h"

int main(int argc, char** argv) {
  if (argc != 3 || (std::string_view(argv[1]) != "create" && std::string_view(argv[1]) != "remove")) {
    std::fprintf(stderr, "usage: pg_template create|remove DIR\n");
    return 2;
  }
  const std::string dir = argv[2];
  std::string error;
  // A template left by an interrupted suite is made again: it may be running.
  if (!flowc::runtime::localpg::stop(dir, error)) {
    std::fprintf(stderr, "pg_template: %s\n", error.c_str());
    return 1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (std::string_view(argv[1]) == "remove") {
    std::filesystem::remove(dir + ".lock", ec);  // localpg's lock beside the cluster
    return 0;
  }
  if (!flowc::runtime::localpg::ensure_running(dir, error) || !flowc::runtime::localpg::stop(dir, error)) {
    std::fprintf(stderr, "pg_template: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
