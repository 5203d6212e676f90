// Standard error that never shows a password given on the command line:
// every message that echoes an argument (a DSN given where a project path
// or a name goes, `flowc history postgresql://u:pw@h/db`) prints it masked,
// whichever command and whichever line of it quotes it (cli.md "A usage
// error never shows a password").
#pragma once

#include <mutex>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowc::cli {

/// What to print instead of each command-line argument that holds a
/// password: the argument with the password as `***`, or, for a password
/// shorter than runtime::kShortPassword (masking it in place would spell
/// out where it is), "(a connection string, not shown)". For `--opt=value`
/// the value is the argument. Empty when no argument holds a password.
std::vector<std::pair<std::string, std::string>> argument_masks(int argc, const char* const* argv);

/// A streambuf that replaces each masked argument in what passes through
/// it, then hands it to `target`. What one output operation writes is
/// replaced whole (std::cerr flushes after each); safe to share between
/// threads.
class MaskedErrors final : public std::streambuf {
 public:
  MaskedErrors(std::streambuf* target, std::vector<std::pair<std::string, std::string>> masks)
      : target_(target), masks_(std::move(masks)) {}
  MaskedErrors(const MaskedErrors&) = delete;
  MaskedErrors& operator=(const MaskedErrors&) = delete;
  ~MaskedErrors() override { sync(); }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* text, std::streamsize n) override;
  int sync() override;

 private:
  /// Masks and writes out what is pending: all of it, or its whole lines.
  /// Called with mutex_ held.
  bool drain(bool all);

  std::streambuf* target_;
  std::vector<std::pair<std::string, std::string>> masks_;
  std::mutex mutex_;
  std::string pending_;
};

}  // namespace flowc::cli
