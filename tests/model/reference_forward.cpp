#include "reference_forward.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace lmgaze::testing {
namespace {

using Mat = std::vector<double>;  // row-major

// out [T, N] = x [T, K] @ w, w stored [K, N] (GPT-2 Conv1D), plus bias [N] if given.
Mat matmul_in_out(const Mat& x, int T, int K, const Mat& w, int N, const Mat* bias) {
  Mat out(size_t(T) * N);
  for (int t = 0; t < T; ++t)
    for (int n = 0; n < N; ++n) {
      double s = bias ? (*bias)[n] : 0.0;
      for (int k = 0; k < K; ++k) s += x[size_t(t) * K + k] * w[size_t(k) * N + n];
      out[size_t(t) * N + n] = s;
    }
  return out;
}

// out [T, N] = x [T, K] @ w^T, w stored [N, K] (nn.Linear).
Mat matmul_out_in(const Mat& x, int T, int K, const Mat& w, int N) {
  Mat out(size_t(T) * N);
  for (int t = 0; t < T; ++t)
    for (int n = 0; n < N; ++n) {
      double s = 0;
      for (int k = 0; k < K; ++k) s += x[size_t(t) * K + k] * w[size_t(n) * K + k];
      out[size_t(t) * N + n] = s;
    }
  return out;
}

Mat layernorm(const Mat& x, int T, int C, const Mat& w, const Mat& b, double eps) {
  Mat out(x.size());
  for (int t = 0; t < T; ++t) {
    double mean = 0, var = 0;
    for (int c = 0; c < C; ++c) mean += x[size_t(t) * C + c] / C;
    for (int c = 0; c < C; ++c) var += std::pow(x[size_t(t) * C + c] - mean, 2) / C;
    for (int c = 0; c < C; ++c)
      out[size_t(t) * C + c] = (x[size_t(t) * C + c] - mean) / std::sqrt(var + eps) * w[c] + b[c];
  }
  return out;
}

Mat rmsnorm(const Mat& x, int T, int C, const Mat& w, double eps) {
  Mat out(x.size());
  for (int t = 0; t < T; ++t) {
    double ms = 0;
    for (int c = 0; c < C; ++c) ms += x[size_t(t) * C + c] * x[size_t(t) * C + c] / C;
    for (int c = 0; c < C; ++c)
      out[size_t(t) * C + c] = x[size_t(t) * C + c] / std::sqrt(ms + eps) * w[c];
  }
  return out;
}

double gelu_tanh(double x) {
  return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

// Causal attention of all heads. q [T, NH*HS], k and v [T, NKV*HS] (row stride
// given), query head h reads kv head h / (NH / NKV). Appends probs [NH, T, T].
Mat attention(const Mat& q, const Mat& k, const Mat& v, int T, int NH, int NKV, int HS,
              std::vector<double>& probs) {
  const int n_rep = NH / NKV;
  probs.assign(size_t(NH) * T * T, 0.0);
  Mat y(size_t(T) * NH * HS, 0.0);
  for (int h = 0; h < NH; ++h) {
    const int g = h / n_rep;
    for (int i = 0; i < T; ++i) {
      std::vector<double> s(i + 1);
      double mx = -1e300;
      for (int j = 0; j <= i; ++j) {
        double dot = 0;
        for (int d = 0; d < HS; ++d)
          dot += q[size_t(i) * NH * HS + h * HS + d] * k[size_t(j) * NKV * HS + g * HS + d];
        s[j] = dot / std::sqrt(double(HS));
        mx = std::max(mx, s[j]);
      }
      double z = 0;
      for (int j = 0; j <= i; ++j) z += std::exp(s[j] - mx);
      for (int j = 0; j <= i; ++j) {
        const double p = std::exp(s[j] - mx) / z;
        probs[(size_t(h) * T + i) * T + j] = p;
        for (int d = 0; d < HS; ++d)
          y[size_t(i) * NH * HS + h * HS + d] += p * v[size_t(j) * NKV * HS + g * HS + d];
      }
    }
  }
  return y;
}

// Rotate-half RoPE on x [T, H*HS] in place: channel d pairs with d + HS/2.
void rope(Mat& x, int T, int H, int HS, double theta) {
  const int half = HS / 2;
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < H; ++h)
      for (int d = 0; d < half; ++d) {
        const double angle = t * std::pow(theta, -2.0 * d / HS);
        double& a = x[size_t(t) * H * HS + h * HS + d];
        double& b = x[size_t(t) * H * HS + h * HS + d + half];
        const double a0 = a, b0 = b;
        a = a0 * std::cos(angle) - b0 * std::sin(angle);
        b = b0 * std::cos(angle) + a0 * std::sin(angle);
      }
}

void add_into(Mat& x, const Mat& y) {
  for (size_t i = 0; i < x.size(); ++i) x[i] += y[i];
}

std::vector<double> nll_from_logits(const Mat& logits, int T, int V,
                                    const std::vector<int64_t>& ids) {
  std::vector<double> nll;
  for (int t = 0; t + 1 < T; ++t) {
    double mx = -1e300, z = 0;
    for (int v = 0; v < V; ++v) mx = std::max(mx, logits[size_t(t) * V + v]);
    for (int v = 0; v < V; ++v) z += std::exp(logits[size_t(t) * V + v] - mx);
    nll.push_back(mx + std::log(z) - logits[size_t(t) * V + ids[t + 1]]);
  }
  return nll;
}

ReferenceOutput gpt2_forward(const TinyModel& m, const std::vector<int64_t>& ids) {
  const int T = int(ids.size()), C = m.hidden, F = m.intermediate, V = m.vocab_size;
  const int NH = m.n_heads, HS = m.head_dim();
  const std::string p = "transformer.";
  ReferenceOutput out;
  Mat x(size_t(T) * C);
  for (int t = 0; t < T; ++t)
    for (int c = 0; c < C; ++c)
      x[size_t(t) * C + c] =
          m.at(p + "wte.weight")[ids[t] * C + c] + m.at(p + "wpe.weight")[size_t(t) * C + c];
  for (int l = 0; l < m.n_layers; ++l) {
    const std::string h = p + "h." + std::to_string(l) + ".";
    Mat a = layernorm(x, T, C, m.at(h + "ln_1.weight"), m.at(h + "ln_1.bias"), m.norm_eps);
    Mat qkv = matmul_in_out(a, T, C, m.at(h + "attn.c_attn.weight"), 3 * C,
                            &m.at(h + "attn.c_attn.bias"));
    Mat q(size_t(T) * C), k(size_t(T) * C), v(size_t(T) * C);
    for (int t = 0; t < T; ++t)
      for (int c = 0; c < C; ++c) {
        q[size_t(t) * C + c] = qkv[size_t(t) * 3 * C + c];
        k[size_t(t) * C + c] = qkv[size_t(t) * 3 * C + C + c];
        v[size_t(t) * C + c] = qkv[size_t(t) * 3 * C + 2 * C + c];
      }
    out.attention.emplace_back();
    Mat y = attention(q, k, v, T, NH, NH, HS, out.attention.back());
    add_into(x, matmul_in_out(y, T, C, m.at(h + "attn.c_proj.weight"), C,
                              &m.at(h + "attn.c_proj.bias")));
    Mat b = layernorm(x, T, C, m.at(h + "ln_2.weight"), m.at(h + "ln_2.bias"), m.norm_eps);
    Mat f = matmul_in_out(b, T, C, m.at(h + "mlp.c_fc.weight"), F, &m.at(h + "mlp.c_fc.bias"));
    for (double& e : f) e = gelu_tanh(e);
    add_into(
        x, matmul_in_out(f, T, F, m.at(h + "mlp.c_proj.weight"), C, &m.at(h + "mlp.c_proj.bias")));
  }
  Mat xf = layernorm(x, T, C, m.at(p + "ln_f.weight"), m.at(p + "ln_f.bias"), m.norm_eps);
  out.logits = matmul_out_in(xf, T, C, m.at(p + "wte.weight"), V);  // tied head
  out.nll = nll_from_logits(out.logits, T, V, ids);
  return out;
}

ReferenceOutput llama_forward(const TinyModel& m, const std::vector<int64_t>& ids) {
  const int T = int(ids.size()), C = m.hidden, F = m.intermediate, V = m.vocab_size;
  const int NH = m.n_heads, NKV = m.n_kv_heads, HS = m.head_dim();
  ReferenceOutput out;
  Mat x(size_t(T) * C);
  for (int t = 0; t < T; ++t)
    for (int c = 0; c < C; ++c)
      x[size_t(t) * C + c] = m.at("model.embed_tokens.weight")[ids[t] * C + c];
  for (int l = 0; l < m.n_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    Mat a = rmsnorm(x, T, C, m.at(p + "input_layernorm.weight"), m.norm_eps);
    Mat q = matmul_out_in(a, T, C, m.at(p + "self_attn.q_proj.weight"), NH * HS);
    Mat k = matmul_out_in(a, T, C, m.at(p + "self_attn.k_proj.weight"), NKV * HS);
    Mat v = matmul_out_in(a, T, C, m.at(p + "self_attn.v_proj.weight"), NKV * HS);
    rope(q, T, NH, HS, m.rope_theta);
    rope(k, T, NKV, HS, m.rope_theta);
    out.attention.emplace_back();
    Mat y = attention(q, k, v, T, NH, NKV, HS, out.attention.back());
    add_into(x, matmul_out_in(y, T, C, m.at(p + "self_attn.o_proj.weight"), C));
    Mat b = rmsnorm(x, T, C, m.at(p + "post_attention_layernorm.weight"), m.norm_eps);
    Mat g = matmul_out_in(b, T, C, m.at(p + "mlp.gate_proj.weight"), F);
    Mat u = matmul_out_in(b, T, C, m.at(p + "mlp.up_proj.weight"), F);
    for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1 + std::exp(-g[i])) * u[i];  // SwiGLU
    add_into(x, matmul_out_in(g, T, F, m.at(p + "mlp.down_proj.weight"), C));
  }
  Mat xf = rmsnorm(x, T, C, m.at("model.norm.weight"), m.norm_eps);
  const std::string head = m.tie_word_embeddings ? "model.embed_tokens.weight" : "lm_head.weight";
  out.logits = matmul_out_in(xf, T, C, m.at(head), V);
  out.nll = nll_from_logits(out.logits, T, V, ids);
  return out;
}

}  // namespace

ReferenceOutput reference_forward(const TinyModel& m, const std::vector<int64_t>& ids) {
  return m.model_type == "gpt2" ? gpt2_forward(m, ids) : llama_forward(m, ids);
}

}  // namespace lmgaze::testing
