// JSON-RPC classification, LSP params decoding (never throwing out), and
// file URIs.
#include "lsp/protocol/jsonrpc.h"
#include "lsp/protocol/messages.h"
#include "lsp/protocol/uri.h"

#include <doctest/doctest.h>

using namespace flowc::lsp;

TEST_CASE("messages are classified by id, method and result") {
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})").kind ==
        Incoming::Kind::Request);
  CHECK(parse_message(R"({"jsonrpc":"2.0","method":"initialized"})").kind == Incoming::Kind::Notification);
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":"a","result":null})").kind == Incoming::Kind::Response);
  Incoming bad = parse_message("{oops");
  CHECK(bad.kind == Incoming::Kind::Invalid);
  CHECK(bad.error.code == ErrorCode::ParseError);
  CHECK(bad.id.is_null());
}

TEST_CASE("JSON that is not JSON-RPC is an InvalidRequest, keeping a readable id") {
  Incoming no_version = parse_message(R"({"id":4,"method":"x"})");
  CHECK(no_version.error.code == ErrorCode::InvalidRequest);
  CHECK(no_version.id == 4);
  CHECK(parse_message("[]").error.code == ErrorCode::InvalidRequest);
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":true,"method":"x"})").error.code == ErrorCode::InvalidRequest);
  // A request's id is an integer or a string (LSP 3.17); `null` is not.
  Incoming null_id = parse_message(R"({"jsonrpc":"2.0","id":null,"method":"textDocument/hover"})");
  CHECK(null_id.kind == Incoming::Kind::Invalid);
  CHECK(null_id.error.code == ErrorCode::InvalidRequest);
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})").error.code ==
        ErrorCode::InvalidRequest);
  // A notification with such params is invalid too, but not to be answered.
  Incoming bad_notification =
      parse_message(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":5})");
  CHECK(bad_notification.kind == Incoming::Kind::Invalid);
  CHECK(bad_notification.notification);
  CHECK_FALSE(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})").notification);
}

TEST_CASE("a key held twice in one object is an InvalidRequest, not the last one silently") {
  Incoming twice = parse_message(R"({"jsonrpc":"2.0","id":"s5","method":"x","method":"shutdown"})");
  CHECK(twice.kind == Incoming::Kind::Invalid);
  CHECK(twice.error.code == ErrorCode::InvalidRequest);
  CHECK(twice.error.message == "the message holds the key `method` twice in one object");
  CHECK(twice.id == "s5");
  // Inside params too; the same key in two objects is fine.
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"a":1,"a":2}})").kind ==
        Incoming::Kind::Invalid);
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"a":{"a":1},"b":{"a":2}}})").kind ==
        Incoming::Kind::Request);
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":1,"id":2,"method":"x"})").id.is_null());
}

TEST_CASE("a lone UTF-16 surrogate escape is read as U+FFFD, and a pair or an escaped backslash is kept") {
  Incoming lone = parse_message(
      R"({"jsonrpc":"2.0","method":"x","params":{"a":"# \ud800 lone","b":"\udc00","c":"\ud83d\ude00","d":"\\ud800"}})");
  REQUIRE(lone.kind == Incoming::Kind::Notification);
  CHECK(lone.params["a"] == "# \xef\xbf\xbd lone");
  CHECK(lone.params["b"] == "\xef\xbf\xbd");
  CHECK(lone.params["c"] == "\xf0\x9f\x98\x80");  // U+1F600
  CHECK(lone.params["d"] == "\\ud800");           // a backslash, then text
  CHECK(parse_message(R"({"jsonrpc":"2.0","method":"x","params":{"a":"\ud800)").error.code ==
        ErrorCode::ParseError);
}

TEST_CASE("an id that is a number but not a 64-bit integer says so") {
  Incoming big = parse_message(R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"x"})");
  CHECK(big.error.code == ErrorCode::InvalidRequest);
  CHECK(big.error.message == "`id` must be an integer of at most 64 bits, or a string");
  CHECK(parse_message(R"({"jsonrpc":"2.0","id":1.5,"method":"x"})").error.message ==
        "`id` must be an integer of at most 64 bits, or a string");
}

TEST_CASE("error responses carry the code and a null id when unknown") {
  Json j = Json::parse(make_error(nullptr, {ErrorCode::ParseError, "bad"}));
  CHECK(j["id"].is_null());
  CHECK(j["error"]["code"] == -32700);
  CHECK(j["jsonrpc"] == "2.0");
}

