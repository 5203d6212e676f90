// The name of an expectation written without `as`.
#pragma once

#include <string>
#include <string_view>

#include "compiler/syntax/tree.h"

namespace flowc::check {

/// The condition `condition` of `tree` as written (`file_text` is its
/// file's text), less its comments and any comma before a closing bracket,
/// on one line (each run of blanks one space, none inside brackets or
/// before a comma): `flowc fmt` adds, drops and moves those and re-spaces,
/// and the name, by which the check's results and `change` history are
/// kept (spelling::history_key ignores blanks), must not change with them.
std::string condition_name(const syntax::SyntaxTree& tree, syntax::ExprId condition,
                           std::string_view file_text);

}  // namespace flowc::check
