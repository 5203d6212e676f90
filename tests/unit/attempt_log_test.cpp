// The attempt log's streamed output: whole lines as they come, and secrets
// scrubbed however the output is split into chunks.
#include "runtime/materialize/attempt_log.h"
#include "runtime/materialize/runner.h"

#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

using flowc::runtime::AttemptLog;

namespace {

/// A log in a fresh file; `text()` is what it holds so far, without the
/// timestamps (each line's first word).
struct LogFile {
  std::string path = std::filesystem::temp_directory_path() /
                     ("flowc-attempt-log-test-" + std::to_string(::getpid()) + ".log");
  LogFile() { std::filesystem::remove(path); }
  ~LogFile() { std::filesystem::remove(path); }
  std::string text() const {
    std::ifstream in(path);
    std::string line, out;
    while (std::getline(in, line)) out += line.substr(line.find(' ') + 1) + "\n";
    return out;
  }
};

}  // namespace

TEST_CASE("output is written line by line as it comes, a partial line when it ends") {
  LogFile file;
  AttemptLog log(file.path);
  log.output("one\ntw");
  CHECK(file.text() == "| one\n");
  log.output("o\nthree");
  CHECK(file.text() == "| one\n| two\n");
  log.end_output();
  CHECK(file.text() == "| one\n| two\n| three\n");
}

TEST_CASE("a secret split across chunks is scrubbed whole") {
  LogFile file;
  AttemptLog log(file.path);
  log.redact("abcdefgh");
  log.output("abcd");
  log.output("efgh\n");
  log.end_output();
  CHECK(file.text() == "| ***\n");
}

TEST_CASE("output cut short at a secret's start ends in ***, not in the part before the cut") {
  LogFile file;
  AttemptLog log(file.path);
  log.redact("0123456789");
  log.output("yyy01234");
  log.end_output(/*cut_short=*/true);
  CHECK(file.text() == "| yyy***\n");
}

TEST_CASE("a short secret withholds the lines it occurs in, and the log says so once") {
  LogFile file;
  AttemptLog log(file.path);
  log.redact("ta");
  log.redact("ab");
  log.output("drop a staging table\nrows: 3\n");
  log.end_output();
  CHECK(file.text() ==
        "note: a secret of this attempt is shorter than 8 bytes: each line it occurs in is written *** "
        "(masked inside "
        "words, it would be spelt out)\n| ***\n| rows: 3\n");
}

TEST_CASE("a secret with a newline split across chunks is scrubbed whole") {
  LogFile file;
  AttemptLog log(file.path);
  log.redact("key-1\nkey-2");
  log.output("x key-1\n");
  CHECK(file.text().find("key-1") == std::string::npos);
  log.output("key-2 y\n");
  log.end_output();
  std::string text = file.text();
  CHECK(text.find("key-") == std::string::npos);
  CHECK(text.find("***") != std::string::npos);
}

TEST_CASE("a very long line is written in pieces, never splitting a secret") {
  LogFile file;
  AttemptLog log(file.path);
  log.redact("0123456789");
  std::string filler(70 * 1024, '.');
  log.output(filler + "01234");  // longer than a line may wait, ends in half a secret
  std::string text = file.text();
  CHECK(text.size() >= filler.size());
  CHECK(text.find("01234") == std::string::npos);
  log.output("56789\n");
  log.end_output();
  text = file.text();
  CHECK(text.find("***") != std::string::npos);
  CHECK(text.find("0123") == std::string::npos);
}

TEST_CASE("a log that cannot be written says why, naming its path, one that can says nothing") {
  LogFile file;
  {
    AttemptLog log(file.path);
    log.line("fine");
    CHECK(log.error().empty());
  }
  CHECK(file.text() == "fine\n");

  // A full disk: every write fails with ENOSPC.
  AttemptLog full("/dev/full");
  CHECK(full.error().empty());  // opening works
  full.line("lost");
  CHECK(full.error() == "cannot write /dev/full: No space left on device");
  full.block("lost too", "body");
  CHECK(full.error() == "cannot write /dev/full: No space left on device");

  // A parent that is a file: the log cannot be created at all.
  AttemptLog nowhere(file.path + "/under-a-file.log");
  nowhere.line("lost");
  CHECK(nowhere.error() == "cannot open " + file.path + "/under-a-file.log: Not a directory");

  AttemptLog none("");
  none.line("nothing to write to");
  CHECK(none.error().empty());
}

TEST_CASE("the runner's note after the fact goes at the end of the attempt's log, timestamped") {
  LogFile file;
  {
    AttemptLog log(file.path);
    log.line("outcome: succeeded in 41411 ms");
  }
  flowc::runtime::PostgresTaskRunner runner;
  runner.note_in_log(file.path, "not recorded: the lease on this task was lost");
  runner.note_in_log("", "an attempt without a log: nothing is written");
  CHECK(file.text() == "outcome: succeeded in 41411 ms\nnot recorded: the lease on this task was lost\n");
}
