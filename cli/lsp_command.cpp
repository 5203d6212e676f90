// `flowc lsp`: the language server on stdin/stdout. Only protocol goes to
// stdout; logs go to stderr.
#include <csignal>
#include <unistd.h>

#include "cli/commands.h"
#include "lsp/server/lsp_server.h"
#include "lsp/transport/transport.h"

namespace flowc::cli {

int run_lsp() {
  // A client that goes away must end the server through a failed write, not
  // kill it with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  lsp::FdTransport transport(STDIN_FILENO, STDOUT_FILENO);
  lsp::ServerOptions options;
  lsp::LspServer server(transport, options);
  return server.run();
}

}  // namespace flowc::cli
