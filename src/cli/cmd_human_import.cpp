// lmgaze human import: fixations or saccade matrices -> one validated human store.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "human/import.hpp"
#include "human/serial.hpp"

namespace lmgaze::cli {

int run_human_import(const Args& args) {
  CommandSpec spec{
      "human import",
      "human import (--text FILE | --sentences CSV) (--fixations CSV | --saccades CSV "
      "[--saccade-durations CSV]) --out HUMAN.h5 [--exclude GROUP:SUBJECT ...]\n"
      "       [--format plain|eyelink|pymovements] [--columns ROLE=COLUMN,...] [--word-base 0|1]\n"
      "       [--delimiter comma|tab] [--trials TRIALS.csv] [--groups GROUPS.csv]",
      "Reads eye-tracking fixations (per reader) or saccade matrices (e.g. the Reading Brain\n"
      "group means), validates every row against the sentences and writes one HDF5 human store\n"
      "with per-group count (and duration) views in the packed tril layout and, from fixations,\n"
      "per-word reading measures. Bad input: one line\n"
      "naming file and line, exit 2, no output left behind."};
  human::ImportOptions o;
  po::options_description options;
  options.add_options()("text", po::value(&o.text), "plain-text corpus the readers read")(
      "sentences", po::value(&o.sentences),
      "instead of --text: CSV with article, sentence, n_words (shape only, no words)")(
      "fixations", po::value(&o.fixations),
      "fixations CSV: group, subject, article, sentence, fixation, word, [duration_ms]")(
      "format", po::value(&o.format),
      "layout of --fixations: plain (default), eyelink (alias eyelink-fixation-report: a Data "
      "Viewer fixation report) or pymovements (fixation events with areas of interest)")(
      "columns", po::value(&o.columns),
      "ROLE=COLUMN,... over the format's names; roles: subject, group, article, sentence, trial, "
      "fixation, word, duration_ms, event")(
      "word-base", po::value(&o.word_base),
      "0 or 1: the index of a sentence's first word in the "
      "word column (default: the format's; plain 0, eyelink 1, pymovements 0)")(
      "delimiter", po::value(&o.delimiter), "comma or tab (default: told by the header)")(
      "trials", po::value(&o.trials),
      "CSV trial, article, sentence[, subject]: the sentence each trial shows")(
      "groups", po::value(&o.groups), "CSV subject, group: each reader's group")(
      "saccades", po::value(&o.saccades),
      "saccade-count matrices CSV: group, subject, article, sentence, from_word, to_word, value")(
      "saccade-durations", po::value(&o.saccade_durations),
      "with --saccades: the duration view in the same format")(
      "exclude", po::value(&o.exclude)->composing(),
      "GROUP:SUBJECT reader to leave out (repeat, or comma-separate); recorded in the store")(
      "out", po::value(&o.out), "the human store to write (HDF5)");
  auto vm = parse_options(spec, options, args);
  if (!vm) return 0;
  return human::run_on_rank0([&] { human::import_human(o, std::cout); });
}

}  // namespace lmgaze::cli
