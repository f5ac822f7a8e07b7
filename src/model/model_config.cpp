#include "model/model_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.hpp"

namespace lmgaze {
namespace {

using json = nlohmann::json;

// config.json readers: a missing required key or a value of the wrong type is
// an InputError naming the file and the key.
class ConfigReader {
 public:
  ConfigReader(const json& j, const std::string& source) : j_(j), source_(source) {}

  bool has(const char* key) const { return j_.contains(key) && !j_[key].is_null(); }

  int positive_int(const char* key) const {
    if (!has(key)) throw InputError(source_, std::string("missing \"") + key + "\"");
    return positive_int_value(key);
  }
  int positive_int(const char* key, int fallback) const {
    return has(key) ? positive_int_value(key) : fallback;
  }
  double positive_double(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_number() || j_[key].get<double>() <= 0)
      throw InputError(source_, std::string("\"") + key + "\" must be a positive number");
    return j_[key].get<double>();
  }
  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_boolean())
      throw InputError(source_, std::string("\"") + key + "\" must be true or false");
    return j_[key].get<bool>();
  }
  std::string string(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_string())
      throw InputError(source_, std::string("\"") + key + "\" must be a string");
    return j_[key].get<std::string>();
  }
  // Token ids may be an integer, null, or (in some configs) a list: take the first.
  int64_t token_id(const char* key, int64_t fallback) const {
    if (!j_.contains(key)) return fallback;
    const json& v = j_[key];
    if (v.is_null()) return -1;
    if (v.is_array() && !v.empty() && v[0].is_number_integer()) return v[0].get<int64_t>();
    if (v.is_number_integer()) return v.get<int64_t>();
    throw InputError(source_, std::string("\"") + key + "\" must be a token id");
  }
  // A feature lmgaze does not implement must not be silently ignored.
  void reject(const char* key, bool present, const std::string& why) const {
    if (present) throw InputError(source_, std::string("\"") + key + "\": " + why);
  }

 private:
  int positive_int_value(const char* key) const {
    const json& v = j_[key];
    if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > (1LL << 30))
      throw InputError(source_, std::string("\"") + key + "\" must be a positive integer");
    return static_cast<int>(v.get<int64_t>());
  }

  const json& j_;
  const std::string& source_;
};

ModelConfig parse_gpt2(const ConfigReader& r) {
  ModelConfig c;
  c.model_type = "gpt2";
  c.hidden = r.positive_int("n_embd");
  c.n_layers = r.positive_int("n_layer");
  c.n_heads = r.positive_int("n_head");
  c.n_kv_heads = c.n_heads;
  c.intermediate = r.positive_int("n_inner", 4 * c.hidden);  // null means 4 * n_embd
  c.vocab_size = r.positive_int("vocab_size");
  c.max_positions = r.positive_int("n_positions", r.positive_int("n_ctx", 1024));
  c.norm_eps = r.positive_double("layer_norm_epsilon", 1e-5);
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", true);
  c.bos_id = r.token_id("bos_token_id", 50256);
  c.eos_id = r.token_id("eos_token_id", 50256);
  c.activation = r.string("activation_function", "gelu_new");
  // gelu_pytorch_tanh is the same tanh approximation, computed by a fused kernel.
  if (c.activation == "gelu_pytorch_tanh") c.activation = "gelu_new";
  r.reject("activation_function", c.activation != "gelu_new",
           "unsupported activation '" + c.activation + "'; supported: gelu_new");
  r.reject("scale_attn_weights", !r.boolean("scale_attn_weights", true),
           "unscaled attention is not supported");
  r.reject("scale_attn_by_inverse_layer_idx", r.boolean("scale_attn_by_inverse_layer_idx", false),
           "not supported");
  r.reject("add_cross_attention", r.boolean("add_cross_attention", false), "not supported");
  return c;
}

