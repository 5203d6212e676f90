// The LSP base protocol's framing: `Content-Length: N\r\n\r\n` followed by N
// bytes of JSON. FrameDecoder is pure (bytes in, frames out) so every broken
// stream a client can produce is unit-tested without pipes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace flowc::lsp {

/// One decoded unit of the stream: a message body, or a framing error that
/// the server answers with a Parse error (the message itself is lost).
struct Frame {
  enum class Kind { Message, Error } kind = Kind::Message;
  std::string body;  // Message: the JSON text; Error: what was wrong, for the log and the reply
};

/// Splits a byte stream into frames and recovers from broken framing.
///
/// Recovery rules (a client bug must never hang or kill the server):
/// - bytes before a header block are skipped: whitespace silently, anything
///   else reported as one Error frame when the next header arrives;
/// - a header block without a valid Content-Length yields an Error frame and
///   the decoder skips to the next `Content-Length:` header;
/// - a Content-Length larger than kMaxBody yields an Error frame, then the same;
/// - when a complete new header block appears inside a body (the
///   Content-Length was too large), the truncated body yields an Error frame
///   and decoding resumes at that header. This holds whether the body is still
///   incomplete or its declared length has already arrived (taking in the next
///   message's header and part of its body): the header needs only to start
///   inside the body and to have arrived whole. A raw line feed cannot occur
///   inside a JSON string, and `Content-Length:` cannot occur outside one, so
///   this never splits a valid body.
/// A Content-Length that is too small leaves a truncated body (reported by the
/// JSON parser upstream) followed by garbage, which the first rule skips.
class FrameDecoder {
 public:
  /// The largest body accepted (64 MiB): larger lengths are framing errors.
  static constexpr size_t kMaxBody = size_t{64} << 20;

  /// Appends bytes read from the stream.
  void feed(std::string_view bytes);
  /// The next complete frame, or std::nullopt when more bytes are needed.
  std::optional<Frame> next();
  /// Bytes held that do not form a frame yet (whitespace excluded); at end of
  /// stream a non-zero count means the last message was cut off.
  [[nodiscard]] size_t pending_bytes() const;

 private:
  /// Drops everything before the next `Content-Length:` header (case-insensitive),
  /// keeping a tail that may be the start of one. Returns false when none is buffered.
  bool skip_to_header();
  void compact();

  std::string buffer_;
  size_t pos_ = 0;
  size_t scanned_ = 0;  // an incomplete body was searched for a new header up to here
  size_t garbage_ = 0;  // bytes skipped since the last frame, not reported yet
  bool resyncing_ = false;
};

/// The bytes of one framed message carrying `body`.
std::string encode_frame(std::string_view body);

}  // namespace flowc::lsp
