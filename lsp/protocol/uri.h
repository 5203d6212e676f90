// `file://` URIs <-> file-system paths (RFC 8089, percent-encoding). Other
// schemes (`untitled:`, `git:`) have no path: the server ignores them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flowc::lsp {

/// The path of a `file://` URI, percent-decoded; std::nullopt for another
/// scheme, a remote host, or a malformed escape.
std::optional<std::string> uri_to_path(std::string_view uri);
/// The `file://` URI of an absolute path, percent-encoding what RFC 3986
/// does not allow unescaped in a path.
std::string path_to_uri(std::string_view path);

}  // namespace flowc::lsp