ModelConfig parse_llama(const ConfigReader& r) {
  ModelConfig c;
  c.model_type = "llama";
  c.hidden = r.positive_int("hidden_size");
  c.n_layers = r.positive_int("num_hidden_layers");
  c.n_heads = r.positive_int("num_attention_heads");
  c.n_kv_heads = r.positive_int("num_key_value_heads", c.n_heads);
  c.intermediate = r.positive_int("intermediate_size");
  c.vocab_size = r.positive_int("vocab_size");
  c.max_positions = r.positive_int("max_position_embeddings", 2048);
  c.norm_eps = r.positive_double("rms_norm_eps", 1e-6);
  c.rope_theta = r.positive_double("rope_theta", 10000.0);
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", false);
  c.bos_id = r.token_id("bos_token_id", 1);
  c.eos_id = r.token_id("eos_token_id", 2);
  c.activation = r.string("hidden_act", "silu");
  r.reject("hidden_act", c.activation != "silu",
           "unsupported activation '" + c.activation + "'; supported: silu");
  r.reject("rope_scaling", r.has("rope_scaling"), "rotary scaling is not supported");
  r.reject("attention_bias", r.boolean("attention_bias", false),
           "biased projections are not supported");
  r.reject("mlp_bias", r.boolean("mlp_bias", false), "biased projections are not supported");
  r.reject("num_key_value_heads", c.n_heads % c.n_kv_heads != 0,
           "num_attention_heads must be a multiple of num_key_value_heads");
  r.reject("head_dim", r.has("head_dim") && r.positive_int("head_dim") * c.n_heads != c.hidden,
           "head_dim other than hidden_size / num_attention_heads is not supported");
  return c;
}

}  // namespace

ModelConfig parse_model_config(const std::string& json_text, const std::string& source) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    for (char& ch : what)
      if (ch == '\n' || ch == '\r') ch = ' ';
    throw InputError(source, "not valid JSON: " + what);
  }
  if (!j.is_object()) throw InputError(source, "not a JSON object");
  ConfigReader r(j, source);
  const std::string type = r.string("model_type", "");
  ModelConfig c;
  if (type == "gpt2")
    c = parse_gpt2(r);
  else if (type == "llama")
    c = parse_llama(r);
  else
    throw InputError(source, "unsupported model_type '" + type + "'; supported: gpt2, llama");
  if (c.hidden % c.n_heads != 0)
    throw InputError(source, "hidden size " + std::to_string(c.hidden) +
                                 " is not a multiple of the number of heads " +
                                 std::to_string(c.n_heads));
  if (c.head_dim() % 2 != 0 && c.is_llama())
    throw InputError(
        source, "rotary embeddings need an even head size, found " + std::to_string(c.head_dim()));
  c.source = source;
  return c;
}

ModelConfig read_model_config(const std::string& model_dir) {
  const std::string path = model_dir + "/config.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open");
  std::stringstream text;
  text << in.rdbuf();
  return parse_model_config(text.str(), path);
}

int64_t n_layer_params(const ModelConfig& c) {
  const int64_t C = c.hidden, F = c.intermediate, KV = int64_t(c.n_kv_heads) * c.head_dim();
  if (c.is_gpt2()) {
    const int64_t ln = 2 * C;                   // weight + bias
    const int64_t attn = C * 3 * C + 3 * C      // c_attn
                         + C * C + C;           // c_proj
    const int64_t mlp = C * F + F + F * C + C;  // c_fc, c_proj
    return 2 * ln + attn + mlp;
  }
  const int64_t attn = C * C + 2 * C * KV + C * C;  // q, k, v, o (no biases)
  const int64_t mlp = 3 * C * F;                    // gate, up, down
  return attn + mlp + 2 * C;                        // two RMSNorm weights
}

int64_t n_embedding_params(const ModelConfig& c) {
  int64_t n = int64_t(c.vocab_size) * c.hidden;
  if (c.is_gpt2()) n += int64_t(c.max_positions) * c.hidden;  // wpe
  return n;
}

int64_t n_head_params(const ModelConfig& c) {
  const int64_t norm = c.is_gpt2() ? 2 * c.hidden : c.hidden;
  return norm + (c.tie_word_embeddings ? 0 : int64_t(c.vocab_size) * c.hidden);
}

int64_t n_params(const ModelConfig& c) {
  return n_embedding_params(c) + c.n_layers * n_layer_params(c) + n_head_params(c);
}

int64_t parameter_bytes_per_layer(const ModelConfig& c, int bytes_per_param) {
  return n_layer_params(c) * bytes_per_param;
}

}  // namespace lmgaze
