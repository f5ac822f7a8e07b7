// The report's figures, one per question of the paper (METHODS.md 3, 5, 6, 7, 8):
//
//   divergence                 JS divergence per layer / part, with the reference pair
//   prefix                     JS divergence plain vs instruction prefix vs noise prefix
//   resemblance.S.G            R² per layer per model (right axis: share of the noise ceiling);
//                              x = layer index or relative depth, bootstrap intervals if any
//   heads.M.S.G                per-head resemblance of model M, layer × head map
//   tuning.T.S.G               base vs tuned per layer with standard errors; the paired
//                              difference, significant rises and falls marked differently
//   scaling.S.G                best-layer resemblance against log10(parameters), fitted line
//   ntp.S.G                    next-token loss against resemblance, fitted line
//   trivial                    trivial-pattern reliance per layer; change from base to tuned
//   trivial_readers            reliance of each reader group (L1 vs L2), readers as points
//
// (S = human store, G = group, T = tuned model.) A figure whose data the run
// does not have is left out.
#pragma once

#include <string>
#include <vector>

#include "report/gnuplot.hpp"
#include "report/study.hpp"

namespace lmgaze::report {

struct FigureOptions {
  // x of the resemblance-per-layer figure: "layer" (index), "depth" ((layer + 0.5) /
  // layers) or "auto" (depth when the models of a figure differ in depth).
  std::string layer_axis = "auto";
};

std::vector<Figure> make_figures(const Study& study, const FigureOptions& options = {});

// Whether the resemblance figure of (store, group) uses relative depth;
// InputError for a layer_axis other than auto, layer and depth.
bool relative_depth(const Study& study, const std::string& layer_axis, const std::string& store,
                    const std::string& group);

// Line style (1..kPaletteSize) of a model: its place in the manifest, so a
// model has the same colour in every figure.
int model_style(const Manifest& manifest, const std::string& model);

}  // namespace lmgaze::report
