#include "compiler/dsn/quote.h"

namespace flowc::dsn {

std::string quote_value(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace flowc::dsn
