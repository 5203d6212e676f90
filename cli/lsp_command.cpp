// `flowc lsp`: the language server on stdin/stdout. Only protocol goes to
// stdout; logs go to stderr.
#include <malloc.h>
#include <unistd.h>
#include <cstdlib>
#include <string_view>

#include "cli/commands.h"
#include "lsp/server/lsp_server.h"
#include "lsp/transport/transport.h"

namespace flowc::cli {

int run_lsp() {
  // The server re-checks a project after every pause in typing, building and
  // dropping a model of the same size each time. By default glibc hands large
  // blocks back to the kernel and faults them in again on the next check
  // (about a fifth of a re-check of 10,000 tasks); keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  lsp::FdTransport transport(STDIN_FILENO, STDOUT_FILENO);
  lsp::ServerOptions options;
  // FLOWC_LSP_TRACE=1: log what each check costs (stderr, next to the editor's LSP log).
  const char* trace = std::getenv("FLOWC_LSP_TRACE");
  options.trace = trace && *trace && std::string_view(trace) != "0";
  lsp::LspServer server(transport, options);
  return server.run();
}

}  // namespace flowc::cli
