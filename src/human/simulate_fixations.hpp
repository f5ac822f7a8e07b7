// `lmgaze human simulate` as one typed call: the fixations CSV of SIMULATED
// readers (simulate.hpp), written whole. The command fills the options from
// its command line, `lmgaze run` from the job's simulate = and seed =.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace lmgaze::human {

struct SimulateOptions {
  std::string text;                     // plain-text corpus to read
  std::string out;                      // fixations CSV to write
  std::string readers = "L1:20,L2:20";  // readers per group
  uint64_t seed = 1;

  // InputError for a missing path or a bad --readers, before anything is
  // read or written.
  void validate() const;
};

// Validates, writes the CSV and says what it wrote on `log`. Serial: the
// caller runs it on one rank (serial.hpp).
void simulate_fixations(const SimulateOptions& options, std::ostream& log);

}  // namespace lmgaze::human
