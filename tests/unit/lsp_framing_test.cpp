// The LSP transport's framing: Content-Length messages split across reads,
// and every kind of broken framing a client can send, recovered from.
#include "lsp/transport/framing.h"

#include <doctest/doctest.h>

#include <vector>

using flowc::lsp::encode_frame;
using flowc::lsp::Frame;
using flowc::lsp::FrameDecoder;

namespace {

/// Every frame the decoder yields for `input` fed at once.
std::vector<Frame> decode_all(std::string_view input) {
  FrameDecoder d;
  d.feed(input);
  std::vector<Frame> out;
  while (auto f = d.next()) out.push_back(*f);
  return out;
}

bool is_message(const Frame& f, std::string_view body) {
  return f.kind == Frame::Kind::Message && f.body == body;
}
bool is_error(const Frame& f) { return f.kind == Frame::Kind::Error; }

}  // namespace

TEST_CASE("encode_frame writes the byte length, not the character count") {
  CHECK(encode_frame("{}") == "Content-Length: 2\r\n\r\n{}");
  CHECK(encode_frame("\"é\"") == "Content-Length: 4\r\n\r\n\"é\"");
}

TEST_CASE("two messages in one read") {
  auto frames = decode_all(encode_frame("{\"a\":1}") + encode_frame("{\"b\":2}"));
  REQUIRE(frames.size() == 2);
  CHECK(is_message(frames[0], "{\"a\":1}"));
  CHECK(is_message(frames[1], "{\"b\":2}"));
}

TEST_CASE("a message split byte by byte is decoded once complete") {
  std::string bytes = encode_frame("{\"method\":\"x\"}");
  FrameDecoder d;
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    d.feed(bytes.substr(i, 1));
    CHECK_FALSE(d.next().has_value());
  }
  d.feed(bytes.substr(bytes.size() - 1));
  auto f = d.next();
  REQUIRE(f.has_value());
  CHECK(is_message(*f, "{\"method\":\"x\"}"));
  CHECK(d.pending_bytes() == 0);
}

TEST_CASE("header names are case-insensitive and other headers are allowed") {
  auto frames =
      decode_all("content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH: 2\r\n\r\n{}");
  REQUIRE(frames.size() == 1);
  CHECK(is_message(frames[0], "{}"));
}

TEST_CASE("bare line feeds end headers too") {
  auto frames = decode_all("Content-Length: 2\n\n{}");
  REQUIRE(frames.size() == 1);
  CHECK(is_message(frames[0], "{}"));
}

TEST_CASE("a header block without Content-Length is an error, the next message is read") {
  auto frames = decode_all("Content-Type: x\r\n\r\n{\"lost\":true}" + encode_frame("{}"));
  REQUIRE(frames.size() == 2);
  CHECK(is_error(frames[0]));
  CHECK(frames[0].body == "missing Content-Length header");
  CHECK(is_message(frames[1], "{}"));
}

TEST_CASE("a non-numeric, negative or absurd Content-Length is an error") {
  for (std::string_view bad : {"Content-Length: ten\r\n\r\n{}", "Content-Length: -2\r\n\r\n{}",
                               "Content-Length: 99999999999\r\n\r\n{}"}) {
    auto frames = decode_all(std::string(bad) + encode_frame("[1]"));
    REQUIRE(frames.size() == 2);
    CHECK(is_error(frames[0]));
    CHECK(is_message(frames[1], "[1]"));
  }
}

TEST_CASE("garbage between messages is skipped and reported once") {
  FrameDecoder d;
  d.feed("this is not a header\r\n");
  CHECK_FALSE(d.next().has_value());  // reported when the next header shows up
  CHECK(d.pending_bytes() > 0);
  d.feed(encode_frame("{}"));
  auto error = d.next();
  REQUIRE(error.has_value());
  CHECK(is_error(*error));
  CHECK(error->body == "skipped 22 bytes that are not a message header");
  auto message = d.next();
  REQUIRE(message.has_value());
  CHECK(is_message(*message, "{}"));
  CHECK_FALSE(d.next().has_value());
}

TEST_CASE("stray blank lines between messages are not garbage") {
  auto frames = decode_all("\r\n\r\n" + encode_frame("{}") + "\r\n" + encode_frame("[]"));
  REQUIRE(frames.size() == 2);
  CHECK(is_message(frames[0], "{}"));
  CHECK(is_message(frames[1], "[]"));
}

TEST_CASE("a Content-Length too large does not swallow the next message") {
  std::string input = "Content-Length: 500\r\n\r\n{\"id\":1}" + encode_frame("{\"id\":2}");
  auto frames = decode_all(input);
  REQUIRE(frames.size() == 2);
  CHECK(is_error(frames[0]));
  CHECK(is_message(frames[1], "{\"id\":2}"));
}

TEST_CASE("a Content-Length too large whose bytes have all arrived does not swallow the next message") {
  // The declared length covers the next message's header and the start of
  // its body: the header inside the body ends the body there.
  std::string next = encode_frame("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"flow/next\"}");
  std::string first = "{\"id\":1}";
  for (size_t extra : {size_t{3}, size_t{20}, size_t{40}}) {
    CAPTURE(extra);
    std::string input = "Content-Length: " + std::to_string(first.size() + extra) + "\r\n\r\n" + first + next;
    auto frames = decode_all(input);
    REQUIRE(frames.size() == 2);
    CHECK(is_error(frames[0]));
    CHECK(is_message(frames[1], next.substr(next.find('{'))));
    // The same when the next message arrives in a later read.
    FrameDecoder d;
    d.feed(input.substr(0, input.size() - next.size()));
    CHECK_FALSE(d.next().has_value());
    d.feed(next);
    auto a = d.next();
    auto b = d.next();
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(is_error(*a));
    CHECK(is_message(*b, next.substr(next.find('{'))));
  }
}

TEST_CASE("a Content-Length too small yields the truncated body, then recovers") {
  auto frames = decode_all("Content-Length: 5\r\n\r\n{\"id\":1}" + encode_frame("{\"id\":2}"));
  REQUIRE(frames.size() == 3);
  CHECK(is_message(frames[0], "{\"id\""));  // the JSON parser rejects it upstream
  CHECK(is_error(frames[1]));               // the rest of the body is garbage
  CHECK(is_message(frames[2], "{\"id\":2}"));
}

TEST_CASE("a body may contain the text Content-Length inside a JSON string") {
  std::string body = "{\"text\":\"Content-Length: 5\\r\\n\\r\\n\"}";
  auto frames = decode_all(encode_frame(body));
  REQUIRE(frames.size() == 1);
  CHECK(is_message(frames[0], body));
}

TEST_CASE("an incomplete body waits for more bytes") {
  FrameDecoder d;
  d.feed("Content-Length: 8\r\n\r\n{\"a\":");
  CHECK_FALSE(d.next().has_value());
  CHECK(d.pending_bytes() > 0);  // at end of input this is a cut-off message
  d.feed("12}");
  auto f = d.next();
  REQUIRE(f.has_value());
  CHECK(is_message(*f, "{\"a\":12}"));
}

TEST_CASE("a header line without a colon is an error") {
  auto frames = decode_all("Content-Length: 2\r\nbroken\r\n\r\n{}" + encode_frame("[]"));
  REQUIRE(frames.size() >= 2);
  CHECK(is_error(frames[0]));
  CHECK(is_message(frames.back(), "[]"));
}
