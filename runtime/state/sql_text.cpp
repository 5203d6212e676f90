#include "runtime/state/sql_text.h"

namespace flowc::runtime::state {

std::string sql_array_element(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += sql_array_element(values[i]);
  }
  return out + "}";
}

std::string int_array(const std::vector<uint32_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::vector<uint32_t> parse_int_array(std::string_view text) {
  std::vector<uint32_t> out;
  uint64_t value = 0;
  bool in_number = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<uint64_t>(c - '0');
      in_number = true;
    } else if (in_number) {
      out.push_back(static_cast<uint32_t>(value));
      value = 0;
      in_number = false;
    }
  }
  if (in_number) out.push_back(static_cast<uint32_t>(value));
  return out;
}

}  // namespace flowc::runtime::state