TEST_CASE("decode reports a bad shape as a message instead of throwing") {
  std::string error;
  auto ok = proto::decode<proto::TextDocumentPositionParams>(
      Json::parse(R"({"textDocument":{"uri":"file:///a.flow"},"position":{"line":3,"character":4}})"), error);
  REQUIRE(ok.has_value());
  CHECK(ok->position.line == 3);
  CHECK_FALSE(proto::decode<proto::TextDocumentPositionParams>(Json::parse(R"({"textDocument":{}})"), error));
  CHECK(error == "invalid params: missing field `uri`");
  CHECK_FALSE(proto::decode<proto::TextDocumentPositionParams>(
      Json::parse(R"({"textDocument":{"uri":"x"},"position":{"line":-1,"character":0}})"), error));
  // JSON's -0 is zero, not a negative number.
  auto zero = proto::decode<proto::TextDocumentPositionParams>(
      Json::parse(R"({"textDocument":{"uri":"x"},"position":{"line":-0,"character":-0}})"), error);
  REQUIRE(zero.has_value());
  CHECK(zero->position.character == 0);
  CHECK_FALSE(proto::decode<proto::RenameParams>(Json::parse("[1]"), error));
  CHECK_FALSE(proto::decode<proto::TextDocumentPositionParams>(
      Json::parse(R"({"textDocument":{"uri":"x"},"position":{"line":1.5,"character":2}})"), error));
  CHECK(error == "invalid params: `line` must be a whole number");
  // Huge numbers clamp rather than overflow (positions clamp later anyway).
  auto huge = proto::decode<proto::TextDocumentPositionParams>(
      Json::parse(R"({"textDocument":{"uri":"x"},"position":{"line":1e300,"character":99999999999}})"),
      error);
  REQUIRE(huge.has_value());
  CHECK(huge->position.line == UINT32_MAX);
  CHECK(huge->position.character == UINT32_MAX);
}

TEST_CASE("client capabilities are read from their nested places") {
  std::string error;
  auto p = proto::decode<proto::InitializeParams>(Json::parse(R"({
    "capabilities": {
      "general": {"positionEncodings": ["utf-8", "utf-16"]},
      "textDocument": {"hover": {"contentFormat": ["markdown"]},
                       "rename": {"prepareSupport": true},
                       "documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}}})"),
                                                  error);
  REQUIRE(p.has_value());
  CHECK(p->capabilities.positionEncodings.front() == "utf-8");
  CHECK(p->capabilities.hoverMarkdown);
  CHECK(p->capabilities.prepareRename);
  CHECK(p->capabilities.hierarchicalDocumentSymbols);
  CHECK_FALSE(p->capabilities.codeActionLiterals);
}

TEST_CASE("initialize params of the wrong shape are refused, for -32602") {
  std::string error;
  CHECK_FALSE(
      proto::decode<proto::InitializeParams>(Json::parse(R"({"capabilities": "x"})"), error).has_value());
  CHECK(error.find("capabilities") != std::string::npos);
  CHECK_FALSE(
      proto::decode<proto::InitializeParams>(Json::parse(R"({"processId": "abc"})"), error).has_value());
  CHECK(error.find("processId") != std::string::npos);
  CHECK(
      proto::decode<proto::InitializeParams>(Json::parse(R"({"processId": null, "capabilities": {}})"), error)
          .has_value());
  CHECK(proto::decode<proto::InitializeParams>(Json::parse(R"({"processId": 12})"), error).has_value());
}

TEST_CASE("the workspace root is rootUri, else the first workspace folder") {
  std::string error;
  auto root = proto::decode<proto::InitializeParams>(
      Json::parse(R"({"rootUri": "file:///a", "workspaceFolders": [{"uri": "file:///b", "name": "b"}]})"),
      error);
  REQUIRE(root.has_value());
  CHECK(root->rootUri == "file:///a");
  auto folders = proto::decode<proto::InitializeParams>(
      Json::parse(R"({"rootUri": null, "workspaceFolders": [{"uri": "file:///b", "name": "b"}]})"), error);
  REQUIRE(folders.has_value());
  CHECK(folders->rootUri == "file:///b");
  auto none = proto::decode<proto::InitializeParams>(Json::parse(R"({"workspaceFolders": [1]})"), error);
  REQUIRE(none.has_value());
  CHECK_FALSE(none->rootUri.has_value());
}

TEST_CASE("file URIs round-trip with percent-encoding") {
  CHECK(uri_to_path("file:///home/a%20b/x.flow") == "/home/a b/x.flow");
  CHECK(uri_to_path("file://localhost/tmp/x.flow") == "/tmp/x.flow");
  CHECK(uri_to_path("FILE:///tmp/%C3%A9.flow") == "/tmp/é.flow");
  CHECK_FALSE(uri_to_path("untitled:Untitled-1").has_value());
  CHECK_FALSE(uri_to_path("file://server/share/x.flow").has_value());
  CHECK_FALSE(uri_to_path("file:///bad%2").has_value());
  CHECK_FALSE(uri_to_path("file:///nul%00").has_value());
  CHECK(path_to_uri("/home/a b/é.flow") == "file:///home/a%20b/%C3%A9.flow");
  CHECK(uri_to_path(path_to_uri("/x/[y]#z.flow")) == "/x/[y]#z.flow");
}
