// lmgaze extract: one checkpoint, one corpus -> one attention file, on one
// rank or on N MPI ranks in pipeline groups (mpirun -np N lmgaze extract ...).
#include <mpi.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "extract/extractor.hpp"

namespace lmgaze::cli {

int run_extract(const Args& args) {
  ExtractOptions opt;
  std::vector<std::string> outs, prefixes;
  po::options_description desc;
  desc.add_options()(
      "model", po::value(&opt.model_dir)->required(),
      "Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer files)")(
      "text", po::value(&opt.text_path)->required(),
      "corpus: one sentence per line, articles separated by one blank line")(
      "out", po::value(&outs)->required(),
      "attention file to write (HDF5); repeat --out with one --prefix each to extract several "
      "conditions with the weights loaded once")(
      "prefix", po::value(&prefixes),
      "instruction prefix P: the model reads P + \" \" + sentence; P is context only. With "
      "several --out, the k-th --prefix goes with the k-th --out (\"\" for none)")(
      "tokenizer", po::value(&opt.tokenizer)->default_value("auto"),
      "tokenizer files to read: auto (as transformers' AutoTokenizer: tokenizer.json, else "
      "tokenizer.model, else vocab.json + merges.txt), json, sentencepiece or bpe-files")(
      "bos", po::value(&opt.bos)->default_value("auto"),
      "BOS before every input: auto (as the tokenizer adds it; warns when config.json names a "
      "bos_token_id the tokenizer does not add), yes (config.json's bos_token_id) or no")(
      "dtype", po::value(&opt.dtype)->default_value("fp32"),
      "weights and activations: fp32, fp16, bf16, or fp64 (reference precision)")(
      "device", po::value(&opt.device)->default_value("cpu"),
      "cpu, cuda (rank i of a node takes cuda:i) or cuda:N (one rank per node)")(
      "ranks-per-gpu", po::value(&opt.ranks_per_gpu)->default_value(1),
      "with --device cuda: ranks of a node sharing one GPU (rank i takes cuda:i/K)")(
      "batch", po::value(&opt.batch)->default_value(8),
      "sentences per forward pass (one micro-batch)")(
      "order", po::value(&opt.order)->default_value("length"),
      "length: batches of sentences of about one length (sorted by tokens; little padding); "
      "file: consecutive sentences. The file is in text order either way")(
      "stages", po::value(&opt.stages)->default_value(1),
      "pipeline stages: the N MPI ranks form N/stages groups, each cutting the model's layers "
      "into this many consecutive ranges, one per rank; groups share out the sentences")(
      "in-flight", po::value(&opt.in_flight)->default_value(2),
      "micro-batches a stage may send ahead of the next stage")(
      "peer-timeout", po::value(&opt.peer_timeout_s)->default_value(600),
      "seconds a pipeline stage waits on its neighbour before declaring it dead or hung")(
      "threads", po::value(&opt.threads)->default_value(0),
      "torch threads per rank; 0 = the node's cores divided among its ranks")(
      "quiet", po::bool_switch(&opt.quiet), "no layout, progress or summary lines")(
      "timings", po::bool_switch(&opt.timings),
      "print each micro-batch's forward, softmax, merge, copy to the host and write times");
  auto vm = parse_options({"extract",
                           "extract --model DIR --text FILE --out FILE.h5 [--prefix TEXT] [--out "
                           "F2.h5 --prefix P2 ...] "
                           "[--dtype fp32|fp16|bf16|fp64] [--device cpu|cuda] [--batch N] "
                           "[--stages S] [--tokenizer auto|json|sentencepiece|bpe-files] "
                           "[--bos auto|yes|no]",
                           "Runs the model over every sentence and writes, for every layer and "
                           "head, the word-level attention matrices (packed lower triangles) and "
                           "the next-token loss per sentence. Under mpirun the ranks split the "
                           "model's layers (--stages) and the sentences, and write one file."},
                          desc, args);
  if (!vm) return 0;
  try {
    // Every rank parses the same command line and refuses it alike; rank 0
    // says why (the catch below), as for a refusal found by run_extraction.
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (outs.size() > 1 && prefixes.size() != outs.size())
      throw ExtractRefused("extract: " + std::to_string(outs.size()) + " --out but " +
                               std::to_string(prefixes.size()) +
                               " --prefix: give one --prefix per --out (\"\" for none), in "
                               "the same order",
                           rank == 0);
    if (outs.size() == 1 && prefixes.size() > 1)
      throw ExtractRefused("extract: " + std::to_string(prefixes.size()) +
                               " --prefix for one --out: give one --out per --prefix",
                           rank == 0);
    for (size_t k = 0; k < outs.size(); ++k)
      opt.targets.push_back({outs[k], k < prefixes.size() ? prefixes[k] : ""});
    run_extraction(opt);
  } catch (const ExtractRefused& e) {
    // Every rank stopped before extracting; one of them says why, so the job
    // prints one line and ends without MPI_Abort.
    if (e.reporter()) std::cerr << "lmgaze: " << e.what() << std::endl;
    return 2;
  }
  return 0;
}

}  // namespace lmgaze::cli
