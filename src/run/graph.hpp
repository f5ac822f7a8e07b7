// The stage graph of a job: every unit of work `lmgaze run` does, in an order
// where each stage comes after the stages whose outputs it reads.
//
//   simulate/<store>             simulated fixations        (human simulate)
//   human/<store>                human store + summary      (human import)
//   extract/<model>.<condition>  attention file             (run_extraction)
//   ntp                          loss of every model        (ntp)
//   noise-ceiling/<store>.<group>, resemblance/<model>.<store>.<group>,
//   trivial/<model>, trivial/<store>.<group>, divergence/<name>,
//   agreement/<store>.<a>.<b>    analysis tables            (the analysis commands)
//   stats/<name>                 significance tests, fits   (stats paired|groups|fit)
//   report                       report/                    (report, when registered)
//
// The extractions of one model (its conditions) are stages of their own, each
// with its file and record, so a changed prefix re-extracts that condition
// alone; the runner runs those of them that are pending together, in one
// run_extraction call that loads the weights once (shares_weights).
//
// Output paths: src/run/LAYOUT.md. A stage is identified by its id; what it
// reads (inputs), writes (outputs) and the options that decide its result are
// what its record (run/record.hpp) is compared against.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "analysis/agreement.hpp"
#include "analysis/divergence_analysis.hpp"
#include "analysis/noise_ceiling_analysis.hpp"
#include "analysis/ntp_analysis.hpp"
#include "analysis/resemblance_analysis.hpp"
#include "analysis/trivial_analysis.hpp"
#include "human/import.hpp"
#include "run/job.hpp"
#include "run/resources.hpp"

namespace lmgaze::run {

// The typed analysis a stage calls; monostate: the stage runs `command` with
// `args` in-process (or is built into the runner: extract).
using StageCall =
    std::variant<std::monostate, analysis::ResemblanceAnalysisOptions, analysis::NtpAnalysisOptions,
                 analysis::AgreementOptions, analysis::NoiseCeilingAnalysisOptions,
                 analysis::TrivialAnalysisOptions, analysis::DivergenceAnalysisOptions,
                 human::ImportOptions>;

struct Stage {
  std::string id;                    // "resemblance/toy-m.readers.L1"
  std::string kind;                  // the part before '/': "resemblance"
  std::vector<std::string> deps;     // ids of the stages it reads from
  std::vector<std::string> inputs;   // files (or checkpoint directories) it reads
  std::vector<std::string> outputs;  // files it writes, absolute
  nlohmann::json options;            // what decides the result: a change re-runs the stage
  nlohmann::json execution;          // how it runs (device, batch, ranks): recorded, not compared
  std::string command;               // subcommand ("resemblance"); "" = built in
  std::vector<std::string> args;     // its arguments: with `call`, the equivalent command line
  StageCall call;                    // the typed analysis the runner calls, if any
  bool rank0_only = false;           // serial work: rank 0 does it, the others wait
  bool serial_itself = false;        // rank0_only, but the command is MPI-aware: every rank calls
                                     // it and it does its work on rank 0 (human simulate, import)
  nlohmann::json table;              // its entry in manifest.json "tables" (null: none)

  // extract only
  std::string model;      // model name
  std::string condition;  // condition name
  // stats fit only: the points table to assemble first (see runner.cpp)
  nlohmann::json points;
};

struct ModelInfo {
  const ModelSpec* spec = nullptr;
  ModelSize size;
};

struct Graph {
  std::vector<Stage> stages;       // in execution order
  std::vector<ModelInfo> models;   // job order
  std::vector<std::string> notes;  // what the design left out, and why
  const Stage* find(const std::string& id) const;
};

// True when `a` and `b` read the same weights the same way (two conditions of
// one model's extraction): run together, they load the weights once.
bool shares_weights(const Stage& a, const Stage& b);

// Builds the graph; `report_available`: a `report` command is registered.
// Reads config.json of the models that have one (sizes order the scaling pairs).
Graph build_graph(const Job& job, bool report_available);

// OUT-relative spelling of a path in records and the manifest: "OUT/attention/x.h5".
std::string out_relative(const std::string& path, const std::string& out_dir);

// manifest.json (src/run/LAYOUT.md); `done` has one flag per stage.
nlohmann::json manifest(const Job& job, const Graph& graph, const std::vector<bool>& done);

}  // namespace lmgaze::run
