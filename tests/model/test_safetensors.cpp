// The safetensors reader against hand-written files: good files read back byte
// for byte, every defect is an InputError whose message names the file.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "common/error.hpp"
#include "model/safetensors.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

using testing::TempDir;
using testing::write_raw_safetensors;
using testing::write_text;

// Runs `f`, expects an InputError whose one-line message names `file` and contains `needle`.
void expect_input_error(const std::function<void()>& f, const std::string& file,
                        const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no InputError; expected one naming " << file << " and '" << needle << "'";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file), std::string::npos) << what;
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

std::vector<unsigned char> bytes(size_t n) {
  std::vector<unsigned char> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>(i * 7 + 3);
  return v;
}

TEST(Safetensors, ReadsTensorsByteForByte) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  // Header of odd length: the data area is not aligned, the reader must not care.
  const std::string header = R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                             R"("b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},)"
                             R"("empty":{"dtype":"F16","shape":[0,5],"data_offsets":[32,32]},)"
                             R"("__metadata__":{"format":"pt"}} )";
  const auto data = bytes(32);
  write_raw_safetensors(path, header, data);
  SafetensorsFile f(path);
  EXPECT_EQ(f.names(), (std::vector<std::string>{"a", "b", "empty"}));
  TensorView a = f.tensor("a");
  EXPECT_EQ(a.dtype, "F32");
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(a.nbytes, 24u);
  EXPECT_EQ(std::memcmp(a.data, data.data(), 24), 0);
  TensorView b = f.tensor("b");
  EXPECT_EQ(b.dtype, "BF16");
  EXPECT_EQ(std::memcmp(b.data, data.data() + 24, 8), 0);
  EXPECT_EQ(f.tensor("empty").nbytes, 0u);
  EXPECT_EQ(b.file, path);
}

TEST(Safetensors, FileShorterThanLengthField) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_text(path, "abc");
  expect_input_error([&] { SafetensorsFile f(path); }, path, "shorter than the 8-byte");
}

TEST(Safetensors, FileShorterThanHeader) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, "{}", {}, 1000);
  expect_input_error([&] { SafetensorsFile f(path); }, path, "header length 1000 exceeds");
}

TEST(Safetensors, HeaderNotJson) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, "{\"a\": \nnot json", {});
  expect_input_error([&] { SafetensorsFile f(path); }, path, "header is not valid JSON");
}

TEST(Safetensors, HeaderNotObject) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, "[1, 2]", {});
  expect_input_error([&] { SafetensorsFile f(path); }, path, "not a JSON object");
}

TEST(Safetensors, UnknownDtypeNamedAtOpen) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, R"({"w":{"dtype":"F13","shape":[2],"data_offsets":[0,4]}})",
                        bytes(4));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "unknown dtype 'F13'");
}

TEST(Safetensors, UnsupportedDtypeNamedWhenRequested) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  // An I64 buffer is a valid safetensors tensor; only asking for it is an error.
  write_raw_safetensors(path,
                        R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("pos":{"dtype":"I64","shape":[2],"data_offsets":[4,20]}})",
                        bytes(20));
  Checkpoint ckpt(dir.path());
  EXPECT_EQ(ckpt.tensor("w").nbytes, 4u);
  expect_input_error([&] { ckpt.tensor("pos"); }, path, "dtype I64");
}

TEST(Safetensors, OffsetsOutsideDataArea) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                        bytes(12));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "outside the data area");
  write_raw_safetensors(path, R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})",
                        bytes(12));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "outside the data area");
}

TEST(Safetensors, ByteCountDisagreesWithShape) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, R"({"w":{"dtype":"F16","shape":[3,2],"data_offsets":[0,8]}})",
                        bytes(8));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "holds 8 bytes but shape [3, 2]");
}

TEST(Safetensors, OverlappingTensors) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path,
                        R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                        R"("z":{"dtype":"F32","shape":[0],"data_offsets":[6,6]},)"
                        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                        bytes(16));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "overlap");
}

