// Stage records: what makes a stage count as done.
//
// When a stage completes, rank 0 writes OUT/.lmgaze/stages/<id>.json (atomically):
//
//   id, kind, options     the options that decide the result (Stage::options)
//   execution             how it ran (device, batch, ranks): informative, not compared
//   inputs, outputs       [{path, size, mtime_ns}]: every file read and written
//                         (a checkpoint directory stands for the files in it)
//   seconds, finished, lmgaze_version
//
// A stage is done when its record exists, its options equal the job's, every
// input still has the recorded size and modification time, and every output is
// there with the recorded size and time (outputs are renamed into place only
// when complete, so an output under its final name is complete). Anything else
// re-runs it, and (run/runner.cpp) every stage that reads from it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run/graph.hpp"

namespace lmgaze::run {

struct Fingerprint {
  std::string path;      // OUT-relative where under OUT
  int64_t size = -1;     // -1: missing
  int64_t mtime_ns = 0;  // modification time
  bool operator==(const Fingerprint& o) const {
    return path == o.path && size == o.size && mtime_ns == o.mtime_ns;
  }
};

// One entry per file; a directory expands to the regular files directly in it, sorted.
std::vector<Fingerprint> fingerprints(const std::vector<std::string>& paths,
                                      const std::string& out_dir);

std::string record_path(const std::string& out_dir, const std::string& stage_id);

nlohmann::json make_record(const Stage& stage, const std::string& out_dir, double seconds,
                           int ranks);

// Empty when the stage is done; otherwise why not ("not run yet", "options
// changed: args[5] 4 -> 5", "input changed: /data/demo.txt", ...).
std::string stale_reason(const Stage& stage, const std::string& out_dir);

}  // namespace lmgaze::run
