#include "lsp/protocol/jsonrpc.h"

namespace flowc::lsp {

namespace {

Incoming invalid(ErrorCode code, std::string message, Json id = nullptr) {
  Incoming out;
  out.kind = Incoming::Kind::Invalid;
  out.error = {code, std::move(message)};
  out.id = std::move(id);
  return out;
}

bool valid_id(const Json& id) { return id.is_number_integer() || id.is_string(); }

}  // namespace

Incoming parse_message(std::string_view body) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return invalid(ErrorCode::ParseError, "the message is not valid JSON");
  if (!j.is_object()) {
    return invalid(ErrorCode::InvalidRequest,
                   j.is_array() ? "batch messages are not supported" : "a message must be a JSON object");
  }
  Json id = nullptr;
  if (auto it = j.find("id"); it != j.end()) {
    if (!valid_id(*it) && !it->is_null())
      return invalid(ErrorCode::InvalidRequest, "`id` must be a number or a string");
    id = *it;
  }
  if (auto it = j.find("jsonrpc"); it == j.end() || *it != "2.0") {
    return invalid(ErrorCode::InvalidRequest, "`jsonrpc` must be \"2.0\"", id);
  }
  auto method = j.find("method");
  if (method == j.end()) {
    if (!id.is_null() && (j.contains("result") || j.contains("error"))) {
      Incoming out;
      out.kind = Incoming::Kind::Response;
      out.id = std::move(id);
      return out;
    }
    return invalid(ErrorCode::InvalidRequest,
                   "a message needs a `method` (or a `result` when it is a response)", id);
  }
  if (!method->is_string()) return invalid(ErrorCode::InvalidRequest, "`method` must be a string", id);
  // LSP's request ids are integers or strings; a `null` one would be answered
  // like the parse errors whose id is unknown, and the client could not tell.
  if (j.contains("id") && id.is_null())
    return invalid(ErrorCode::InvalidRequest, "`id` must be a number or a string");
  Incoming out;
  out.method = method->get<std::string>();
  if (auto it = j.find("params"); it != j.end()) {
    if (!it->is_object() && !it->is_array() && !it->is_null()) {
      return invalid(ErrorCode::InvalidRequest, "`params` must be an object or an array", id);
    }
    out.params = std::move(*it);
  }
  bool has_id = j.contains("id");
  out.kind = has_id ? Incoming::Kind::Request : Incoming::Kind::Notification;
  out.id = std::move(id);
  return out;
}

namespace {

std::string dump(const Json& j) {
  // Replace invalid UTF-8 (a client may send broken text) rather than throw.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string make_response(const Json& id, const Json& result) {
  return dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string make_error(const Json& id, const RpcError& error) {
  return dump(Json{{"jsonrpc", "2.0"},
                   {"id", id},
                   {"error", {{"code", static_cast<int>(error.code)}, {"message", error.message}}}});
}

std::string make_notification(std::string_view method, const Json& params) {
  return dump(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

std::string make_request(const Json& id, std::string_view method, const Json& params) {
  return dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

}  // namespace flowc::lsp