TEST(Safetensors, MalformedEntries) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})",
                        bytes(4));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "non-negative integer");
  write_raw_safetensors(path, R"({"w":{"dtype":"F32","shape":[1]}})", bytes(4));
  expect_input_error([&] { SafetensorsFile f(path); }, path, "data_offsets");
}

TEST(Safetensors, MissingTensor) {
  TempDir dir;
  const std::string path = dir / "model.safetensors";
  write_raw_safetensors(path, R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                        bytes(4));
  Checkpoint ckpt(dir.path());
  EXPECT_TRUE(ckpt.contains("w"));
  EXPECT_FALSE(ckpt.contains("v"));
  expect_input_error([&] { ckpt.tensor("v"); }, path, "tensor 'v' not found");
}

TEST(Safetensors, NoCheckpointInDirectory) {
  TempDir dir;
  expect_input_error([&] { Checkpoint c(dir.path()); }, dir.path(), "no model.safetensors");
}

TEST(Safetensors, ShardsMappedOnlyWhenNeeded) {
  TempDir dir;
  testing::write_checkpoint(testing::tiny_llama(), dir.path(), "F16", 3);
  Checkpoint ckpt(dir.path());
  EXPECT_TRUE(ckpt.sharded());
  EXPECT_EQ(ckpt.n_mapped_files(), 0);
  TensorView v = ckpt.tensor("model.layers.2.mlp.up_proj.weight");
  EXPECT_EQ(v.file, dir / testing::shard_name(2, 3));
  EXPECT_EQ(ckpt.n_mapped_files(), 1);
  ckpt.tensor("lm_head.weight");  // same (last) shard
  EXPECT_EQ(ckpt.n_mapped_files(), 1);
  ckpt.tensor("model.embed_tokens.weight");
  EXPECT_EQ(ckpt.n_mapped_files(), 2);
}

TEST(Safetensors, IndexNamesMissingShard) {
  TempDir dir;
  testing::write_checkpoint(testing::tiny_llama(), dir.path(), "F32", 3);
  std::filesystem::remove(dir / testing::shard_name(1, 3));
  expect_input_error([&] { Checkpoint c(dir.path()); }, dir / "model.safetensors.index.json",
                     "shard '" + testing::shard_name(1, 3) + "', which does not exist");
}

TEST(Safetensors, IndexDefects) {
  TempDir dir;
  testing::write_checkpoint(testing::tiny_llama(), dir.path(), "F32", 2);
  const std::string index = dir / "model.safetensors.index.json";
  {
    Checkpoint c(dir.path());
    expect_input_error([&] { c.tensor("model.layers.9.mlp.up_proj.weight"); }, index,
                       "not in weight_map");
  }
  write_text(index, "{\"weight_map\": ");
  expect_input_error([&] { Checkpoint c(dir.path()); }, index, "not valid JSON");
  write_text(index, "{\"metadata\": {}}");
  expect_input_error([&] { Checkpoint c(dir.path()); }, index, "weight_map");
  write_text(index, R"({"weight_map": {"w": "../elsewhere.safetensors"}})");
  expect_input_error([&] { Checkpoint c(dir.path()); }, index, "not a plain file name");
}

TEST(Safetensors, DefectiveShardNamedWhenMapped) {
  TempDir dir;
  testing::write_checkpoint(testing::tiny_llama(), dir.path(), "F32", 3);
  const std::string shard = dir / testing::shard_name(0, 3);
  write_text(shard, "garbage!!");  // 9 bytes: the length field claims far more
  Checkpoint ckpt(dir.path());
  ckpt.tensor("lm_head.weight");  // other shards are fine
  expect_input_error([&] { ckpt.tensor("model.embed_tokens.weight"); }, shard, "header length");
}

}  // namespace
}  // namespace lmgaze
