// `lmgaze check`: do a job's fresh tables reproduce stored expected ones?
//
// Every CSV table the job's graph writes under analysis/ and stats/ is compared
// with the file at the same OUT-relative path under the expected directory:
// same columns, same number of rows, text fields equal, and numbers within
//   |fresh - expected| <= atol + rtol * |expected|      (empty/NaN equal only to empty/NaN).
// `#` comment lines are not compared (they hold command lines and paths).
// A value outside the tolerance, a different shape, or an expected table the
// run did not write is a regression. Tables with no expected counterpart are
// listed as new and not compared.
#pragma once

#include <ostream>
#include <string>

#include "run/graph.hpp"
#include "run/job.hpp"

namespace lmgaze::run {

struct Tolerance {
  double rtol = 1e-5;
  double atol = 1e-9;
};

struct CheckSummary {
  int tables = 0;      // compared
  long values = 0;     // numbers compared
  long moved = 0;      // numbers outside the tolerance
  int changed = 0;     // tables with a moved value or a different shape
  int missing = 0;     // expected tables the run did not write
  int new_tables = 0;  // fresh tables without an expected one
  bool regression() const { return moved > 0 || changed > 0 || missing > 0; }
};

// Prints what moved (at most `max_lines` lines per table) and a closing verdict.
CheckSummary check_tables(const Job& job, const Graph& graph, const std::string& expected_dir,
                          const Tolerance& tolerance, std::ostream& out, int max_lines = 10);

// Copies the job's fresh tables into `expected_dir` (same relative paths): the
// reference a later check compares against. Returns the number of tables copied.
int store_expected(const Job& job, const Graph& graph, const std::string& expected_dir,
                   std::ostream& out);

}  // namespace lmgaze::run
