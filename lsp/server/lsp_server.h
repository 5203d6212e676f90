// The LSP side of the server (clangd's ClangdLSPServer): reads messages from
// a Transport, enforces the protocol's lifecycle (initialize, shutdown,
// exit), binds each method to a typed handler that calls the Service, and
// publishes diagnostics debounced after edits.
//
// Threading: one thread. The loop waits on the transport with a timeout equal
// to the time left before the debounced check. An edit after a quiet spell is
// checked a few milliseconds later (so a lone edit gets its diagnostics
// fast); edits arriving within `debounce_ms` of each other postpone the check
// until the client has been quiet for `debounce_ms` (so typing is not
// re-checked on every keystroke). The check re-parses the changed files,
// re-checks their projects and publishes the diagnostics that changed. Requests that read the checked model
// (hover, definition, references, rename, code actions) first run a pending check and publish its
// diagnostics, so answers never mix old positions with new text. Completion, outline and formatting answer
// from the current syntax alone and leave the check to the timer, so typing stays fast (completion in a
// project never checked yet runs its first check: the names it offers are the model's). Everything already
// received is read before acting, so `$/cancelRequest` reaches a request still queued (it is answered with
// RequestCancelled).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "lsp/protocol/jsonrpc.h"
#include "lsp/protocol/messages.h"
#include "lsp/server/service.h"
#include "lsp/transport/transport.h"

namespace flowc::lsp {

/// How `flowc lsp` runs (cli/lsp_command.cpp fills it from the environment).
struct ServerOptions {
  std::string stdlib_dir;  // empty: the default next to the binary
  int debounce_ms = 150;   // quiet time after an edit before re-checking
  bool trace = false;      // log each check's timings to stderr
  bool read_disk = true;   // false: only open documents (see ServiceOptions)
};

/// A handler's answer: a result or an error.
struct Reply {
  Reply(Json value) : result(std::move(value)) {}  // NOLINT: implicit by design
  Reply(RpcError e) : error(std::move(e)) {}       // NOLINT
  Json result;
  std::optional<RpcError> error;
};

/// The protocol side of the language server; see the top of this file.
class LspServer {
 public:
  /// A server reading and writing `transport`, which must outlive it.
  LspServer(Transport& transport, ServerOptions options);

  /// Serves until `exit` or the end of input. Returns the exit code: 0 when
  /// `exit` (or the end of input) came after `shutdown`, else 1.
  int run();

  /// Handles one frame without waiting (the fuzzer drives the server so).
  void handle(const Frame& frame);
  /// Runs a pending check and publishes its diagnostics now; with
  /// `quick_first`, a large project's edited file is published first from
  /// Service::quick_check().
  void flush(bool quick_first = false);
  /// True once `exit` was received.
  [[nodiscard]] bool exited() const { return exited_; }
  /// The process exit code the LSP prescribes: 0 after `shutdown`, else 1.
  [[nodiscard]] int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  using Clock = std::chrono::steady_clock;
  using RequestFn = std::function<Reply(const Json&)>;
  using NotificationFn = std::function<void(const Json&)>;

  template <typename P>
  void on_request(const std::string& method, Reply (LspServer::*fn)(const P&), bool reads_model);
  template <typename P>
  void on_notification(const std::string& method, void (LspServer::*fn)(const P&));

  void dispatch(const Incoming& message);
  void dispatch_request(const Incoming& message);
  void send(const std::string& body);
  void log(const std::string& line) const;
  void edited();

  // Lifecycle.
  Reply initialize(const proto::InitializeParams& params);
  void initialized(const Json& params);
  // Documents.
  void did_open(const proto::DidOpenTextDocumentParams& params);
  void did_change(const proto::DidChangeTextDocumentParams& params);
  void did_close(const proto::DidCloseTextDocumentParams& params);
  void did_change_watched_files(const proto::DidChangeWatchedFilesParams& params);
  void cancel(const proto::CancelParams& params);
  // Features.
  Reply hover(const proto::TextDocumentPositionParams& params);
  Reply definition(const proto::TextDocumentPositionParams& params);
  Reply references(const proto::ReferenceParams& params);
  Reply prepare_rename(const proto::TextDocumentPositionParams& params);
  Reply rename(const proto::RenameParams& params);
  Reply completion(const proto::TextDocumentPositionParams& params);
  Reply document_symbol(const proto::TextDocumentParams& params);
  Reply formatting(const proto::TextDocumentParams& params);
  Reply code_action(const proto::CodeActionParams& params);

  /// The path of a handled document URI (`.flow` file), else std::nullopt.
  std::optional<std::string> document_path(const std::string& uri) const;
  /// document_path(), or the path of a `.sql` document: the server keeps the
  /// editor's text of those (what `file("...")` reads, and what a rename
  /// edits) but answers no request on them.
  std::optional<std::string> synced_path(const std::string& uri) const;
  /// The URI to send for `path`: the client's own spelling for open documents.
  std::string uri_for(const std::string& path) const;
  proto::Diagnostic to_proto(const EditorDiagnostic& d) const;

  Transport& transport_;
  ServerOptions options_;
  Service service_;
  std::unordered_map<std::string, std::pair<RequestFn, bool>> requests_;
  std::unordered_map<std::string, NotificationFn> notifications_;
  proto::ClientCapabilities client_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  bool pending_publish_ = false;
  Clock::time_point deadline_;  // when the pending check runs
  Clock::time_point last_edit_;
  std::set<std::string> cancelled_;               // ids (dumped) cancelled while queued
  std::map<std::string, std::string> open_uris_;  // path -> URI as the client wrote it
  std::map<std::string, int64_t> versions_;       // path -> document version
  int next_request_id_ = 1;
};

}  // namespace flowc::lsp
