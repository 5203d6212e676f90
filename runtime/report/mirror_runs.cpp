#include "runtime/report/mirror_runs.h"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "runtime/connect/fields.h"
#include "runtime/report/state_read.h"
#include "runtime/state/schema.h"

namespace flowc::runtime::report {

std::vector<MirrorRun> read_mirror_runs(const StateDatabase& db, const std::string& workflow,
                                        uint32_t with_plan, bool by_ds, std::string& error) {
  std::vector<MirrorRun> runs;
  ReadStatus status = state_read::read_snapshot(db, [&](pqxx::transaction_base& tx) {
    std::string runs_table = runtime::state::with_schema("{schema}.runs", db.schema);
    const char* key = by_ds ? "ds" : "id";
    pqxx::result r = tx.exec_params(
        fmt::format(
            "select l.id, l.ds::text, l.status, l.parity::text, case when l.newest <= $2 then r.plan::text "
            "end from (select id, ds, status, parity, row_number() over (order by {0} desc) as newest "
            "from (select distinct on ({0}) id, ds, status, parity from {1} where workflow = $1 and env = "
            "'' and stage = 'mirror' order by {0} desc, id desc) d) l "
            "join {1} r on r.id = l.id order by l.{0} desc",
            key, runs_table),
        workflow, with_plan);
    for (const auto& row : r) {
      MirrorRun run;
      run.id = row[0].as<int64_t>();
      run.ds = row[1].as<std::string>();
      run.status = row[2].as<std::string>();
      if (!row[3].is_null()) run.parity = runtime::parity::from_json(row[3].as<std::string>());
      run.plan = runtime::nullable<std::string>(row[4]);
      runs.push_back(std::move(run));
    }
  });
  if (!status.ok) error = status.error;
  return runs;
}

}  // namespace flowc::runtime::report
