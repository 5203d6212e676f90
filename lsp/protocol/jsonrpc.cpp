#include "lsp/protocol/jsonrpc.h"

#include <unordered_set>
#include <vector>

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

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The code unit of a `\uXXXX` at `at`, or -1.
int escaped_unit(std::string_view body, size_t at) {
  if (at + 6 > body.size() || body[at] != '\\' || body[at + 1] != 'u') return -1;
  int unit = 0;
  for (size_t k = at + 2; k < at + 6; ++k) {
    const int digit = hex_digit(body[k]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

/// `body` with each `\uXXXX` that is half of a UTF-16 pair, alone, turned
/// into `\ufffd`. JSON's grammar allows them, and a JavaScript client sends
/// one for a buffer holding a broken pair; the JSON library refuses them,
/// and dropping the message would leave the document out of step.
std::string without_lone_surrogates(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    const int unit = escaped_unit(body, i);
    const bool high = unit >= 0xD800 && unit <= 0xDBFF;
    const bool low = unit >= 0xDC00 && unit <= 0xDFFF;
    const int next = high ? escaped_unit(body, i + 6) : -1;
    if (high && next >= 0xDC00 && next <= 0xDFFF) {
      out.append(body.substr(i, 12));
      i += 11;
    } else if (high || low) {
      out += "\\ufffd";
      i += 5;
    } else {
      out.append(body.substr(i, 2));  // any other escape, `\\` included
      ++i;
    }
  }
  return out;
}

/// Parses `text`, noting in `repeated` the first key an object holds twice
/// (`{"method":"x","method":"shutdown"}`): the library keeps the last one.
Json parse_json(std::string_view text, std::string& repeated) {
  // Per open object, its keys so far (hashed: an object may hold a million).
  std::vector<std::unordered_set<std::string>> keys;
  auto note = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) keys.emplace_back();
    if (event == Json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
    if (event == Json::parse_event_t::key && !keys.empty() && parsed.is_string()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second && repeated.empty()) repeated = key;
    }
    return true;
  };
  return Json::parse(text, note, /*allow_exceptions=*/false);
}

}  // namespace

Incoming parse_message(std::string_view body) {
  std::string repeated;
  Json j = parse_json(body, repeated);
  if (j.is_discarded() && body.find("\\u") != std::string_view::npos)
    j = parse_json(without_lone_surrogates(body), repeated);
  if (j.is_discarded()) return invalid(ErrorCode::ParseError, "the message is not valid JSON");
  if (!j.is_object()) {
    return invalid(ErrorCode::InvalidRequest,
                   j.is_array() ? "batch messages are not supported" : "a message must be a JSON object");
  }
  Json id = nullptr;
  if (auto it = j.find("id"); it != j.end()) {
    if (it->is_number() && !valid_id(*it))
      return invalid(ErrorCode::InvalidRequest, "`id` must be an integer of at most 64 bits, or a string");
    if (!valid_id(*it) && !it->is_null())
      return invalid(ErrorCode::InvalidRequest, "`id` must be an integer of at most 64 bits, or a string");
    id = *it;
  }
  if (!repeated.empty())  // answered with the id when that is not what is repeated
    return invalid(ErrorCode::InvalidRequest,
                   "the message holds the key `" + repeated + "` twice in one object",
                   repeated == "id" ? Json(nullptr) : id);
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
    return invalid(ErrorCode::InvalidRequest, "`id` must be an integer of at most 64 bits, or a string");
  Incoming out;
  out.method = method->get<std::string>();
  if (auto it = j.find("params"); it != j.end()) {
    if (!it->is_object() && !it->is_array() && !it->is_null()) {
      Incoming bad = invalid(ErrorCode::InvalidRequest, "`params` must be an object or an array", id);
      bad.notification = !j.contains("id");
      return bad;
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
