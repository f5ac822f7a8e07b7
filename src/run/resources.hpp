// What an extraction stage needs: the model's shape and the GPU memory of each
// pipeline stage (a rank holding a consecutive range of layers).
//
// The shape comes from the checkpoint's config.json; where there is none (a
// job planned on a machine without the weights) from a known architecture
// named in the job (`shape = llama-7b`), and failing that only the parameter
// count given with `params` is known.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/model_config.hpp"
#include "run/job.hpp"

namespace lmgaze::run {

// Hugging Face shapes of the models of the paper and their relatives:
// llama-7b, llama-13b, llama-30b, llama-65b (Alpaca and Vicuna share them),
// gpt2, gpt2-medium, gpt2-large, gpt2-xl. nullopt for any other name.
std::optional<ModelConfig> known_shape(const std::string& name);
std::vector<std::string> known_shape_names();

struct ModelSize {
  std::optional<ModelConfig> config;  // shape, when known
  std::string source;                 // "config.json" | "shape llama-7b" | "params" | "unknown"
  double n_params = 0;                // job's params if given, else from the shape
};

// config.json if it is there, else the job's shape, else the job's params.
// InputError for a config.json that exists and is bad, or an unknown shape name.
ModelSize model_size(const ModelSpec& model);

int bytes_per_param(const std::string& dtype);  // fp64 8, fp32 4, fp16/bf16 2

// GPU memory of one pipeline stage of an extraction.
//   weights:     its layers' parameters, plus the token (and GPT-2 position)
//                embedding on the first stage and the final norm and lm_head on the
//                last one (a tied lm_head is a second copy of the embedding there
//                when the model is split), at the job's dtype.
//   activations: one batch of B sentences of T tokens through one layer at a time:
//                B·T·(4C + 2F)·b  (residual, normed input, q/k/v/attention output,
//                MLP hidden) + 2·B·H·T²·4 (scores and fp32 probabilities, kept for
//                the word-level merge); the last stage adds the fp32 logits B·T·V·4.
//                An estimate: allocator slack and LibTorch's workspace come on top.
struct StageMemory {
  int first_layer = 0;
  int end_layer = 0;  // one past the last
  int64_t weight_bytes = 0;
  int64_t activation_bytes = 0;
  int64_t total() const { return weight_bytes + activation_bytes; }
};

// Layers split as the extraction splits them (mpi::balance_stages: the heaviest
// stage as light as possible). InputError unless 1 <= stages <= layers.
std::vector<StageMemory> pipeline_memory(const ModelConfig& c, int stages, int bytes_per_param,
                                         int batch, int tokens);

// "13.48 GB" (decimal units) / "404766720 B" for small numbers.
std::string format_bytes(int64_t bytes);
// "6.74B", "774M", "471.9K".
std::string format_params(double n);

}  // namespace lmgaze::run
