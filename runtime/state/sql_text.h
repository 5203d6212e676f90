// PostgreSQL array literals, for passing lists as one parameter (libpqxx 6.4
// has no array parameters).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowc::runtime::state {

/// `"text"` quoted as an element of an array literal.
std::string sql_array_element(std::string_view text);

/// `{"a","b"}`: a text[] literal.
std::string text_array(const std::vector<std::string>& values);

/// `{1,2,3}`.
std::string int_array(const std::vector<uint32_t>& values);

/// The integers of `{1,2,3}` (an integer[] cast to text).
std::vector<uint32_t> parse_int_array(std::string_view text);

}  // namespace flowc::runtime::state
