#include "model/causal_lm.hpp"

#include <c10/util/Exception.h>
#include <torch/utils.h>

#include <stdexcept>

#include "common/error.hpp"
#include "model/architecture.hpp"
#include "model/decoder.hpp"
#include "model/gpt2.hpp"
#include "model/precision.hpp"
#include "model/weights.hpp"

namespace lmgaze {
namespace {

std::string dtype_name(torch::Dtype d) {
  switch (d) {
    case torch::kFloat32:
      return "float32";
    case torch::kFloat16:
      return "float16";
    case torch::kBFloat16:
      return "bfloat16";
    case torch::kFloat64:
      return "float64";
    default:
      return std::string(c10::toString(d));
  }
}

// Not every LibTorch build runs every dtype on every device (1.13 has no fp16
// matmul on CPU; a CPU-only build has no CUDA). Ask it once, with a tiny product,
// and turn its internal error into one the user can act on.
void check_dtype_device(const std::string& model_dir, const LoadOptions& o) {
  if (o.dtype != torch::kFloat32 && o.dtype != torch::kFloat16 && o.dtype != torch::kBFloat16 &&
      o.dtype != torch::kFloat64)
    throw InputError(model_dir, "dtype " + dtype_name(o.dtype) +
                                    " is not supported; use float32, float16, bfloat16 or float64");
  try {
    torch::Tensor a = torch::ones({2, 2}, torch::dtype(o.dtype).device(o.device));
    torch::softmax(torch::matmul(a, a), -1);
  } catch (const c10::Error&) {
    throw InputError(model_dir, "this LibTorch cannot run dtype " + dtype_name(o.dtype) +
                                    " on device " + o.device.str() +
                                    " (float16 needs a GPU); choose another dtype or device");
  }
}

// A checkpoint holding tensors the config does not account for (a layer beyond
// num_hidden_layers, a bias the family has not) is refused, not half-used.
void check_tensor_names(const Checkpoint& ckpt, const ModelConfig& config) {
  const bool bare_gpt2 = config.is_gpt2() && !ckpt.contains("transformer.wte.weight");
  const std::vector<std::string> extra =
      unexpected_tensors(config, ckpt.names(), bare_gpt2 ? "transformer." : "");
  if (extra.empty()) return;
  throw InputError(
      ckpt.listing_path(),
      "tensor '" + extra[0] + "' is not part of a " + config.model_type + " model as " +
          config.source + " describes it" +
          (extra.size() > 1 ? " (and " + std::to_string(extra.size() - 1) + " more)" : ""));
}

}  // namespace

std::unique_ptr<CausalLM> load_causal_lm(const std::string& model_dir, const LoadOptions& options) {
  // The checkpoint (and its files) lives only while the weights are copied out.
  WeightSource weights(model_dir, options.read_threads);
  return load_causal_lm(weights, options);
}

std::unique_ptr<CausalLM> load_causal_lm(WeightSource& weights, const LoadOptions& options) {
  torch::NoGradGuard no_grad;
  const std::string& model_dir = weights.dir();
  const ModelConfig config = read_model_config(model_dir);
  LoadOptions o = options;
  if (o.last_layer == -1) o.last_layer = config.n_layers;
  if (o.first_layer < 0 || o.first_layer > o.last_layer || o.last_layer > config.n_layers)
    throw InputError(config.source, "layer range [" + std::to_string(o.first_layer) + ", " +
                                        std::to_string(o.last_layer) + ") lies outside the " +
                                        std::to_string(config.n_layers) + " layers of the model");
  check_dtype_device(model_dir, o);
  check_tensor_names(weights.checkpoint(), config);
  switch (config.family) {
    case Family::Gpt2:
      return load_gpt2(weights, config, o);
    case Family::Llama:
    case Family::Mistral:
    case Family::Qwen2:
    case Family::Qwen3:
    case Family::Gemma:
    case Family::Gemma2:
    case Family::Phi3:
    case Family::GptNeox:
    case Family::Olmo2:
      return load_decoder(weights, config, o);
  }
  throw std::logic_error("a family without a forward pass");
}

torch::Tensor next_token_nll(const torch::Tensor& logits, const torch::Tensor& ids) {
  torch::NoGradGuard no_grad;
  if (logits.dim() != 3 || ids.dim() != 2 || logits.size(0) != ids.size(0) ||
      logits.size(1) != ids.size(1))
    throw std::invalid_argument("next_token_nll: logits [B, T, V] and ids [B, T] do not match");
  const int64_t T = logits.size(1);
  const torch::Dtype wide = wide_dtype(logits.scalar_type());
  if (T < 2) return torch::zeros({logits.size(0), 0}, logits.options().dtype(wide));
  torch::Tensor x = logits.slice(1, 0, T - 1).to(wide);  // [B, T-1, V]: predicts 1..T-1
  torch::Tensor next =
      ids.slice(1, 1, T).to(logits.device(), torch::kInt64).unsqueeze(-1);  // [B, T-1, 1]
  // -log_softmax(x)[next] = logsumexp(x) - x[next]: no [B, T-1, V] of log-probabilities
  // is written (B 8, T 20, GPT-2's V on 2 cores: 14 ms instead of 24 ms).
  return torch::logsumexp(x, {-1}) - x.gather(-1, next).squeeze(-1);  // [B, T-1]
}

}  // namespace lmgaze
