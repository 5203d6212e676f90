#include "compiler/syntax/tree.h"

namespace flowc::syntax {

std::string_view block_kind_name(BlockKind kind) {
  switch (kind) {
    case BlockKind::Project: return "project";
    case BlockKind::Target: return "target";
    case BlockKind::Environment: return "environment";
    case BlockKind::Route: return "route";
    case BlockKind::Legacy: return "legacy";
    case BlockKind::Workflow: return "workflow";
    case BlockKind::Source: return "source";
    case BlockKind::Task: return "task";
  }
  return "block";
}

}  // namespace flowc::syntax
