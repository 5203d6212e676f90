// Reading a file a test wrote, or one of the source tree it checks: the
// one way the tests do it.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace flowc::testing {

/// The bytes of the file at `path`; "" when it cannot be read (the test
/// then fails on what it expected to find there).
inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The first line of the file at `path`, without its newline.
inline std::string file_first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace flowc::testing
