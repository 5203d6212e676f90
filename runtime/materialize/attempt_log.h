// The attempt log: one plain-text file per attempt (AttemptContext::log_path),
// written as the attempt goes, so a crash leaves everything up to it. It
// holds the SQL sent with its parameters, notices, row counts, timings,
// expectation values, command output and the error; secret values given to
// `redact` are replaced by `***` in everything written, and the runner never
// hands it the DSN. A log that cannot be written says why (`error()`): the
// runner reports it with the attempt, never silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowc::runtime {

class AttemptLog {
 public:
  /// Opens `path` for appending, creating its parent directories. An empty
  /// path gives a log that writes nothing. One that cannot be opened writes
  /// nothing either, and `error()` says why: the attempt itself must not
  /// fail for want of a log.
  explicit AttemptLog(const std::string& path);
  ~AttemptLog();
  AttemptLog(const AttemptLog&) = delete;
  AttemptLog& operator=(const AttemptLog&) = delete;

  /// Why the log is missing or incomplete, in one line naming its path
  /// (`cannot write /p/.flow/logs/4/t.1.log: No space left on device`); ""
  /// while everything was written. After the first failure nothing more is
  /// written.
  [[nodiscard]] const std::string& error() const { return error_; }

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
  /// `cut_short`: the output was cut (a cap on its size), so text it ends
  /// with that begins a redacted value is the part of that value before the
  /// cut, and is written `***`.
  void end_output(bool cut_short = false);

  /// `text` with every redacted value replaced by `***`.
  [[nodiscard]] std::string scrub(std::string_view text) const;

 private:
  /// The largest cut <= `cut` such that no redacted value that occurs in
  /// `text`, or may continue past its end, starts before the cut and ends
  /// after it.
  [[nodiscard]] size_t secret_free_cut(std::string_view text, size_t cut) const;
  void write_output(std::string_view text);
  /// Writes `text` whole, or records the error and closes the file.
  void write(std::string_view text);
  [[nodiscard]] bool open() const { return fd_ >= 0; }

  std::string path_;
  int fd_ = -1;
  std::string error_;
  std::vector<std::string> secrets_;
  bool short_secret_noted_ = false;  // the log says once that short secrets withhold lines
  std::string pending_output_;  // output not yet written, see `output`
};

}  // namespace flowc::runtime
