// Random-weight checkpoints of any size, streamed to disk.
//
// tests/model/tiny_checkpoint.hpp keeps every value in memory (as doubles) to
// serve as ground truth; a model of hundreds of MB (the stage-memory test, the
// extraction benchmark) needs no ground truth, only the right shapes, so this
// writes the safetensors file tensor by tensor from a seeded generator. Norm
// weights are 1 and biases 0; every other weight is uniform in [-scale, scale]
// (GPT-2 initialises with std 0.02), so activations stay finite at any depth.
#pragma once

#include <cstdint>
#include <string>

#include "model/tiny_checkpoint.hpp"

namespace lmgaze::testing {

// Only the shape fields of `shape` are used (model_type, n_layers, n_heads,
// n_kv_heads, hidden, intermediate, vocab_size, max_positions, norm_eps,
// tie_word_embeddings). Writes dir/config.json and dir/model.safetensors (F32,
// keys as Hugging Face names them) and copies the tokenizer files
// (tokenizer.json and tokenizer_config.json, tokenizer.model, vocab.json +
// merges.txt: those there are) from `tokenizer_dir`.
// Returns the bytes of weight data written.
int64_t write_random_checkpoint(const TinyModel& shape, const std::string& dir,
                                const std::string& tokenizer_dir, uint64_t seed = 1,
                                double scale = 0.02);

// GPT-2 small's shape (124M parameters): 12 layers, 12 heads, C 768, V 50257.
TinyModel gpt2_small_shape();

}  // namespace lmgaze::testing
