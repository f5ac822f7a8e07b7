// TensorLoader against hand-written safetensors files: every stored dtype into
// every run dtype gives the bytes an independent encoder computes, whatever the
// number of reading threads, for tensors small and large (several chunks, a
// huge-page buffer), behind a header of odd length (unaligned data). Where a
// GPU is, the pinned staging ring gives the bytes the host path gives.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "model/cuda_staging.hpp"
#include "model/safetensors.hpp"
#include "model/tensor_loader.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

using testing::TempDir;
using testing::write_raw_safetensors;

uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Encoders for values k * 2^-e (|k| <= 255, normal in every dtype), which every
// format holds exactly, so no rounding rule is involved: little-endian bytes.
void put(std::vector<unsigned char>& out, uint64_t bits, int size) {
  for (int i = 0; i < size; ++i) out.push_back(static_cast<unsigned char>(bits >> (8 * i)));
}
void encode(std::vector<unsigned char>& out, double v, const std::string& dtype) {
  const uint32_t f = f32_bits(static_cast<float>(v));
  if (dtype == "F32") return put(out, f, 4);
  if (dtype == "BF16") return put(out, f >> 16, 2);  // exact: the low half is zero
  if (dtype == "F64") {
    uint64_t d;
    std::memcpy(&d, &v, 8);
    return put(out, d, 8);
  }
  // F16: sign, exponent rebiased from 127 to 15, top 10 mantissa bits (the rest are zero).
  const uint32_t sign = (f >> 31) << 15;
  const int exp = int((f >> 23) & 0xFF) - 127 + 15;
  ASSERT_TRUE(v == 0 || (exp > 0 && exp < 31)) << v;
  put(out, v == 0 ? sign : sign | uint32_t(exp) << 10 | (f & 0x7FFFFF) >> 13, 2);
}

std::vector<double> exact_values(size_t n) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = (double(int(i % 509) - 254)) * std::ldexp(1.0, -int(i % 9));
  return v;
}

std::string dtype_key(torch::Dtype d) {
  if (d == torch::kFloat32) return "F32";
  if (d == torch::kBFloat16) return "BF16";
  if (d == torch::kFloat16) return "F16";
  return "F64";
}

std::vector<unsigned char> bytes_of(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  const auto* p = static_cast<const unsigned char*>(c.data_ptr());
  return std::vector<unsigned char>(p, p + c.numel() * c.element_size());
}

// One tensor "w" of `shape` in `dtype`; the header is padded to an odd length.
void write_one(const std::string& path, const std::string& dtype, const std::vector<int64_t>& shape,
               const std::vector<unsigned char>& data) {
  std::string header = R"({"w":{"dtype":")" + dtype + R"(","shape":)" + format_shape(shape) +
                       R"(,"data_offsets":[0,)" + std::to_string(data.size()) + "]}}";
  if (header.size() % 2 == 0) header += " ";
  write_raw_safetensors(path, header, data);
}

const std::vector<torch::Dtype> kRunDtypes = {torch::kFloat32, torch::kBFloat16, torch::kFloat16,
                                              torch::kFloat64};

TEST(TensorLoader, EveryStoredDtypeIntoEveryRunDtypeByteForByte) {
  TempDir dir;
  const std::vector<int64_t> shape = {7, 13};
  const std::vector<double> values = exact_values(7 * 13);
  for (const std::string stored : {"F32", "F16", "BF16"}) {
    std::vector<unsigned char> data;
    for (double v : values) encode(data, v, stored);
    const std::string path = dir / (stored + ".safetensors");
    write_one(path, stored, shape, data);
    SafetensorsFile file(path);
    for (int threads : {1, 3})
      for (torch::Dtype run : kRunDtypes) {
        TensorLoader loader(threads);
        torch::Tensor t = loader.load(file.tensor("w"), run, torch::kCPU);
        std::vector<unsigned char> expected;
        for (double v : values) encode(expected, v, dtype_key(run));
        EXPECT_EQ(t.scalar_type(), run);
        EXPECT_EQ(t.sizes().vec(), shape);
        EXPECT_EQ(bytes_of(t), expected) << stored << " -> " << dtype_key(run) << ", " << threads;
        EXPECT_EQ(loader.bytes_read(), int64_t(data.size()));
      }
  }
}

