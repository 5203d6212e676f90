// killed_harness OUT: a process that starts what an integration test's
// process starts (the test cluster, through pg_harness, and a private
// cluster of a project in one of its scratch directories), writes the
// directory that holds both to OUT and waits to be killed. harness_test.cpp
// kills it with SIGKILL, as a CTest timeout does, and checks what is left.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/localpg/localpg.h"
#include "tests/support/pg_harness.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: killed_harness OUT\n");
    return 2;
  }
  flowc::testing::fresh_database("killed");
  const std::string project = flowc::testing::scratch_dir("killed");
  std::string error;
  if (!flowc::runtime::localpg::ensure_running(project + "/pg", error)) {
    std::fprintf(stderr, "killed_harness: %s\n", error.c_str());
    return 1;
  }
  std::ofstream out(argv[1]);
  out << std::filesystem::path(flowc::testing::test_cluster_dir()).parent_path().string() << "\n"
      << flowc::testing::test_cluster_dir() << "\n"
      << project << "/pg\n";
  out.close();
  for (;;) ::pause();
}
