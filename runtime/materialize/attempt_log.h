// The attempt log: one plain-text file per attempt (AttemptContext::log_path),
// written as the attempt goes, so a crash leaves everything up to it. It
// holds the SQL sent with its parameters, notices, row counts, timings,
// expectation values, command output and the error; secret values given to
// `redact` are replaced by `***` in everything written, and the runner never
// hands it the DSN.
#pragma once

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace flowc::runtime {

class AttemptLog {
 public:
  /// Opens `path` for appending, creating its parent directories. An empty
  /// path, or one that cannot be opened, gives a log that writes nothing
  /// (the attempt itself must not fail for want of a log).
  explicit AttemptLog(const std::string& path);

  /// Replaces every later occurrence of `value` (non-empty) with `***`, and
  /// of its password when it is a connection string (libpq's keyword or URI
  /// form).
  void redact(std::string value);

  /// One timestamped line.
  void line(std::string_view text);

  /// A timestamped title and a multi-line body, each body line indented.
  void block(std::string_view title, std::string_view body);

  /// `text` with every redacted value replaced by `***`.
  [[nodiscard]] std::string scrub(std::string_view text) const;

 private:
  std::ofstream out_;
  std::vector<std::string> secrets_;
};

}  // namespace flowc::runtime
