// The one reading of a DSN's written passwords, shared by `flowc check`
// (E0203) and the runtime's masking: the two can no longer disagree on
// what counts as a password. And quote_value, the one way flowc writes a
// value into a DSN it builds.
#include "compiler/dsn/written_passwords.h"

#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <string>
#include <vector>

#include "compiler/dsn/quote.h"
#include "compiler/dsn/withhold.h"

using flowc::dsn::written_passwords;
using V = std::vector<std::string>;

TEST_CASE("written_passwords reads key/value, quoted, URI userinfo and URI query passwords as written") {
  CHECK(written_passwords("host=db password=plain dbname=wh") == V{"plain"});
  CHECK(written_passwords("host=db password='a b c' dbname=wh") == V{"a b c"});
  CHECK(written_passwords("postgresql://etl:S3cr%40t@db:5432/wh") == V{"S3cr%40t"});
  CHECK(written_passwords("postgresql://u@h/x?sslmode=require&password=q%7Ay") == V{"q%7Ay"});
  CHECK(written_passwords("postgresql://u:SECRETPW@[::1") == V{"SECRETPW"});  // does not parse
}

TEST_CASE("written_passwords reads them as libpq does: blanks around the =, escapes, a value after blanks") {
  CHECK(written_passwords("host=db user=x password = LEAKPW") == V{"LEAKPW"});
  CHECK(written_passwords("host=db password=\t'it''s'") == V{"it"});
  CHECK(written_passwords("host=db password='it\\'s' dbname=x") == V{"it\\'s"});
  CHECK(written_passwords("host=db password=a\\ b dbname=x") == V{"a\\ b"});
  // libpq skips the blanks after `=`: this password is "dbname=x".
  CHECK(written_passwords("host=db password= dbname=x") == V{"dbname=x"});
  CHECK(written_passwords("user=password dbname=x") == V{});
}

TEST_CASE("written_passwords finds none where none is written, nor an empty one") {
  CHECK(written_passwords("host=/tmp dbname=x") == V{});
  CHECK(written_passwords("postgresql://u@h/x") == V{});
  CHECK(written_passwords("postgresql://h:5432/x") == V{});  // a port is not a password
  CHECK(written_passwords("host=db password=") == V{});
  CHECK(written_passwords("host=db password='' dbname=x") == V{});
  CHECK(written_passwords("postgresql://u:@h/x") == V{});
}

TEST_CASE("quote_value writes a value libpq reads back whole, blanks, quotes and backslashes included") {
  using flowc::dsn::quote_value;
  CHECK(quote_value("/tmp/x/.flow/pg") == "'/tmp/x/.flow/pg'");
  CHECK(quote_value("") == "''");
  CHECK(quote_value("/tmp/sp ace/p") == "'/tmp/sp ace/p'");
  CHECK(quote_value("q'uote\\back") == "'q\\'uote\\\\back'");
  CHECK(quote_value("a=b é") == "'a=b é'");
  for (std::string value : {"/tmp/sp ace/p", "q'uote\\back", "it''s", "\\'", "a=b c=d", "", "é ü"}) {
    CAPTURE(value);
    std::string dsn = "host=" + quote_value(value) + " dbname=x";
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
    REQUIRE_MESSAGE(options != nullptr, (error ? error : ""));
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::string(o->keyword) == "host") CHECK(std::string(o->val ? o->val : "") == value);
      if (std::string(o->keyword) == "dbname") CHECK(std::string(o->val ? o->val : "") == "x");
    }
    PQconninfoFree(options);
  }
}

TEST_CASE(
    "mask_secrets replaces each secret's bytes one for one, so a snippet's underline keeps its columns") {
  using flowc::dsn::mask_secrets;
  CHECK(mask_secrets(R"(  dsn = "postgresql://etl:hunter2@db.internal/warehouse";)") ==
        R"(  dsn = "postgresql://etl:*******@db.internal/warehouse";)");
  CHECK(mask_secrets(R"(notify = [webhook("https://alice:s3cretpass@hooks.example.com/x"), stderr(1)])") ==
        R"(notify = [webhook("https://alice:**********@hooks.example.com/x"), stderr(1)])");
  CHECK(mask_secrets("PGPASSWORD=pw12 psql -h db") == "PGPASSWORD=**** psql -h db");
  CHECK(mask_secrets("  owner = \"analytics\"") == "  owner = \"analytics\"");
  // Where a secret is kept is no secret.
  CHECK(mask_secrets("psql --password-file=/etc/pw TOKEN_PATH=/run/t") ==
        "psql --password-file=/etc/pw TOKEN_PATH=/run/t");
}
