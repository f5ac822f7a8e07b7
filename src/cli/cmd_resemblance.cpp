// lmgaze resemblance: per layer and reader, R² of the reader's saccade
// matrices regressed on the layer's heads (METHODS.md section 5). Parses the
// command line into the analysis' options; the tables it writes are listed in
// analysis/resemblance_analysis.hpp.
#include <mpi.h>

#include <cmath>
#include <iostream>

#include "analysis/measure_resemblance.hpp"
#include "analysis/pca_resemblance.hpp"
#include "analysis/resemblance_analysis.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "io/attention_file.hpp"

namespace lmgaze::cli {

int run_resemblance(const Args& args) {
  const CommandSpec spec{
      "resemblance",
      "resemblance --model M.h5 --human H.h5 --group G [--target saccades|trt|gd|ffd|nfix|skip|"
      "reg_in|reg_out] [--cv K] [--exclude S,..] --out DIR",
      "For every layer and reader: OLS (with intercept) of the reader's tril saccade matrices\n"
      "on the layer's heads over all sentences, R² in sample; with --cv K also a cross-\n"
      "validated R² (sentence s in fold s mod K; 1 - sum of held-out SSE / sum of squares about\n"
      "each fold's training mean). A reader's sentences with NaN are left out of its fit.\n"
      "Resemblance = mean R² of a layer / the group's noise ceiling (mean over readers of the\n"
      "R² of the reader on the group mean), or the ceiling given with --ceiling.\n"
      "With --cv K also the cross-validated resemblance (METHODS.md 10): in each fold the layer\n"
      "with the best training R² is chosen and scored on the held-out sentences; divided by the\n"
      "cross-validated ceiling (each reader on the group mean without that reader).\n"
      "With --target MEASURE (METHODS.md 11): the reader's per-word reading measure regressed\n"
      "on the attention each word receives from each head (resemblance_MEASURE*.csv)."};
  po::options_description opts;
  opts.add_options()("model", po::value<std::string>()->required(), "attention file")(
      "human", po::value<std::string>()->required(), "human store (lmgaze human import)")(
      "group", po::value<std::string>()->required(), "reader group, e.g. L1")(
      "view", po::value<std::string>()->default_value("count"), "count | duration")(
      "target", po::value<std::string>()->default_value("saccades"),
      "saccades (the saccade matrices) or a reading measure: trt, gd, ffd, nfix, skip, reg_in, "
      "reg_out")("exclude", po::value<std::string>()->default_value(""),
                 "comma-separated subjects of the group to leave out")(
      "cv", po::value<int>()->default_value(0), "K >= 2: also cross-validated R² with K folds")(
      "bootstrap", po::value<int>()->default_value(0),
      "B >= 1: 95% percentile intervals over B resamples of readers (1000 is usual)")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the bootstrap resamples")(
      "pca-k", po::value<int>()->default_value(0),
      "k >= 1 (with --cv K): also the fixed-capacity resemblance on the first k principal "
      "components of each layer's heads (k = the smallest head count of the compared models)")(
      "ceiling", po::value<double>(), "use this noise ceiling instead of computing it")(
      "ceiling-leave-one-out", po::bool_switch(),
      "computed ceiling: group mean without the reader itself (default: with it)")(
      "label", po::value<std::string>(), "model name in the tables (default: file name)")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  const std::string target = (*vm)["target"].as<std::string>();
  if (target != "saccades") {
    // Options of the saccade analysis only: refused rather than ignored.
    const bool saccade_only_given = (*vm)["bootstrap"].as<int>() != 0 ||
                                    (*vm)["pca-k"].as<int>() != 0 || vm->count("ceiling") ||
                                    (*vm)["ceiling-leave-one-out"].as<bool>() ||
                                    (*vm)["view"].as<std::string>() != "count";
    if (saccade_only_given)
      throw InputError(
          "lmgaze resemblance: --bootstrap, --pca-k, --ceiling, --ceiling-leave-one-out and "
          "--view are for --target saccades, not " +
          target);
    analysis::MeasureResemblanceOptions m;
    m.model_path = (*vm)["model"].as<std::string>();
    m.human_path = (*vm)["human"].as<std::string>();
    m.group = (*vm)["group"].as<std::string>();
    m.measure = target;
    m.exclude = split_list((*vm)["exclude"].as<std::string>());
    m.cv_folds = (*vm)["cv"].as<int>();
    const std::string label =
        vm->count("label") ? (*vm)["label"].as<std::string>() : analysis::file_label(m.model_path);
    analysis::measure_resemblance_analysis(m, label, (*vm)["out"].as<std::string>(),
                                           analysis::command_line(spec.name, args), MPI_COMM_WORLD,
                                           std::cout);
    return 0;
  }
  analysis::ResemblanceOptions o;
  o.model_path = (*vm)["model"].as<std::string>();
  o.human_path = (*vm)["human"].as<std::string>();
  o.group = (*vm)["group"].as<std::string>();
  o.view = (*vm)["view"].as<std::string>();
  o.exclude = split_list((*vm)["exclude"].as<std::string>());
  o.cv_folds = (*vm)["cv"].as<int>();
  o.bootstrap = (*vm)["bootstrap"].as<int>();
  o.seed = (*vm)["seed"].as<uint64_t>();
  if (vm->count("ceiling")) {
    o.ceiling = (*vm)["ceiling"].as<double>();
    if (std::isnan(o.ceiling)) throw InputError("--ceiling: a noise ceiling is in (0, 1], not nan");
  }
  o.ceiling_leave_one_out = (*vm)["ceiling-leave-one-out"].as<bool>();
  analysis::refuse_first(analysis::validate(o, {}));  // the sentence count: once the file is open
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string label =
      vm->count("label") ? (*vm)["label"].as<std::string>() : analysis::file_label(o.model_path);

  // The fixed-capacity variant's options are checked before anything is written.
  const int pca_k = (*vm)["pca-k"].as<int>();
  if (pca_k != 0) {
    if (o.cv_folds < 2)
      throw InputError(
          "lmgaze resemblance: --pca-k needs --cv K (its components come from the "
          "training sentences of each fold)");
    const int heads = AttentionReader(o.model_path).n_heads();
    if (pca_k < 1 || pca_k > heads)
      throw InputError(o.model_path, "--pca-k " + std::to_string(pca_k) + ": the model has " +
                                         std::to_string(heads) +
                                         " heads per layer (1 <= k <= heads)");
  }
  analysis::resemblance_analysis({o, label, out, analysis::command_line(spec.name, args)},
                                 MPI_COMM_WORLD, std::cout);
  if (pca_k != 0) {
    analysis::PcaResemblanceOptions pca;
    pca.model_path = o.model_path;
    pca.human_path = o.human_path;
    pca.group = o.group;
    pca.view = o.view;
    pca.exclude = o.exclude;
    pca.folds = o.cv_folds;
    pca.components = pca_k;
    const analysis::PcaResemblanceResult r = analysis::run_pca_resemblance(pca, MPI_COMM_WORLD);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      analysis::write_pca_resemblance(r, pca, label, out, analysis::command_line(spec.name, args),
                                      std::cout);
  }
  return 0;
}

}  // namespace lmgaze::cli
