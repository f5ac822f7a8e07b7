// pytorch_model.bin against files written by real torch.save
// (tests/reference/make_torch_bin_fixtures.py, committed under tests/data/torch_bin)
// and against hand-made hostile pickles: the values equal their safetensors twin,
// and a pickle that names anything a state dict does not need is refused
// without running it.
#include <gtest/gtest.h>
#include <zip.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>

#include "common/error.hpp"
#include "model/safetensors.hpp"
#include "model/torch_bin.hpp"
#include "model/torch_pickle.hpp"
#include "support/input_error.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

using testing::TempDir;

const std::string kFixtures = std::string(LMGAZE_SOURCE_DIR) + "/tests/data/torch_bin";

using test::error_of;

// A stored value as a double, whatever its dtype.
double value_at(const TensorView& v, size_t i) {
  if (v.dtype == "F32") {
    float f;
    std::memcpy(&f, v.data + 4 * i, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, v.data + 2 * i, 2);
  if (v.dtype == "BF16") {
    const uint32_t bits = uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  // F16 by hand: sign, 5-bit exponent, 10-bit fraction (zero and normals in the fixtures).
  const int e = (h >> 10) & 0x1F, frac = h & 0x3FF;
  const double m = e == 0 ? std::ldexp(frac, -24) : std::ldexp(1.0 + frac / 1024.0, e - 15);
  return (h & 0x8000) ? -m : m;
}

// Every tensor of `dir` equals the safetensors twin's, value for value.
void expect_same_values(const std::string& dir, const std::string& dtype_of_first) {
  Checkpoint twin(kFixtures + "/safetensors");
  Checkpoint ckpt(dir);
  int compared = 0;
  for (const std::string& name : ckpt.names()) {
    if (name.find("rotary_emb.inv_freq") != std::string::npos) continue;  // a buffer, no twin
    const TensorView a = ckpt.tensor(name), b = twin.tensor(name);
    ASSERT_EQ(a.shape, b.shape) << name;
    const size_t n = b.nbytes / 4;
    ASSERT_EQ(a.nbytes / safetensors_dtype_size(a.dtype), n) << name;
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(value_at(a, i), value_at(b, i)) << name << " " << i;
    ++compared;
  }
  EXPECT_EQ(compared, 1 + 2 * 9 + 2);  // embedding, 2 layers of 9, norm and lm_head
  EXPECT_EQ(ckpt.tensor("model.embed_tokens.weight").dtype, dtype_of_first);
}

TEST(TorchBin, SameValuesAsSafetensorsTwin) { expect_same_values(kFixtures + "/bin", "F32"); }

TEST(TorchBin, ShardedFloat16AndBfloat16) {
  Checkpoint ckpt(kFixtures + "/bin-sharded");
  EXPECT_TRUE(ckpt.sharded());
  EXPECT_EQ(ckpt.tensor("lm_head.weight").dtype, "BF16");
  EXPECT_EQ(ckpt.n_mapped_files(), 1);  // only the shard asked for so far
  expect_same_values(kFixtures + "/bin-sharded", "F16");
}

TEST(TorchBin, TransposedViewIsPacked) {
  // lm_head was saved as a column-major view of a [V, C] matrix: row-major here.
  TorchBinFile f(kFixtures + "/bin/pytorch_model.bin");
  Checkpoint twin(kFixtures + "/safetensors");
  const TensorView a = f.tensor("lm_head.weight"), b = twin.tensor("lm_head.weight");
  ASSERT_EQ(a.nbytes, b.nbytes);
  EXPECT_EQ(std::memcmp(a.data, b.data, a.nbytes), 0);
}

TEST(TorchBin, SafetensorsPreferredWhenBothPresent) {
  TempDir tmp;
  std::filesystem::copy(kFixtures + "/bin", tmp.path(), std::filesystem::copy_options::recursive);
  std::filesystem::copy_file(kFixtures + "/safetensors/model.safetensors",
                             tmp / "model.safetensors");
  Checkpoint ckpt(tmp.path());
  EXPECT_EQ(ckpt.listing_path(), tmp / "model.safetensors");
}

TEST(TorchBin, LegacyFormatRefusedWithHint) {
  const std::string path = kFixtures + "/legacy/pytorch_model.bin";
  EXPECT_EQ(error_of([&] { Checkpoint c(kFixtures + "/legacy"); }),
            path +
                ": legacy (pre-1.6) torch.save format, not read; re-save it with a current "
                "PyTorch (torch.save(torch.load(f), f)) or convert it to safetensors");
}

// ---------------------------------------------------------------- hostile pickles

// A torch.save-shaped archive whose data.pkl is `pickle`, stored uncompressed as
// torch.save stores it (or deflated, for the test that refuses that).
void write_archive(const std::string& path, const std::string& pickle, bool deflate = false) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  zip_source_t* src = zip_source_buffer(z, pickle.data(), pickle.size(), 0);
  const zip_int64_t i = zip_file_add(z, "archive/data.pkl", src, ZIP_FL_OVERWRITE);
  ASSERT_GE(i, 0);
  ASSERT_EQ(zip_set_file_compression(z, i, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0), 0);
  ASSERT_EQ(zip_close(z), 0);
}

// Protocol 2: GLOBAL module\nname\n, one string argument, TUPLE1, REDUCE, STOP.
// Unpickled by Python this runs module.name(argument).
std::string call_pickle(const std::string& module, const std::string& name,
                        const std::string& arg) {
  std::string p = "\x80\x02";
  p += "c" + module + "\n" + name + "\n";
  p += "X";
  const uint32_t n = arg.size();
  for (int k = 0; k < 4; ++k) p += static_cast<char>((n >> (8 * k)) & 0xFF);
  p += arg;
  p += "\x85R.";
  return p;
}

TEST(TorchBin, OsSystemRefusedAndNotRun) {
  TempDir tmp;
  const std::string marker = tmp / "marker";
  const std::string bin = tmp / "pytorch_model.bin";
  write_archive(bin, call_pickle("os", "system", "touch '" + marker + "'"));
  EXPECT_EQ(error_of([&] { TorchBinFile f(bin); }),
            bin +
                ": data.pkl names 'os.system', which a state dict does not need; refusing the "
                "file (nothing was run)");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(TorchBin, OtherGlobalsAndOpcodesRefusedByName) {
  TempDir tmp;
  const std::string bin = tmp / "pytorch_model.bin";
  write_archive(bin, call_pickle("builtins", "eval", "1"));
  EXPECT_NE(error_of([&] { TorchBinFile f(bin); }).find("names 'builtins.eval'"),
            std::string::npos);
  // Protocol 4 spells the global on the stack (STACK_GLOBAL).
  write_archive(bin,
                "\x80\x04\x8c\x0a"
                "subprocess"
                "\x8c\x04"
                "call"
                "\x93)R.");
  EXPECT_NE(error_of([&] { TorchBinFile f(bin); }).find("names 'subprocess.call'"),
            std::string::npos);
  // Protocol 0's INST builds and calls in one opcode.
  write_archive(bin, "(S'x'\nios\nsystem\n.");
  EXPECT_NE(error_of([&] { TorchBinFile f(bin); }).find("opcode 0x53 (STRING)"), std::string::npos);
  // A state dict that holds something other than tensors.
  write_archive(bin, std::string("\x80\x02}X\x01\x00\x00\x00"
                                 "aK\x01s.",
                                 14));
  EXPECT_NE(error_of([&] { TorchBinFile f(bin); }).find("entry 'a' is not a tensor"),
            std::string::npos);
}

TEST(TorchBin, CompressedRecordRefused) {
  TempDir tmp;
  const std::string bin = tmp / "pytorch_model.bin";
  write_archive(bin, std::string(1000, 'x'), /*deflate=*/true);
  EXPECT_EQ(error_of([&] { TorchBinFile f(bin); }),
            bin +
                ": archive record archive/data.pkl is compressed; torch.save writes records "
                "uncompressed");
}

TEST(TorchBin, PickleReaderOnTheFixture) {
  // The fixture's own data.pkl through the reader alone: 21 tensors + 2 buffers.
  zip_t* z = zip_open((kFixtures + "/bin/pytorch_model.bin").c_str(), ZIP_RDONLY, nullptr);
  ASSERT_NE(z, nullptr);
  zip_stat_t st;
  ASSERT_EQ(zip_stat(z, "pytorch_model/data.pkl", 0, &st), 0);
  std::vector<unsigned char> buf(st.size);
  zip_file_t* f = zip_fopen(z, "pytorch_model/data.pkl", 0);
  ASSERT_EQ(zip_fread(f, buf.data(), buf.size()), zip_int64_t(buf.size()));
  zip_fclose(f);
  zip_discard(z);
  const StateDictPickle sd = read_state_dict_pickle(buf.data(), buf.size(), "data.pkl");
  ASSERT_EQ(sd.tensors.size(), 23u);
  EXPECT_EQ(sd.tensors[0].name, "model.embed_tokens.weight");
  EXPECT_EQ(sd.tensors[0].shape, (std::vector<int64_t>{40, 16}));
  EXPECT_EQ(sd.tensors[0].stride, (std::vector<int64_t>{16, 1}));
  EXPECT_EQ(sd.tensors.back().name, "lm_head.weight");
  EXPECT_EQ(sd.tensors.back().stride, (std::vector<int64_t>{1, 40}));  // the transposed view
  EXPECT_EQ(sd.storages[0].dtype, "F32");
}

}  // namespace
}  // namespace lmgaze
