// `flowc graph`: the plan's dependency graph as Graphviz dot and Mermaid.
// Sources are cylinders, tasks boxes (published outputs bold), tasks of
// other workflows dashed with dashed edges: the cross-workflow waits.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/plan/render.h"

namespace flowc::plan {

namespace {

std::string dot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// Text inside a quoted Mermaid label: `"` and the characters Mermaid or
/// its HTML labels would read (`#` starts an entity code, `<`, `>`, `&`) as
/// entity codes, so any name shows as written.
std::string mermaid_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '#': out += "#35;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '&': out += "#amp;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string kind_word(const Task& t) {
  if (t.kind == TaskKind::Source) return "source";
  if (t.kind == TaskKind::Command) return "command";
  return std::string(to_string(t.mode));
}

/// The other workflows' tasks this plan waits on, each once, in first-use order.
std::vector<std::string> external_names(const Plan& plan) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Task& t : plan.tasks) {
    for (const ExternalDependency& e : t.external) {
      std::string name = e.workflow + "." + e.task;
      if (seen.insert(name).second) out.push_back(name);
    }
  }
  return out;
}

}  // namespace

void render_dot(const Plan& plan, std::ostream& out) {
  out << "digraph " << dot_quote(plan.workflow) << " {\n";
  out << "  rankdir=LR;\n";
  out << "  node [fontname=\"Helvetica\", fontsize=11];\n";
  out << "  edge [color=\"#555555\"];\n";
  for (const std::string& name : external_names(plan)) {
    out << fmt::format("  {} [shape=box, style=dashed, label={}];\n", dot_quote(name),
                       dot_quote(name + "\n(other workflow)"));
  }
  for (const Task& t : plan.tasks) {
    std::string label = t.name + "\n" + kind_word(t);
    if (t.output) label += " " + t.output->dotted();
    std::string shape = t.kind == TaskKind::Source ? "shape=cylinder, style=filled, fillcolor=\"#e8f0fe\""
                        : t.kind == TaskKind::Command
                            ? "shape=box, style=\"rounded,filled\", fillcolor=\"#fef7e0\""
                            : "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"";
    if (t.publish) shape += ", penwidth=2.5";
    out << fmt::format("  {} [{}, label={}];\n", dot_quote(t.name), shape, dot_quote(label));
  }
  for (const Task& t : plan.tasks) {
    for (const ExternalDependency& e : t.external) {
      out << fmt::format("  {} -> {} [style=dashed];\n", dot_quote(e.workflow + "." + e.task),
                         dot_quote(t.name));
    }
    for (uint32_t d : t.deps) {
      if (d < plan.tasks.size()) {
        out << fmt::format("  {} -> {};\n", dot_quote(plan.tasks[d].name), dot_quote(t.name));
      }
    }
  }
  out << "}\n";
}

void render_mermaid(const Plan& plan, std::ostream& out) {
  // Node ids are `n0`, `n1`, ...: a name as an id could be a Mermaid keyword
  // (`end`, `style`, `graph`) or collide with another once made an
  // identifier; the names are the quoted labels.
  out << "flowchart LR\n";
  std::vector<std::string> externals = external_names(plan);
  auto external_id = [&](const std::string& name) {
    size_t i = std::find(externals.begin(), externals.end(), name) - externals.begin();
    return fmt::format("n{}", i);
  };
  auto task_id = [&](size_t index) { return fmt::format("n{}", externals.size() + index); };
  for (const std::string& name : externals) {
    out << fmt::format("  {}[\"{}<br/>(other workflow)\"]:::external\n", external_id(name), mermaid_text(name));
  }
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const Task& t = plan.tasks[i];
    std::string label = mermaid_text(t.name) + "<br/>" + kind_word(t);
    if (t.output) label += " " + mermaid_text(t.output->dotted());
    std::string cls = t.kind == TaskKind::Source    ? "source"
                      : t.kind == TaskKind::Command ? "command"
                                                    : "task";
    if (t.kind == TaskKind::Source) {
      out << fmt::format("  {}[(\"{}\")]:::{}\n", task_id(i), label, cls);
    } else {
      out << fmt::format("  {}(\"{}\"):::{}\n", task_id(i), label, t.publish ? "published" : cls);
    }
  }
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const Task& t = plan.tasks[i];
    for (const ExternalDependency& e : t.external) {
      out << fmt::format("  {} -.-> {}\n", external_id(e.workflow + "." + e.task), task_id(i));
    }
    for (uint32_t d : t.deps) {
      if (d < plan.tasks.size()) out << fmt::format("  {} --> {}\n", task_id(d), task_id(i));
    }
  }
  out << "  classDef source fill:#e8f0fe,stroke:#4a6fa5\n";
  out << "  classDef task fill:#ffffff,stroke:#555555\n";
  out << "  classDef command fill:#fef7e0,stroke:#b08800\n";
  out << "  classDef published fill:#ffffff,stroke:#222222,stroke-width:3px\n";
  out << "  classDef external fill:#f5f5f5,stroke:#888888,stroke-dasharray:5 5\n";
}

}  // namespace flowc::plan
