// Standard output that remembers why a write failed (a full disk, a closed
// descriptor, a pipe whose reader has gone), so that `flowc` can exit 2
// instead of claiming success when its result never arrived (cli.md "A
// result that cannot be written is an error").
#pragma once

#include <array>
#include <streambuf>

namespace flowc::cli {

/// A streambuf writing to a file descriptor: buffered, flushed at each
/// newline when `line_buffered` (a terminal), as stdio would. After the
/// first failed write it keeps the errno and discards the rest.
class CheckedOutput final : public std::streambuf {
 public:
  CheckedOutput(int fd, bool line_buffered) : fd_(fd), line_buffered_(line_buffered) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  CheckedOutput(const CheckedOutput&) = delete;
  CheckedOutput& operator=(const CheckedOutput&) = delete;
  ~CheckedOutput() override { sync(); }

  /// The errno of the first write that failed; 0 while every write succeeded.
  [[nodiscard]] int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* text, std::streamsize n) override;
  int sync() override;

 private:
  /// Writes out the buffer; false after a failure (now or before).
  bool drain();

  int fd_;
  bool line_buffered_;
  int error_ = 0;
  std::array<char, 16384> buffer_{};
};

}  // namespace flowc::cli
