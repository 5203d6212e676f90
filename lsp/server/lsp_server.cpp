#include "lsp/server/lsp_server.h"

#include <iostream>
#include <vector>

#include "lsp/protocol/uri.h"

namespace flowc::lsp {

namespace {

std::string id_key(const Json& id) { return id.dump(); }

}  // namespace

template <typename P>
void LspServer::on_request(const std::string& method, Reply (LspServer::*fn)(const P&), bool reads_model) {
  requests_[method] = {[this, fn](const Json& params) -> Reply {
                         std::string error;
                         std::optional<P> decoded = proto::decode<P>(params, error);
                         if (!decoded) return RpcError{ErrorCode::InvalidParams, error};
                         return (this->*fn)(*decoded);
                       },
                       reads_model};
}

template <typename P>
void LspServer::on_notification(const std::string& method, void (LspServer::*fn)(const P&)) {
  notifications_[method] = [this, fn, method](const Json& params) {
    std::string error;
    std::optional<P> decoded = proto::decode<P>(params, error);
    if (!decoded) {
      log(method + ": " + error);  // a notification has no reply to carry the error
      return;
    }
    (this->*fn)(*decoded);
  };
}

LspServer::LspServer(Transport& transport, ServerOptions options)
    : transport_(transport),
      options_(std::move(options)),
      service_(ServiceOptions{ColumnUnit::Utf16, options_.stdlib_dir, options_.read_disk}) {
  on_request("initialize", &LspServer::initialize, false);
  on_request("textDocument/hover", &LspServer::hover, true);
  on_request("textDocument/definition", &LspServer::definition, true);
  on_request("textDocument/references", &LspServer::references, true);
  on_request("textDocument/prepareRename", &LspServer::prepare_rename, true);
  on_request("textDocument/rename", &LspServer::rename, true);
  on_request("textDocument/completion", &LspServer::completion, false);
  on_request("textDocument/documentSymbol", &LspServer::document_symbol, false);
  on_request("textDocument/formatting", &LspServer::formatting, false);
  on_request("textDocument/codeAction", &LspServer::code_action, true);
  on_notification("textDocument/didOpen", &LspServer::did_open);
  on_notification("textDocument/didChange", &LspServer::did_change);
  on_notification("textDocument/didClose", &LspServer::did_close);
  on_notification("workspace/didChangeWatchedFiles", &LspServer::did_change_watched_files);
  on_notification("$/cancelRequest", &LspServer::cancel);
  notifications_["initialized"] = [this](const Json& params) { initialized(params); };
  // Known and deliberately ignored: saving changes nothing (the text is
  // already known), settings do not exist yet.
  for (const char* ignored : {"textDocument/didSave", "workspace/didChangeConfiguration", "$/setTrace"}) {
    notifications_[ignored] = [](const Json&) {};
  }
}

void LspServer::log(const std::string& line) const { std::cerr << "flowc lsp: " << line << "\n"; }

void LspServer::send(const std::string& body) {
  if (!transport_.write(body)) {
    log("the client is gone; stopping");
    exited_ = true;
  }
}

int LspServer::run() {
  while (!exited_) {
    int timeout = -1;
    if (pending_publish_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
      timeout = left > 0 ? static_cast<int>(left) : 0;
    }
    ReadResult first = transport_.read(timeout);
    if (first.kind == ReadResult::Kind::Timeout) {
      flush(/*quick_first=*/true);
      continue;
    }
    if (first.kind == ReadResult::Kind::Closed) {
      if (!shutdown_) log("the input ended without shutdown and exit");
      return exit_code();
    }
    // Everything already received, so a cancellation can reach a queued request.
    std::vector<Incoming> batch;
    bool closed = false;
    auto take = [&](const Frame& frame) {
      if (frame.kind == Frame::Kind::Error) {
        Incoming bad;
        bad.error = {ErrorCode::ParseError, frame.body};
        batch.push_back(std::move(bad));
      } else {
        batch.push_back(parse_message(frame.body));
      }
    };
    take(first.frame);
    for (;;) {
      ReadResult more = transport_.read(0);
      if (more.kind == ReadResult::Kind::Frame) {
        take(more.frame);
        continue;
      }
      closed = more.kind == ReadResult::Kind::Closed;
      break;
    }
    std::set<std::string> queued;
    for (const Incoming& m : batch) {
      if (m.kind == Incoming::Kind::Request) queued.insert(id_key(m.id));
      if (m.kind == Incoming::Kind::Notification && m.method == "$/cancelRequest" && m.params.is_object() &&
          m.params.contains("id") && queued.count(id_key(m.params["id"]))) {
        cancelled_.insert(id_key(m.params["id"]));
      }
    }
    for (const Incoming& m : batch) {
      if (exited_) break;
      dispatch(m);
    }
    cancelled_.clear();
    if (closed && !exited_) {
      if (!shutdown_) log("the input ended without shutdown and exit");
      return exit_code();
    }
  }
  return exit_code();
}

void LspServer::handle(const Frame& frame) {
  if (frame.kind == Frame::Kind::Error) {
    Incoming bad;
    bad.error = {ErrorCode::ParseError, frame.body};
    dispatch(bad);
    return;
  }
  dispatch(parse_message(frame.body));
}

void LspServer::dispatch(const Incoming& m) {
  switch (m.kind) {
    case Incoming::Kind::Invalid:
      log("bad message: " + m.error.message);
      if (!m.notification) send(make_error(m.id, m.error));
      return;
    case Incoming::Kind::Response: return;  // answers to our registerCapability request: nothing to do
    case Incoming::Kind::Request: dispatch_request(m); return;
    case Incoming::Kind::Notification: break;
  }
  if (m.method == "exit") {
    exited_ = true;
    return;
  }
  // Before initialize and after shutdown, notifications other than exit are dropped.
  if (!initialized_ || shutdown_) return;
  auto it = notifications_.find(m.method);
  if (it == notifications_.end()) {
    if (!m.method.starts_with("$/")) log("ignoring unknown notification `" + m.method + "`");
    return;
  }
  it->second(m.params);
}

void LspServer::dispatch_request(const Incoming& m) {
  if (cancelled_.erase(id_key(m.id))) {
    send(make_error(m.id, {ErrorCode::RequestCancelled, "cancelled"}));
    return;
  }
  if (m.method == "shutdown") {
    if (!initialized_) {
      send(make_error(m.id, {ErrorCode::ServerNotInitialized, "the server is not initialized"}));
      return;
    }
    shutdown_ = true;
    send(make_response(m.id, nullptr));
    return;
  }
  if (shutdown_) {
    send(make_error(m.id, {ErrorCode::InvalidRequest, "the server is shutting down"}));
    return;
  }
  if (m.method == "initialize" && initialized_) {
    send(make_error(m.id, {ErrorCode::InvalidRequest, "initialize may only be sent once"}));
    return;
  }
  if (m.method != "initialize" && !initialized_) {
    send(make_error(m.id, {ErrorCode::ServerNotInitialized, "the server is not initialized"}));
    return;
  }
  auto it = requests_.find(m.method);
  if (it == requests_.end()) {
    send(make_error(m.id, {ErrorCode::MethodNotFound, "unknown method `" + m.method + "`"}));
    return;
  }
  const auto& [fn, reads_model] = it->second;
  if (reads_model) flush();
  // A bug in a feature must cost one request, not the session.
  try {
    Reply reply = fn(m.params);
    send(reply.error ? make_error(m.id, *reply.error) : make_response(m.id, reply.result));
  } catch (const std::exception& e) {
    log("internal error in `" + m.method + "`: " + e.what());
    send(make_error(m.id, {ErrorCode::InternalError, "internal error: " + std::string(e.what())}));
  }
}

void LspServer::edited() {
  // Leading and trailing debounce: the first edit after a quiet spell is
  // checked almost at once (kSettle lets the rest of its burst arrive);
  // edits that keep coming within debounce_ms of each other push the check
  // back until the typing pauses.
  constexpr auto kSettle = std::chrono::milliseconds(5);
  Clock::time_point now = Clock::now();
  auto quiet = std::chrono::milliseconds(options_.debounce_ms);
  bool after_pause = !pending_publish_ && now - last_edit_ >= quiet;
  deadline_ = now + (after_pause ? std::min<Clock::duration>(kSettle, quiet) : quiet);
  last_edit_ = now;
  pending_publish_ = true;
}

void LspServer::flush(bool quick_first) {
  if (!pending_publish_) return;
  pending_publish_ = false;
  Clock::time_point start = Clock::now();
  auto publish = [&](const std::vector<FileDiagnostics>& files) {
    for (const FileDiagnostics& file : files) {
      proto::PublishDiagnosticsParams params;
      params.uri = uri_for(file.path);
      if (auto v = versions_.find(file.path); v != versions_.end()) params.version = v->second;
      for (const EditorDiagnostic& d : file.diagnostics) params.diagnostics.push_back(to_proto(d));
      send(make_notification("textDocument/publishDiagnostics", params));
    }
  };
  // After a pause in typing, a large project answers first from a check of
  // the edited file alone, then from the full re-check (published only where
  // it differs). A request waiting for the model skips the quick step.
  if (quick_first) publish(service_.quick_check());
  std::vector<FileDiagnostics> changed = service_.check();
  publish(changed);
  if (options_.trace && !service_.check_report().empty()) {
    for (const std::string& line : service_.check_report()) log(line);
    auto ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    log("published " + std::to_string(changed.size()) + " file(s), " + std::to_string(ms) +
        " ms after the check began");
  }
  service_.release_memory();
}

}  // namespace flowc::lsp
