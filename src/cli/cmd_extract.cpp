// lmgaze extract: one checkpoint, one corpus -> one attention file.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "extract/extractor.hpp"

namespace lmgaze::cli {

int run_extract(const Args& args) {
  ExtractOptions opt;
  po::options_description desc;
  desc.add_options()(
      "model", po::value(&opt.model_dir)->required(),
      "Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer files)")(
      "text", po::value(&opt.text_path)->required(),
      "corpus: one sentence per line, articles separated by one blank line")(
      "out", po::value(&opt.out_path)->required(), "attention file to write (HDF5)")(
      "prefix", po::value(&opt.prefix)->default_value(""),
      "instruction prefix P: the model reads P + \" \" + sentence; P is context only")(
      "dtype", po::value(&opt.dtype)->default_value("fp32"),
      "weights and activations: fp32, fp16 or bf16")(
      "device", po::value(&opt.device)->default_value("cpu"), "cpu, cuda or cuda:N")(
      "batch", po::value(&opt.batch)->default_value(8), "sentences per forward pass")(
      "quiet", po::bool_switch(&opt.quiet), "no progress line");
  auto vm = parse_options({"extract",
                           "extract --model DIR --text FILE --out FILE.h5 [--prefix TEXT] "
                           "[--dtype fp32|fp16|bf16] [--device cpu|cuda] [--batch N]",
                           "Runs the model over every sentence and writes, for every layer and "
                           "head, the word-level attention matrices (packed lower triangles) and "
                           "the next-token loss per sentence."},
                          desc, args);
  if (!vm) return 0;
  run_extraction(opt);
  return 0;
}

}  // namespace lmgaze::cli
