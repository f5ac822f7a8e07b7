// `lmgaze human mean`: the group-mean store of a per-reader store
// (METHODS.md 4: group-mean matrices average the readers of a group).
//
// Every group becomes one subject, "mean". Each value is the mean over the
// readers that have data for that sentence (NaN values are skipped); a
// sentence no reader has stays NaN. /groups/<G>/mean_n_readers (int64
// [n_sentences]) records how many readers each sentence's mean averages.
#pragma once

#include <ostream>
#include <string>

namespace lmgaze::human {

void mean_store(const std::string& in_path, const std::string& out_path);

// `lmgaze human mean` as one typed call.
struct MeanOptions {
  std::string store;  // the per-reader store
  std::string out;    // the group-mean store to write

  void validate() const;  // InputError before anything is read or written
};

// Validates, writes the group-mean store and says so on `log`. Serial: the
// caller runs it on one rank (serial.hpp).
void group_means(const MeanOptions& options, std::ostream& log);

}  // namespace lmgaze::human
