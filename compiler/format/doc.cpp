#include "compiler/format/doc.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace flowc::format {

DocId Docs::add(DocNode node) {
  nodes_.push_back(std::move(node));
  return static_cast<DocId>(nodes_.size() - 1);
}

DocId Docs::text(std::string s) {
  DocNode n;
  n.kind = DocKind::Text;
  n.text = std::move(s);
  return add(std::move(n));
}

DocId Docs::concat(std::vector<DocId> kids) {
  DocNode n;
  n.kind = DocKind::Concat;
  n.kids = std::move(kids);
  return add(std::move(n));
}

DocId Docs::indent(DocId kid) {
  DocNode n;
  n.kind = DocKind::Indent;
  n.kids = {kid};
  return add(std::move(n));
}

DocId Docs::group(DocId kid, GroupMode mode) {
  DocNode n;
  n.kind = DocKind::Group;
  n.mode = mode;
  n.kids = {kid};
  return add(std::move(n));
}

DocId Docs::line(std::string flat) {
  DocNode n;
  n.kind = DocKind::Line;
  n.text = std::move(flat);
  return add(std::move(n));
}

DocId Docs::hard_line() {
  DocNode n;
  n.kind = DocKind::HardLine;
  return add(std::move(n));
}

DocId Docs::if_break(std::string s) {
  DocNode n;
  n.kind = DocKind::IfBreak;
  n.text = std::move(s);
  return add(std::move(n));
}

DocId Docs::trailing_comment(std::string s, uint32_t comment_group) {
  DocNode n;
  n.kind = DocKind::TrailingComment;
  n.text = std::move(s);
  n.comment_group = comment_group;
  return add(std::move(n));
}

DocId Docs::continuation_comment(std::string s, uint32_t comment_group) {
  DocNode n;
  n.kind = DocKind::ContinuationComment;
  n.text = std::move(s);
  n.comment_group = comment_group;
  return add(std::move(n));
}

DocId Docs::text_block(std::vector<std::string> lines, std::string content_indent, bool verbatim) {
  DocNode n;
  n.kind = DocKind::TextBlock;
  n.lines = std::move(lines);
  n.text = std::move(content_indent);
  n.verbatim = verbatim;
  return add(std::move(n));
}

int text_width(std::string_view s) {
  int w = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++w;
  }
  return w;
}

namespace {

enum class Mode : uint8_t { Flat, Break };

struct Cmd {
  int indent;
  Mode mode;
  DocId doc;
};

/// One output line: code, then optionally a trailing comment that is aligned
/// with the other comments of its group once every line is known.
struct OutLine {
  std::string code;
  std::string comment;
  uint32_t group = 0;
  bool has_comment = false;
  bool continuation = false;
  bool raw = false;  // holds text-block content: never trimmed
};

class Printer {
 public:
  Printer(const Docs& docs, int width) : docs_(docs), width_(width), forced_(docs.size(), -1) {}

  std::string run(DocId root) {
    lines_.emplace_back();
    std::vector<Cmd> cmds{{0, Mode::Break, root}};
    while (!cmds.empty()) {
      Cmd c = cmds.back();
      cmds.pop_back();
      step(c, cmds);
    }
    return assemble();
  }

 private:
  /// True when `id` holds a comment or hard line: its groups cannot be flat.
  bool forced(DocId id) {
    if (forced_[id] >= 0) return forced_[id] != 0;
    const DocNode& n = docs_.node(id);
    bool result = false;
    switch (n.kind) {
      case DocKind::HardLine:
      case DocKind::TrailingComment:
      case DocKind::ContinuationComment:
        result = true;
        break;
      case DocKind::Concat:
      case DocKind::Indent:
      case DocKind::Group:
        // Iterative enough for real files: nesting depth is the tree's depth.
        for (DocId kid : n.kids) result = forced(kid) || result;
        break;
      default:
        break;
    }
    forced_[id] = result ? 1 : 0;
    return result;
  }

  OutLine& cur() { return lines_.back(); }

  void append(std::string_view s) {
    cur().code.append(s);
    column_ += text_width(s);
  }

  void newline(int indent) {
    lines_.emplace_back();
    lines_.back().code.assign(static_cast<size_t>(indent), ' ');
    column_ = indent;
    line_indent_ = indent;
  }

  void step(const Cmd& c, std::vector<Cmd>& cmds) {
    const DocNode& n = docs_.node(c.doc);
    switch (n.kind) {
      case DocKind::Text:
        append(n.text);
        break;
      case DocKind::Concat:
        for (auto it = n.kids.rbegin(); it != n.kids.rend(); ++it) cmds.push_back({c.indent, c.mode, *it});
        break;
      case DocKind::Indent:
        cmds.push_back({c.indent + 2, c.mode, n.kids[0]});
        break;
      case DocKind::Group: {
        Mode mode = Mode::Break;
        if (c.mode == Mode::Flat) {
          mode = Mode::Flat;
        } else if (n.mode == GroupMode::Break || forced(c.doc)) {
          mode = Mode::Break;
        } else if (n.mode == GroupMode::Flat) {
          mode = Mode::Flat;
        } else {
          mode = fits(Cmd{c.indent, Mode::Flat, n.kids[0]}, cmds, width_ - column_) ? Mode::Flat : Mode::Break;
        }
        cmds.push_back({c.indent, mode, n.kids[0]});
        break;
      }
      case DocKind::Line:
        if (c.mode == Mode::Flat) {
          append(n.text);
        } else {
          newline(c.indent);
        }
        break;
      case DocKind::HardLine:
        newline(c.indent);
        break;
      case DocKind::IfBreak:
        if (c.mode == Mode::Break) append(n.text);
        break;
      case DocKind::TrailingComment:
        cur().comment = n.text;
        cur().group = n.comment_group;
        cur().has_comment = true;
        break;
      case DocKind::ContinuationComment:
        cur().code.clear();
        cur().comment = n.text;
        cur().group = n.comment_group;
        cur().has_comment = true;
        cur().continuation = true;
        break;
      case DocKind::TextBlock:
        print_text_block(n);
        break;
    }
  }

