// killed_harness OUT [exit]: a process that starts what an integration
// test's process starts (the test cluster, through pg_harness, and a private
// cluster of a project in one of its scratch directories), writes to OUT the
// directory that holds both and then each server's pid, and waits to be
// killed; with `exit`, it exits at once instead, leaving the private cluster
// running as a failed test does. harness_test.cpp checks what is left.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "runtime/localpg/localpg.h"
#include "tests/support/file_text.h"
#include "tests/support/pg_harness.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string_view(argv[2]) != "exit")) {
    std::fprintf(stderr, "usage: killed_harness OUT [exit]\n");
    return 2;
  }
  flowc::testing::fresh_database("killed");
  const std::string project =
      flowc::testing::scratch_dir("killed project");  // a blank in the path, as private_cluster_test has
  std::string error;
  if (!flowc::runtime::localpg::ensure_running(project + "/pg", error)) {
    std::fprintf(stderr, "killed_harness: %s\n", error.c_str());
    return 1;
  }
  const std::string cluster = flowc::testing::test_cluster_dir();
  std::ofstream out(argv[1]);
  out << std::filesystem::path(cluster).parent_path().string() << "\n"
      << flowc::testing::file_first_line(cluster + "/postmaster.pid") << "\n"
      << flowc::testing::file_first_line(project + "/pg/postmaster.pid") << "\n";
  out.close();
  if (argc == 3) return 0;
  for (;;) ::pause();
}
