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

  /// A program's output as it arrives, in chunks that may split lines (and
  /// secrets) anywhere. Each line is written as soon as it is whole, as one
  /// timestamped line `| text`; a partial last line waits for the rest, or
  /// is written in pieces once it passes 64 KiB. Text that may be the start
  /// of a redacted value also waits, so a secret split across chunks (or
  /// across lines) is still replaced whole.
  void output(std::string_view chunk);

  /// Writes what `output` still holds: the last line when it had no newline.
  void end_output();

  /// `text` with every redacted value replaced by `***`.
  [[nodiscard]] std::string scrub(std::string_view text) const;

 private:
  /// The largest cut <= `cut` such that no redacted value that occurs in
  /// `text`, or may continue past its end, starts before the cut and ends
  /// after it.
  [[nodiscard]] size_t secret_free_cut(std::string_view text, size_t cut) const;
  void write_output(std::string_view text);

  std::ofstream out_;
  std::vector<std::string> secrets_;
  std::string pending_output_;  // output not yet written, see `output`
};

}  // namespace flowc::runtime