  void print_text_block(const DocNode& n) {
    if (n.lines.empty()) return;
    if (n.verbatim) {
      append(n.lines[0]);
      cur().raw = n.lines.size() > 1;
      for (size_t i = 1; i < n.lines.size(); ++i) {
        lines_.emplace_back();
        cur().raw = i + 1 < n.lines.size();
        append(n.lines[i]);
      }
      return;
    }
    int base = line_indent_;
    append("\"\"\"");
    append(n.lines[0]);
    cur().raw = true;  // text after the opening quotes is content
    for (size_t i = 1; i < n.lines.size(); ++i) {
      bool last = i + 1 == n.lines.size();
      lines_.emplace_back();
      column_ = 0;
      cur().raw = !last;
      if (!n.lines[i].empty()) {
        append(std::string(static_cast<size_t>(base), ' '));
        append(n.text);
        append(n.lines[i]);
      } else if (last) {
        append(std::string(static_cast<size_t>(base), ' '));
      }
    }
    append("\"\"\"");
    // Lines after the block (`""") == 0`) continue at the block's base.
    line_indent_ = base;
  }

  /// Whether `next` printed flat, followed by the rest of `cmds` up to their
  /// first possible line break, fits in `width` columns.
  bool fits(Cmd next, const std::vector<Cmd>& cmds, int width) {
    std::vector<Cmd> stack{next};
    size_t rest = cmds.size();
    while (width >= 0) {
      if (stack.empty()) {
        if (rest == 0) return true;
        stack.push_back(cmds[--rest]);
      }
      Cmd c = stack.back();
      stack.pop_back();
      const DocNode& n = docs_.node(c.doc);
      switch (n.kind) {
        case DocKind::Text:
          width -= text_width(n.text);
          break;
        case DocKind::Concat:
          for (auto it = n.kids.rbegin(); it != n.kids.rend(); ++it) stack.push_back({c.indent, c.mode, *it});
          break;
        case DocKind::Indent:
          stack.push_back({c.indent + 2, c.mode, n.kids[0]});
          break;
        case DocKind::Group: {
          Mode mode = c.mode;
          if (n.mode == GroupMode::Flat) mode = Mode::Flat;
          if (n.mode == GroupMode::Break || forced(c.doc)) mode = Mode::Break;
          stack.push_back({c.indent, mode, n.kids[0]});
          break;
        }
        case DocKind::Line:
          if (c.mode == Mode::Break) return true;
          width -= text_width(n.text);
          break;
        case DocKind::HardLine:
          return true;
        case DocKind::IfBreak:
          if (c.mode == Mode::Break) width -= text_width(n.text);
          break;
        case DocKind::TrailingComment:
        case DocKind::ContinuationComment:
          break;
        case DocKind::TextBlock:
          // The line ends inside the block: only its first line counts.
          width -= (n.verbatim ? 0 : 3) + (n.lines.empty() ? 0 : text_width(n.lines[0]));
          if (n.verbatim && n.lines.size() == 1) break;  // a block on one line
          return width >= 0;
      }
    }
    return false;
  }

  static void rtrim(std::string& s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  }

  std::string assemble() {
    for (OutLine& l : lines_) {
      std::string indentation = l.code;
      if (!l.raw) rtrim(l.code);
      if (l.has_comment && !l.continuation && l.code.empty()) {
        // A comment alone on its line keeps the line's indentation.
        l.code = indentation + l.comment;
        l.has_comment = false;
      }
    }
    // The trailing comments of one group share a column: two spaces after
    // the longest code among the lines that carry one.
    std::unordered_map<uint32_t, int> group_column;
    for (const OutLine& l : lines_) {
      if (l.has_comment && !l.continuation) {
        int& col = group_column[l.group];
        col = std::max(col, text_width(l.code) + 2);
      }
    }
    std::vector<int> column(lines_.size(), 0);
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i].has_comment) column[i] = group_column[lines_[i].group];
    }
    std::string out;
    for (size_t i = 0; i < lines_.size(); ++i) {
      const OutLine& l = lines_[i];
      std::string text = l.code;
      if (l.has_comment) {
        int col = column[i];
        int pad = std::max(col - text_width(text), text.empty() ? 0 : 1);
        text.append(static_cast<size_t>(pad), ' ');
        text.append(l.comment);
        rtrim(text);
      }
      out += text;
      out += '\n';
    }
    // Exactly one final newline; no leading or trailing blank lines.
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
    size_t first = out.find_first_not_of('\n');
    if (first == std::string::npos) return "";
    return out.substr(first);
  }

  const Docs& docs_;
  int width_;
  std::vector<int8_t> forced_;
  std::vector<OutLine> lines_;
  int column_ = 0;
  int line_indent_ = 0;
};

}  // namespace

std::string render(const Docs& docs, DocId root, int width) { return Printer(docs, width).run(root); }

}  // namespace flowc::format
