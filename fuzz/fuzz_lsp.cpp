// libFuzzer target over whole language-server sessions. Each input starts a
// fresh server (in memory, no pipes), initializes it and opens a seed
// document (main.flow, so every feature has a checked project to work on),
// then plays the input in one of two modes chosen by its first byte:
//
// - even: the rest is the raw client stream (framing and JSON included),
//   decoded by the server's own FrameDecoder, every frame handled;
// - odd: the rest is a program of editor operations, each an opcode byte and
//   its operands (positions, text, new names): range edits in UTF-16
//   positions (often past the end of lines or of the file, or inside a
//   surrogate pair), whole-text replacements, checks, and every request the
//   server answers (hover, definition, references, completion, rename and
//   prepareRename, documentSymbol, formatting, codeAction). This reaches
//   deep states that random JSON would not.
//
// Findings beyond sanitizer reports (each aborts with a message): the server
// writes something that is not a JSON-RPC 2.0 message, answers a request with
// another id, answers a request twice or not at all, or does not end after
// shutdown + exit with exit code 0.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/protocol/jsonrpc.h"
#include "lsp/server/lsp_server.h"
#include "lsp/transport/framing.h"
#include "lsp/transport/transport.h"

namespace {

using Json = nlohmann::json;

constexpr const char* kUri = "file:///flowc-fuzz-lsp/main.flow";
constexpr size_t kMaxOperations = 200;
constexpr size_t kMaxFrames = 200;

constexpr std::string_view kSeed = R"(## Fuzz seed: é😀 before names.
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow kpi {
  owner      = "data-eng"
  target     = warehouse
  on_failure = alert(oncal, severity = high)
  param ds: date = logical_date

  source orders {
    table = "raw.orders"
    ready = partition_exists(ds) and row_count() > 0
  }

  task daily {
    writes  = "daily"
    mode    = overwrite_partition(ds)
    sql     = "select 'é😀', * from ${orders} where ds = ${ds}"
    timeout = "20m"
    expect unique(ds)
  }
}
)";

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_lsp finding: %s\n%s\n", what, detail.c_str());
  std::abort();
}

/// Collects what the server writes; never has input (the harness calls handle()).
class MemoryTransport final : public flowc::lsp::Transport {
 public:
  flowc::lsp::ReadResult read(int) override { return {flowc::lsp::ReadResult::Kind::Closed, {}}; }
  bool write(std::string_view body) override {
    out.emplace_back(body);
    return true;
  }
  std::vector<std::string> out;
};

