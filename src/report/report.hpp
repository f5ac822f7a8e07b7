// lmgaze report: a run's tables and figures, and an index that says what they show.
//
// Reads OUT/manifest.json (src/run/LAYOUT.md) and the tables it lists, and
// writes OUT/report/:
//   index.md              the findings in words, the figures, the main tables
//   tables/NAME.csv, .md  the report's tables (joined across models, stores, groups)
//   figures/NAME.png, .svg, .gp  gnuplot figures (the .gp script redraws them)
// Nothing is written outside OUT/report/. index.md is removed first and written
// last: a report folder with an index is complete (a failed report leaves none).
#pragma once

#include <string>
#include <vector>

namespace lmgaze::report {

struct ReportOptions {
  std::string out_dir;       // OUT, the folder with manifest.json
  bool figures = true;       // false: tables and index only (gnuplot not needed)
  std::string gnuplot;       // gnuplot executable; empty = find_gnuplot()
  std::string generated_by;  // command line, recorded in index.md
  // x of the resemblance-per-layer figures: auto (relative depth when the models
  // differ in depth), layer or depth (figures.hpp).
  std::string layer_axis = "auto";
};

struct ReportResult {
  std::string dir;                   // OUT/report
  std::vector<std::string> figures;  // names (NAME.png, NAME.svg under figures/)
  std::vector<std::string> tables;   // names (NAME.csv, NAME.md under tables/)
  std::vector<std::string> missing;  // stages the manifest lists as not done
  bool simulated = false;            // some human data are simulated
};

ReportResult write_report(const ReportOptions& options);

}  // namespace lmgaze::report