// Large enough for several read chunks, several conversion chunks and a
// huge-page buffer of its own.
TEST(TensorLoader, LargeTensorsAcrossChunksAndThreads) {
  TempDir dir;
  const int64_t rows = 1500, cols = 4096;  // 6.1M elements, 24.6 MB in F32
  const std::vector<double> values = exact_values(size_t(rows * cols));
  for (const std::string stored : {"F32", "BF16"}) {
    std::vector<unsigned char> data;
    data.reserve(values.size() * 4);
    for (double v : values) encode(data, v, stored);
    const std::string path = dir / (stored + ".safetensors");
    write_one(path, stored, {rows, cols}, data);
    SafetensorsFile file(path);
    for (torch::Dtype run : {torch::kFloat32, torch::kBFloat16}) {
      std::vector<unsigned char> expected;
      expected.reserve(values.size() * 4);
      for (double v : values) encode(expected, v, dtype_key(run));
      for (int threads : {1, 2, 5}) {
        TensorLoader loader(threads);
        torch::Tensor t = loader.load(file.tensor("w"), run, torch::kCPU);
        EXPECT_TRUE(bytes_of(t) == expected)
            << stored << " -> " << dtype_key(run) << ", " << threads << " threads";
      }
    }
  }
}

// Narrowing rounds as torch's .to() does: round to nearest, ties to even.
TEST(TensorLoader, NarrowingRoundsToNearestEven) {
  TempDir dir;
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits(0, 0xFFFFFFFFu);
  std::vector<float> values;
  while (values.size() < 4000) {
    uint32_t u = bits(rng);
    u = (u & 0x807FFFFFu) | (uint32_t(100 + u % 56) << 23);       // normal, |v| in [2^-27, 2^28]
    if (values.size() % 4 == 0) u = (u & 0xFFFF0000u) | 0x8000u;  // exact ties for BF16
    float f;
    std::memcpy(&f, &u, 4);
    values.push_back(f);
  }
  std::vector<unsigned char> data;
  for (float f : values) put(data, f32_bits(f), 4);
  const std::string path = dir / "f32.safetensors";
  write_one(path, "F32", {int64_t(values.size())}, data);
  SafetensorsFile file(path);
  TensorLoader loader(2);

  std::vector<unsigned char> bf16;  // by hand: add 0x7FFF plus the kept lowest bit, truncate
  for (float f : values) {
    const uint32_t u = f32_bits(f);
    put(bf16, (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16, 2);
  }
  EXPECT_TRUE(bytes_of(loader.load(file.tensor("w"), torch::kBFloat16, torch::kCPU)) == bf16);

  // F16 against torch's own conversion of the same floats (the rule is IEEE's).
  torch::Tensor f32 = torch::from_blob(values.data(), {int64_t(values.size())}, torch::kFloat32);
  EXPECT_TRUE(bytes_of(loader.load(file.tensor("w"), torch::kFloat16, torch::kCPU)) ==
              bytes_of(f32.to(torch::kFloat16)));
}

// Buffers of 1 MiB, so that each 12 MB tensor goes in 12 pieces and wraps the
// ring of 4 three times; two tensors in a row reuse buffers across tensors.
TEST(TensorLoader, CudaStagingGivesTheHostPathsBytes) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  TempDir dir;
  const int64_t rows = 1500, cols = 4096;
  std::vector<unsigned char> data;
  for (double v : exact_values(size_t(rows * cols))) encode(data, v, "BF16");
  const std::string path = dir / "model.safetensors";
  write_one(path, "BF16", {rows, cols}, data);
  SafetensorsFile file(path);
  TensorLoader host(2);
  for (torch::Dtype run : {torch::kBFloat16, torch::kFloat32}) {
    const std::vector<unsigned char> expected =
        bytes_of(host.load(file.tensor("w"), run, torch::kCPU));
    CudaStaging staging(torch::Device(torch::kCUDA, 0), 2, size_t(1) << 20);
    torch::Tensor a = staging.load(file.tensor("w"), torch::kBFloat16, run);
    torch::Tensor b = staging.load(file.tensor("w"), torch::kBFloat16, run);
    EXPECT_TRUE(bytes_of(a.cpu()) == expected) << dtype_key(run);
    EXPECT_TRUE(bytes_of(b.cpu()) == expected) << dtype_key(run);
    TensorLoader loader(3);  // the default ring, through TensorLoader
    EXPECT_TRUE(bytes_of(loader.load(file.tensor("w"), run, torch::kCUDA).cpu()) == expected);
  }
}

TEST(TensorLoader, FileTruncatedAfterOpeningIsAnInputError) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  std::vector<unsigned char> data;
  for (double v : exact_values(64)) encode(data, v, "F32");
  write_one(path, "F32", {64}, data);
  SafetensorsFile file(path);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 16);
  TensorLoader loader(1);
  try {
    loader.load(file.tensor("w"), torch::kFloat32, torch::kCPU);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("'w'"), std::string::npos) << what;
  }
}

TEST(TensorLoader, EmptyTensor) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_one(path, "BF16", {0, 5}, {});
  SafetensorsFile file(path);
  TensorLoader loader;
  torch::Tensor t = loader.load(file.tensor("w"), torch::kFloat32, torch::kCPU);
  EXPECT_EQ(t.sizes().vec(), (std::vector<int64_t>{0, 5}));
}

}  // namespace
}  // namespace lmgaze
