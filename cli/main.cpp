// flowc: the process around the command line (command_line.h): the
// environment libpq reads, the checked output, and the last resort for an
// exception no command caught. Every command lives in its own file behind
// cli/commands.h.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>

#include "cli/checked_output.h"
#include "cli/command_line.h"
#include "cli/masked_errors.h"
#include "runtime/connect/secrets.h"

extern char** environ;

namespace {

/// Seconds libpq may take to connect, unless PGCONNECT_TIMEOUT or the DSN says.
constexpr const char* kDefaultConnectTimeout = "10";

/// Parses the command line and runs the command; its exit code.
int run_command(int argc, char** argv) {
  // A database that accepts the connection and never answers (a host gone
  // behind a firewall, a hung server) would otherwise hold a run, a worker
  // or a check forever: libpq's connect timeout is infinite by default.
  // Set before any thread starts; a DSN's own connect_timeout still wins.
  ::setenv("PGCONNECT_TIMEOUT", kDefaultConnectTimeout, /*overwrite=*/0);
  // flowc's sessions name themselves in pg_stat_activity, so that an
  // operator can tell whose locks and queries they are.
  ::setenv("PGAPPNAME", "flowc", /*overwrite=*/0);
  flowc::cli::CommandLine command_line;
  if (std::optional<int> said = command_line.parse(argc, argv)) return *said;
  return command_line.dispatch();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace flowc::cli;
  // A write to a pipe whose reader has gone (a child such as Graphviz `dot`
  // or an alert command that exits without reading its stdin, a client of
  // `flowc lsp`) fails with EPIPE, which the writer reports, instead of
  // killing flowc without a word. Children get SIGPIPE back (run_process).
  ::signal(SIGPIPE, SIG_IGN);
  // Every command's result goes through std::cout; a write that failed (a
  // full disk, a closed descriptor) must not end in exit 0 with the result lost.
  CheckedOutput out(STDOUT_FILENO, ::isatty(STDOUT_FILENO) == 1);
  std::streambuf* previous = std::cout.rdbuf(&out);
  // Whatever a command writes to stderr, a DSN given on its command line
  // shows no password, also where an argument is echoed as a path or a name.
  std::streambuf* previous_errors = std::cerr.rdbuf();
  std::optional<MaskedErrors> masked_errors;
  if (auto masks = argument_masks(argc, argv); !masks.empty()) {
    masked_errors.emplace(previous_errors, std::move(masks));
    std::cerr.rdbuf(&*masked_errors);
  }
  int exit_code = kExitUsage;
  try {
    exit_code = run_command(argc, argv);
  } catch (const std::exception& e) {
    // Every command reports its own failures; what reaches here is the
    // system refusing a resource (a thread, memory). One line and exit 2
    // instead of an abort; a run left behind is finished by `flowc retry`.
    // Whatever it quotes, no password of a DSN given on the command line
    // or in the environment (where env() reads them) is printed.
    std::vector<std::string> secrets;
    auto add_passwords = [&](const std::string& dsn) {
      for (std::string& password : flowc::runtime::passwords_in(dsn)) secrets.push_back(std::move(password));
    };
    for (int i = 1; i < argc; ++i) add_passwords(argv[i]);
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      std::string_view variable(*entry);
      std::string value(variable.substr(variable.find('=') + 1));
      add_passwords(value);
      if (variable.starts_with("PGPASSWORD=")) secrets.push_back(value);
    }
    std::cerr << "flowc: " << flowc::runtime::without_secrets(e.what(), secrets) << "\n";
  }
  std::cout.flush();
  std::cout.rdbuf(previous);
  std::cerr.flush();
  std::cerr.rdbuf(previous_errors);
  // A reader that has gone (`flowc plan | head`) took what it wanted: the
  // rest is dropped without a word, and the exit code is the command's own.
  if (out.error() != 0 && out.error() != EPIPE) {
    std::cerr << "flowc: cannot write the output: " << std::strerror(out.error()) << "\n";
    return kExitUsage;
  }
  return exit_code;
}
