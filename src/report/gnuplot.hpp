// Figures drawn by gnuplot (Debian gnuplot-nox), run as a subprocess.
//
// A Figure is data plus plot commands; gnuplot_script() turns it into one
// self-contained script (the data inline as datablocks) that draws the figure
// twice, as NAME.png (pngcairo) and NAME.svg. The script is kept beside the
// images (NAME.gp) so a figure can be restyled and redrawn by hand:
// `cd report/figures && gnuplot NAME.gp`.
#pragma once

#include <string>
#include <vector>

namespace lmgaze::report {

// One plot inside a figure; the panels of a figure are stacked top to bottom.
struct Panel {
  std::string title;
  std::string xlabel, ylabel;
  std::vector<std::string> settings;  // gnuplot lines before the plot (ranges, tics, labels)
  std::vector<std::string> plots;     // clauses of one `plot` command, e.g.
                                      // "$res using 1:2 with linespoints ls 1 title 'toy-m'"
};

struct Figure {
  std::string name;     // file stem
  std::string title;    // over the whole figure (multiplot title when several panels)
  std::string caption;  // one paragraph for index.md
  int width = 1000;     // pixels of the PNG (the SVG has the same size)
  int height = 560;
  // Datablocks: name without '$' -> lines of whitespace-separated columns;
  // strings in double quotes (use quoted()).
  std::vector<std::pair<std::string, std::vector<std::string>>> data;
  std::vector<Panel> panels;
};

// A string as a gnuplot datablock field or string literal: in double quotes,
// with '"' and '\' escaped.
std::string quoted(const std::string& text);
// A number as a datablock field ("NaN" for NaN, which the script treats as missing).
std::string field(double value);

// Line types set by every script: 1..kPaletteSize a colour-blind-safe palette
// (the same model gets the same one in every figure), kReferenceStyle grey
// dashed for reference lines, kFitStyle black for fitted lines. Plot clauses
// use them as "lt K" (or "lc variable" with K in a column).
constexpr int kPaletteSize = 8;
constexpr int kReferenceStyle = 20;
constexpr int kFitStyle = 21;

// The script that draws `figure` into NAME.png and NAME.svg in the current directory.
std::string gnuplot_script(const Figure& figure);

// The gnuplot executable: $LMGAZE_GNUPLOT if set, else `gnuplot` on PATH.
// Throws InputError with one line saying how to install it when there is none.
std::string find_gnuplot();

// Writes DIR/NAME.gp and runs `gnuplot NAME.gp` in DIR; checks that NAME.png
// and NAME.svg exist and are not empty. Throws InputError naming the script
// and gnuplot's first error line when it fails.
void render(const Figure& figure, const std::string& dir, const std::string& gnuplot);

}  // namespace lmgaze::report
