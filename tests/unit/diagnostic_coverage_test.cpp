// Every registered diagnostic code is exercised by a failing golden case and
// has a fixed case, and is documented in docs/diagnostics.md.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/diagnostics/diagnostic.h"
#include "tests/support/file_text.h"

namespace fs = std::filesystem;

namespace {}  // namespace

TEST_CASE("every diagnostic code has a fail_ and an ok_ golden case") {
  // check-db/ holds the cases of `flowc check --db` (E05xx), run against a
  // real database by tests/integration/check_db_test.cpp.
  fs::path golden = fs::path(FLOWC_SOURCE_DIR) / "tests" / "golden";
  std::vector<fs::path> cases;
  for (const char* dir : {"check", "check-db"})
    for (const auto& entry : fs::directory_iterator(golden / dir)) cases.push_back(entry.path());
  for (const flowc::DiagKindInfo& kind : flowc::all_kinds()) {
    std::string code(kind.code);
    bool failing = false;
    bool fixed = false;
    for (const fs::path& path : cases) {
      std::string name = path.filename().string();
      if (name.starts_with("fail_" + code + "_") &&
          flowc::testing::file_text(path).find("[" + code + "]") != std::string::npos) {
        failing = true;
      }
      if (name.starts_with("ok_" + code + "_")) fixed = true;
    }
    CAPTURE(code);
    CHECK_MESSAGE(failing, "no tests/golden/check{,-db}/fail_" << code << "_*.flow case shows " << code);
    CHECK_MESSAGE(fixed, "no tests/golden/check{,-db}/ok_" << code << "_*.flow case");
  }
}

TEST_CASE("every diagnostic code is documented") {
  std::string docs = flowc::testing::file_text(fs::path(FLOWC_SOURCE_DIR) / "docs" / "diagnostics.md");
  for (const flowc::DiagKindInfo& kind : flowc::all_kinds()) {
    CAPTURE(kind.code);
    CHECK(docs.find(std::string(kind.code)) != std::string::npos);
  }
}
