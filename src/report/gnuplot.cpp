#include "report/gnuplot.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "report/subprocess.hpp"
#include "report/tables.hpp"

namespace lmgaze::report {

namespace fs = std::filesystem;

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";  // gnuplot breaks a double-quoted label at \n
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string field(double value) { return std::isfinite(value) ? full(value) : "NaN"; }

namespace {

// Paul Tol's "bright" scheme plus black: distinguishable with colour blindness.
const char* const kColours[kPaletteSize] = {"#4477AA", "#EE6677", "#228833", "#CCBB44",
                                            "#66CCEE", "#AA3377", "#000000", "#BBBBBB"};
const int kPoints[kPaletteSize] = {7, 5, 9, 11, 13, 15, 3, 1};

std::string style(const Figure& f) {
  std::ostringstream s;
  s << "set encoding utf8\n"
       "set datafile missing NaN\n"
       "set border lw 1.2\n"
       "set grid lc rgb '#e0e0e0' lw 1\n"
       "set key outside right top vertical Left reverse spacing 1.3 samplen 2.5 noenhanced\n"
       "set offsets 0, 0, graph 0.06, 0\n"
       "set style fill transparent solid 0.6 noborder\n";
  for (int k = 0; k < kPaletteSize; ++k)
    s << "set linetype " << k + 1 << " lc rgb '" << kColours[k] << "' lw 2.2 pt " << kPoints[k]
      << " ps 1.3 dt 1\n";
  // Reference lines (grey dashed) and fitted lines (black).
  s << "set linetype " << kReferenceStyle << " lc rgb '#555555' lw 2 pt 6 ps 1.2 dt 2\n"
    << "set linetype " << kFitStyle << " lc rgb '#000000' lw 1.8 pt 7 ps 1 dt 1\n";
  (void)f;
  return s.str();
}

std::string panel_commands(const Figure& f, const Panel& p) {
  std::ostringstream s;
  s << "reset\n" << style(f);
  if (!p.title.empty()) s << "set title " << quoted(p.title) << " noenhanced\n";
  if (!p.xlabel.empty()) s << "set xlabel " << quoted(p.xlabel) << " noenhanced\n";
  if (!p.ylabel.empty()) s << "set ylabel " << quoted(p.ylabel) << " noenhanced\n";
  for (const auto& line : p.settings) s << line << "\n";
  s << "plot ";
  for (size_t k = 0; k < p.plots.size(); ++k) s << (k ? ", \\\n     " : "") << p.plots[k];
  s << "\n";
  return s.str();
}

std::string draw(const Figure& f) {
  std::ostringstream s;
  if (f.panels.size() > 1) {
    s << "set multiplot layout " << f.panels.size() << ",1";
    if (!f.title.empty()) s << " title " << quoted(f.title) << " font ',13' noenhanced";
    s << "\n";
  }
  for (const auto& p : f.panels) {
    if (f.panels.size() == 1 && !f.title.empty()) {
      // One panel: the figure's title on top, the panel's under it.
      Panel titled = p;
      titled.title = f.title + (p.title.empty() ? "" : "\n" + p.title);
      s << panel_commands(f, titled);
    } else {
      s << panel_commands(f, p);
    }
  }
  if (f.panels.size() > 1) s << "unset multiplot\n";
  return s.str();
}

}  // namespace

std::string gnuplot_script(const Figure& f) {
  std::ostringstream s;
  s << "# " << f.name << ": written by lmgaze report; redraw with `gnuplot " << f.name << ".gp`\n";
  if (!f.caption.empty()) s << "# " << f.caption << "\n";
  for (const auto& [name, lines] : f.data) {
    s << "$" << name << " << EOD\n";
    for (const auto& l : lines) s << l << "\n";
    s << "EOD\n";
  }
  const std::string font = "font 'DejaVu Sans,11'";
  s << "\nset terminal pngcairo size " << f.width << "," << f.height << " noenhanced " << font
    << " background rgb 'white'\n"
    << "set output " << quoted(f.name + ".png") << "\n"
    << draw(f) << "unset output\n\n"
    << "set terminal svg size " << f.width << "," << f.height << " noenhanced " << font
    << " background rgb 'white'\n"
    << "set output " << quoted(f.name + ".svg") << "\n"
    << draw(f) << "unset output\n";
  return s.str();
}

std::string find_gnuplot() {
  const char* env = std::getenv("LMGAZE_GNUPLOT");
  if (env && *env) {
    if (::access(env, X_OK) != 0)
      throw InputError(std::string("lmgaze report: LMGAZE_GNUPLOT=") + env +
                       " is not an executable (figures need gnuplot: apt-get install gnuplot-nox)");
    return env;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw InputError(
      "lmgaze report: gnuplot not found on PATH; the figures need it (Debian: apt-get install "
      "gnuplot-nox), or set LMGAZE_GNUPLOT to its path");
}

void render(const Figure& f, const std::string& dir, const std::string& gnuplot) {
  const std::string script = f.name + ".gp";
  write_text(dir + "/" + script, gnuplot_script(f));
  const std::string log = dir + "/" + f.name + ".log";
  const std::string png = dir + "/" + f.name + ".png", svg = dir + "/" + f.name + ".svg";
  fs::remove(png);
  fs::remove(svg);

  // gnuplot SCRIPT in DIR, stdout and stderr to NAME.log; shielded from the
  // signals that stop lmgaze (report/subprocess.hpp).
  const std::string abs_script = (fs::absolute(dir) / script).string();
  const int status = run_helper(gnuplot, {abs_script}, dir, log);
  auto first_error = [&log]() {
    std::ifstream in(log);
    std::string line, found;
    while (std::getline(in, line)) {
      if (line.find_first_not_of(" ^\t") == std::string::npos) continue;
      if (found.empty()) found = line;
      if (line.find("rror") != std::string::npos || line.find("arning") != std::string::npos) {
        found = line;
        break;
      }
    }
    return found.empty() ? std::string("no message") : found;
  };
  if (WIFSIGNALED(status))
    throw InputError(dir + "/" + script, "gnuplot was killed by signal " +
                                             std::to_string(WTERMSIG(status)) + " (" +
                                             strsignal(WTERMSIG(status)) + ")");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw InputError(dir + "/" + script,
                     "gnuplot failed: " + first_error() + " (full log: " + f.name + ".log)");
  for (const auto& out : {png, svg}) {
    std::error_code ec;
    if (!fs::exists(out, ec) || fs::file_size(out, ec) == 0)
      throw InputError(dir + "/" + script, "gnuplot wrote no " + fs::path(out).filename().string() +
                                               ": " + first_error());
  }
  // A clean run leaves an empty log behind: remove it.
  std::error_code ec;
  if (fs::file_size(log, ec) == 0) fs::remove(log, ec);
}

}  // namespace lmgaze::report
