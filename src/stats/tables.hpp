// From the analysis commands' CSV tables to the samples the tests take.
//
// These functions know column names and rows, not statistics beyond calling
// ttest.hpp: paired_analysis, groups_analysis and fit_analysis (the typed
// calls behind `lmgaze stats`) are reading, printing and writing around
// them. A value that is empty, "nan" or "NA" is missing: its row (or pair) is
// dropped and counted, never read as zero.
#pragma once

#include <string>
#include <vector>

#include "stats/csv.hpp"
#include "stats/ttest.hpp"

namespace lmgaze::stats {

// The rows a command uses: a table and the rows that passed its filters.
struct TableRows {
  const CsvTable* table = nullptr;
  std::vector<const CsvRow*> rows;
};
TableRows select_rows(const CsvTable& table, const std::vector<ColumnFilter>& filters);

// ---- stats paired: one paired t-test per layer -------------------------------------------

// A paired test pairs the same people. When both tables have a `group`
// column, InputError unless the rows used hold one group and it is the same in
// both (an L1 table against an L2 table shares reader ids, not readers).
void require_same_group(const TableRows& a, const TableRows& b);

struct PairedColumns {
  std::string key = "layer";        // one test per value of this column
  std::string subject = "subject";  // pairs a row of a with the row of b for the same reader
  std::string value = "r2";         // the number compared
};

struct LayerTest {
  std::string key;           // the layer
  PairedTTest test;          // differences b − a over the readers both tables have
  double p_bonferroni = 1;   // min(1, p · number of layers)
  bool significant = false;  // p < alpha / number of layers
};

struct LayerwiseComparison {
  std::vector<LayerTest> layers;  // numeric order when every key is an integer, else a's order
  double alpha = 0.05;
  double threshold = 0.05;  // alpha / layers.size()
  int higher = 0;           // significant layers with mean(b − a) > 0
  int lower = 0;            // significant layers with mean(b − a) < 0
  long unpaired = 0;        // (layer, reader) rows present in only one table
  long missing = 0;         // pairs dropped because either value is missing
};

// Rows whose key is "max" (the best-layer summary row) are ignored. Throws
// InputError for a missing column, a (layer, reader) seen twice in one table,
// a layer in only one table, or a layer where the test is undefined (fewer
// than 2 pairs, all differences equal), naming the layer.
LayerwiseComparison compare_layerwise(const TableRows& a, const TableRows& b,
                                      const PairedColumns& columns, double alpha);

// ---- stats groups: one sample per table ---------------------------------------------------

struct Sample {
  std::vector<double> values;  // the present values, in row order
  long missing = 0;            // rows with a missing value
};
Sample column_sample(const TableRows& rows, const std::string& column);

// ---- stats fit: (x, y) points -------------------------------------------------------------

struct Points {
  std::vector<double> x, y;
  std::vector<std::string> x_origin;      // "FILE:LINE" of each x, for messages
  long missing = 0;                       // pairs dropped because x or y is missing
  long unmatched_x = 0, unmatched_y = 0;  // rows without a partner (join only)
};
// x and y from the same rows of one table.
Points points_by_row(const TableRows& rows, const std::string& x_column,
                     const std::string& y_column);
// x and y from two tables, rows paired by equal values of `key` (unique in each).
Points points_joined(const TableRows& x_rows, const std::string& x_column, const TableRows& y_rows,
                     const std::string& y_column, const std::string& key);

}  // namespace lmgaze::stats
