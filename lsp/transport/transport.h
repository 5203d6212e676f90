// Moving framed JSON-RPC messages between the server and its client. The
// server talks to a Transport, so tests and the fuzzer drive it in memory and
// `flowc lsp` over stdin/stdout.
#pragma once

#include <string>
#include <string_view>

#include "lsp/transport/framing.h"

namespace flowc::lsp {

/// What one read produced.
struct ReadResult {
  enum class Kind {
    Frame,    // `frame` holds a message body or a framing error
    Timeout,  // nothing arrived within the timeout
    Closed,   // the client closed the stream (or reading failed)
  } kind = Kind::Closed;
  Frame frame;
};

/// A bidirectional message channel.
class Transport {
 public:
  virtual ~Transport() = default;
  /// The next frame, waiting at most `timeout_ms` (negative: forever, 0: only
  /// what is already available). Never throws.
  virtual ReadResult read(int timeout_ms) = 0;
  /// Sends one message body (framing added). Returns false when the client is
  /// gone; the server then stops.
  virtual bool write(std::string_view body) = 0;
};

/// Framed messages over two file descriptors (stdin and stdout for `flowc lsp`).
class FdTransport final : public Transport {
 public:
  FdTransport(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}
  ReadResult read(int timeout_ms) override;
  bool write(std::string_view body) override;

 private:
  int in_fd_;
  int out_fd_;
  FrameDecoder decoder_;
  bool eof_ = false;
};

}  // namespace flowc::lsp
