#include <poll.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>

#include "lsp/transport/transport.h"

namespace flowc::lsp {

namespace {

using Clock = std::chrono::steady_clock;

/// Milliseconds left until `deadline` for poll(): -1 when there is no deadline.
int remaining_ms(bool forever, Clock::time_point deadline) {
  if (forever) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

ReadResult FdTransport::read(int timeout_ms) {
  bool forever = timeout_ms < 0;
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(forever ? 0 : timeout_ms);
  for (;;) {
    if (std::optional<Frame> frame = decoder_.next()) return {ReadResult::Kind::Frame, std::move(*frame)};
    if (eof_) {
      if (decoder_.pending_bytes() > 0) {
        // A message cut off by the end of the stream: report it once.
        decoder_ = FrameDecoder();
        return {ReadResult::Kind::Frame, {Frame::Kind::Error, "the stream ended inside a message"}};
      }
      return {ReadResult::Kind::Closed, {}};
    }
    pollfd pfd{in_fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, remaining_ms(forever, deadline));
    if (ready < 0) {
      if (errno == EINTR) continue;
      eof_ = true;
      continue;
    }
    if (ready == 0) return {ReadResult::Kind::Timeout, {}};
    char chunk[65536];
    ssize_t n = ::read(in_fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      eof_ = true;
      continue;
    }
    decoder_.feed(std::string_view(chunk, static_cast<size_t>(n)));
  }
}

bool FdTransport::write(std::string_view body) {
  std::string bytes = encode_frame(body);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(out_fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace flowc::lsp
