// JSON-RPC 2.0 as the LSP uses it: classifying incoming messages and
// building outgoing ones. Nothing here throws.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flowc::lsp {

using Json = nlohmann::json;

/// Error codes of JSON-RPC and LSP 3.17.
enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestCancelled = -32800,
  ContentModified = -32801,
  RequestFailed = -32803,
};

/// An error to send back for a request.
struct RpcError {
  ErrorCode code = ErrorCode::InternalError;
  std::string message;
};

/// One incoming message, classified.
struct Incoming {
  enum class Kind {
    Request,       // method and id
    Notification,  // method, no id
    Response,      // id and result or error (answers a request the server sent)
    Invalid,       // not a JSON-RPC message: `error` says why; `id` is set when it could be read
  } kind = Kind::Invalid;
  Json id;  // number or string; null when absent
  std::string method;
  Json params;  // object, array or null
  RpcError error;
  /// Invalid, but recognisably a notification (no `id`): logged, never
  /// answered (JSON-RPC answers no notification).
  bool notification = false;
};

/// Parses and classifies one message body: ParseError for text that is not
/// JSON, InvalidRequest for JSON that is not a JSON-RPC 2.0 message (batches
/// included: the LSP does not use them), or that holds a key twice in one
/// object (which of the two counts is not JSON's to say).
Incoming parse_message(std::string_view body);

/// The body of a successful response.
std::string make_response(const Json& id, const Json& result);
/// The body of an error response (`id` null when the request's id is unknown).
std::string make_error(const Json& id, const RpcError& error);
/// The body of a notification.
std::string make_notification(std::string_view method, const Json& params);
/// The body of a request sent by the server.
std::string make_request(const Json& id, std::string_view method, const Json& params);

}  // namespace flowc::lsp