/// Reads operands from the input; past its end every read is zero.
class Bytes {
 public:
  explicit Bytes(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  uint8_t byte() { return done() ? 0 : static_cast<uint8_t>(data_[pos_++]); }
  uint32_t small() { return byte() % 40; }
  /// Up to 31 bytes of text, taken as they are (invalid UTF-8 included).
  std::string text() {
    size_t n = byte() % 32;
    std::string out(data_.substr(pos_, std::min(n, data_.size() - std::min(pos_, data_.size()))));
    pos_ += out.size();
    return out;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

class Session {
 public:
  Session() : server_(transport_, options()) {}

  static flowc::lsp::ServerOptions options() {
    flowc::lsp::ServerOptions o;
    o.stdlib_dir = FLOWC_FUZZ_STDLIB_DIR;
    o.debounce_ms = 0;
    o.read_disk = false;  // URIs in the input name real paths: keep them virtual
    return o;
  }

  void notify(const std::string& method, Json params) {
    server_.handle({flowc::lsp::Frame::Kind::Message,
                    Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}.dump(
                        -1, ' ', false, Json::error_handler_t::replace)});
  }

  void request(const std::string& method, Json params) {
    int id = next_id_++;
    size_t before = transport_.out.size();
    server_.handle(
        {flowc::lsp::Frame::Kind::Message,
         Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}.dump(
             -1, ' ', false, Json::error_handler_t::replace)});
    // Diagnostics may be published first; the last message must answer this id.
    if (transport_.out.size() == before) fail("a request got no answer", method);
    Json reply = Json::parse(transport_.out.back(), nullptr, false);
    if (reply.is_discarded() || reply.value("id", Json()) != id)
      fail("a request got the wrong answer", method);
  }

  void raw(const flowc::lsp::Frame& frame) { server_.handle(frame); }

  void finish() {
    server_.flush();
    request("shutdown", nullptr);
    notify("exit", nullptr);
    if (!server_.exited() || server_.exit_code() != 0) fail("shutdown + exit did not end the server", "");
    for (const std::string& body : transport_.out) {
      Json j = Json::parse(body, nullptr, false);
      if (j.is_discarded() || !j.is_object() || j.value("jsonrpc", "") != "2.0") {
        fail("the server wrote something that is not a JSON-RPC message", body);
      }
    }
  }

 private:
  MemoryTransport transport_;
  flowc::lsp::LspServer server_;
  int next_id_ = 1;
};

Json position(Bytes& in) { return {{"line", in.small()}, {"character", in.small()}}; }
Json document() { return {{"uri", kUri}}; }
Json at(Bytes& in) { return {{"textDocument", document()}, {"position", position(in)}}; }

void play_operations(Session& s, Bytes& in) {
  int version = 1;
  for (size_t n = 0; n < kMaxOperations && !in.done(); ++n) {
    switch (in.byte() % 14) {
      case 0:
      case 1: {  // a range edit (the common case)
        Json range = {{"start", position(in)}, {"end", position(in)}};
        s.notify("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", ++version}}},
                                            {"contentChanges", {{{"range", range}, {"text", in.text()}}}}});
        break;
      }
      case 2:
        s.notify("textDocument/didChange",
                 {{"textDocument", {{"uri", kUri}, {"version", ++version}}},
                  {"contentChanges", {{{"text", std::string(kSeed) + in.text()}}}}});
        break;
      case 3: s.request("textDocument/hover", at(in)); break;
      case 4: s.request("textDocument/definition", at(in)); break;
      case 5: {
        Json p = at(in);
        p["context"] = {{"includeDeclaration", (in.byte() & 1) != 0}};
        s.request("textDocument/references", p);
        break;
      }
      case 6: s.request("textDocument/completion", at(in)); break;
      case 7: s.request("textDocument/prepareRename", at(in)); break;
      case 8: {
        Json p = at(in);
        p["newName"] = in.text();
        s.request("textDocument/rename", p);
        break;
      }
      case 9: s.request("textDocument/documentSymbol", {{"textDocument", document()}}); break;
      case 10:
        s.request("textDocument/formatting", {{"textDocument", document()}, {"options", {{"tabSize", 2}}}});
        break;
      case 11:
        s.request("textDocument/codeAction", {{"textDocument", document()},
                                              {"range", {{"start", position(in)}, {"end", position(in)}}},
                                              {"context", {{"diagnostics", Json::array()}}}});
        break;
      case 12: s.notify("$/cancelRequest", {{"id", in.byte()}}); break;
      default: s.raw({flowc::lsp::Frame::Kind::Message, in.text()}); break;  // arbitrary bytes as a body
    }
  }
}

void play_stream(Session& s, std::string_view bytes) {
  flowc::lsp::FrameDecoder decoder;
  decoder.feed(bytes);
  for (size_t n = 0; n < kMaxFrames; ++n) {
    std::optional<flowc::lsp::Frame> frame = decoder.next();
    if (!frame) break;
    s.raw(*frame);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Session s;
  s.request("initialize", {{"capabilities",
                            {{"textDocument",
                              {{"hover", {{"contentFormat", {"markdown"}}}},
                               {"rename", {{"prepareSupport", true}}},
                               {"codeAction", {{"codeActionLiteralSupport", Json::object()}}},
                               {"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}},
                               {"publishDiagnostics", {{"relatedInformation", true}}}}}}}});
  s.notify("initialized", Json::object());
  s.notify("textDocument/didOpen",
           {{"textDocument", {{"uri", kUri}, {"languageId", "flow"}, {"version", 1}, {"text", kSeed}}}});
  if (input[0] & 1) {
    Bytes in(input.substr(1));
    play_operations(s, in);
  } else {
    play_stream(s, input.substr(1));
  }
  s.finish();
  return 0;
}
