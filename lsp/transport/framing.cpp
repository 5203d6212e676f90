#include "lsp/transport/framing.h"

#include <algorithm>
#include <cctype>

#include "compiler/source/ascii.h"

namespace flowc::lsp {

namespace {

constexpr std::string_view kLengthHeader = "content-length:";
// A header block longer than this is not a header block.
constexpr size_t kMaxHeaderBlock = 8192;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Case-insensitive search for `needle` (lower-case) in `hay` from `from`.
size_t find_nocase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (ascii_lower(hay[i]) != needle[0]) continue;  // the common case, kept cheap: bodies are scanned too
    size_t k = 1;
    while (k < needle.size() && ascii_lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

/// The end of the header block starting at `from`: the index of the blank
/// line's first byte and the terminator's length ("\r\n\r\n" or "\n\n").
struct HeaderEnd {
  size_t at = std::string_view::npos;
  size_t length = 0;
};

HeaderEnd find_header_end(std::string_view text, size_t from) {
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] != '\n') continue;
    // A line feed ends a line; the next line is empty when it is "\r\n" or "\n".
    if (i + 1 < text.size() && text[i + 1] == '\n') return {i + 1, 1};
    if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') return {i + 1, 2};
  }
  return {};
}

/// What the header block [begin, end) says: the Content-Length, or an error.
struct Headers {
  std::optional<size_t> length;
  std::string error;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Headers parse_headers(std::string_view block) {
  Headers out;
  while (!block.empty()) {
    size_t nl = block.find('\n');
    std::string_view line = trim(block.substr(0, nl));
    block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      out.error = "malformed header line (no `:`)";
      return out;
    }
    const std::string name = ascii_lower(trim(line.substr(0, colon)));
    if (name != "content-length") continue;  // Content-Type and unknown headers are allowed
    std::string_view value = trim(line.substr(colon + 1));
    size_t n = 0;
    bool ok = !value.empty() && value.size() <= 12;
    for (char c : value) {
      if (c < '0' || c > '9') {
        ok = false;
        break;
      }
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    if (!ok) {
      out.error = "invalid Content-Length `" + std::string(value.substr(0, 32)) + "`";
      return out;
    }
    if (n > FrameDecoder::kMaxBody) {
      out.error = "Content-Length " + std::to_string(n) + " is larger than the limit";
      return out;
    }
    out.length = n;
  }
  if (!out.length) out.error = "missing Content-Length header";
  return out;
}

/// True when text[at..] is a complete `Content-Length: <digits>` header block
/// (digits, line end, any further header lines, blank line).
bool complete_header_at(std::string_view text, size_t at) {
  size_t i = at + kLengthHeader.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  size_t digits = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == digits) return false;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
  if (i >= text.size() || text[i] != '\n') return false;
  HeaderEnd end = find_header_end(text, i);
  return end.at != std::string_view::npos && end.at - at <= kMaxHeaderBlock;
}

}  // namespace

void FrameDecoder::feed(std::string_view bytes) { buffer_.append(bytes); }

size_t FrameDecoder::pending_bytes() const {
  size_t n = garbage_;
  for (size_t i = pos_; i < buffer_.size(); ++i) n += is_space(buffer_[i]) ? 0 : 1;
  return n;
}

void FrameDecoder::compact() {
  if (pos_ == 0) return;
  if (pos_ >= buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
    scanned_ = 0;
  } else if (pos_ > 65536 || pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    scanned_ = scanned_ > pos_ ? scanned_ - pos_ : 0;
    pos_ = 0;
  }
}

bool FrameDecoder::skip_to_header() {
  size_t at = find_nocase(buffer_, kLengthHeader, pos_);
  if (at == std::string::npos) {
    // Keep a tail that may be the beginning of the header split across reads.
    size_t keep = kLengthHeader.size() - 1;
    if (buffer_.size() - pos_ > keep) pos_ = buffer_.size() - keep;
    return false;
  }
  pos_ = at;
  return true;
}

std::optional<Frame> FrameDecoder::next() {
  std::optional<Frame> out;
  for (;;) {
    if (resyncing_) {
      if (!skip_to_header()) break;
      resyncing_ = false;
    }
    while (pos_ < buffer_.size() && is_space(buffer_[pos_])) ++pos_;
    if (pos_ >= buffer_.size()) break;
    std::string_view text(buffer_);
    // A header block starts with a header name; anything else is garbage up
    // to the next Content-Length header.
    size_t i = pos_;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '-')) ++i;
    bool header_like = i == text.size() || (i > pos_ && text[i] == ':');
    if (!header_like) {
      // Garbage: count it, and report it once, when the next header shows up.
      size_t begin = pos_;
      bool found = skip_to_header();
      garbage_ += pos_ - begin;
      scanned_ = 0;
      if (!found) break;
    }
    if (garbage_ > 0) {
      out = Frame{Frame::Kind::Error,
                  "skipped " + std::to_string(garbage_) + " bytes that are not a message header"};
      garbage_ = 0;
      break;
    }
    HeaderEnd end = find_header_end(text, pos_);
    if (end.at == std::string_view::npos) {
      if (text.size() - pos_ > kMaxHeaderBlock) {
        pos_ = buffer_.size();
        resyncing_ = true;
        out = Frame{Frame::Kind::Error, "header block too long"};
      }
      break;
    }
    Headers headers = parse_headers(text.substr(pos_, end.at - pos_));
    size_t body_begin = end.at + end.length;
    if (!headers.error.empty()) {
      pos_ = body_begin;
      resyncing_ = true;
      out = Frame{Frame::Kind::Error, headers.error};
      break;
    }
    // A complete new message header inside the body means the declared
    // length was too large: the body ends there, whether or not all of its
    // declared bytes have arrived (they would swallow the next message).
    // Searching resumes where the last call stopped: a large body arrives in
    // many reads.
    size_t body_end = body_begin + *headers.length;
    bool complete = text.size() >= body_end;
    size_t from = std::max(body_begin, scanned_);
    size_t limit = complete ? body_end : text.size();
    bool cut = false;
    for (size_t at = find_nocase(text, kLengthHeader, from); at != std::string_view::npos && at < limit;
         at = find_nocase(text, kLengthHeader, at + 1)) {
      if (complete_header_at(text, at)) {
        pos_ = at;
        cut = true;
        break;
      }
    }
    if (cut) {
      scanned_ = 0;
      out = Frame{Frame::Kind::Error,
                  "message body shorter than its Content-Length (" + std::to_string(*headers.length) + ")"};
      break;
    }
    if (complete) {
      out = Frame{Frame::Kind::Message, std::string(text.substr(body_begin, *headers.length))};
      pos_ = body_end;
      scanned_ = 0;
      break;
    }
    // Incomplete: wait for more. A header may still be arriving in the last
    // kMaxHeaderBlock bytes, so those are searched again next time.
    scanned_ =
        text.size() > kMaxHeaderBlock ? std::max(body_begin, text.size() - kMaxHeaderBlock) : body_begin;
    break;
  }
  compact();
  return out;
}

std::string encode_frame(std::string_view body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace flowc::lsp
