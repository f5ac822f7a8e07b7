// Reading Hugging Face checkpoints: safetensors files memory-mapped and read-only,
// torch.save .bin files through torch_bin.hpp, behind one Checkpoint.
//
// A safetensors file is: 8 bytes little-endian header length N, N bytes of JSON
// header {"name": {"dtype": "F16", "shape": [..], "data_offsets": [begin, end]}, ...,
// "__metadata__": {...}}, then the data area; offsets are relative to the data area.
// A big checkpoint is split into shards model-0000x-of-0000y.safetensors listed by
// model.safetensors.index.json ({"weight_map": {"name": "shard file"}}).
//
// What this file is not: it knows nothing about torch or about model architectures.
// It hands out raw byte views; tensor_loader.hpp turns them into tensors. Every defect
// of a file is an InputError naming the file (one line), found when the file is opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lmgaze {

// One tensor inside a mapped file: raw little-endian bytes, no alignment promised.
struct TensorView {
  std::string name;
  std::string dtype;  // safetensors dtype string: "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  const unsigned char* data = nullptr;  // inside the mapping; valid while the file is open
  size_t nbytes = 0;
  std::string file;  // the file it lives in, for error messages
  // Where the same bytes lie in the file, for pread() straight into a tensor's
  // buffer (no page faults on the mapping, no alignment question); fd is -1 when
  // the bytes exist only in memory (a .bin storage). Valid while the file is open.
  int fd = -1;
  uint64_t file_offset = 0;
};

// Copies bytes [begin, begin + n) of the tensor into dst: pread() from the file
// when it has one, else memcpy from memory. Safe to call from several threads at
// once. A read that ends early (the file shrank since it was opened) is an
// InputError naming the file and the tensor.
void read_tensor_bytes(const TensorView& view, size_t begin, size_t n, void* dst);

// Asks the kernel to start reading the tensor's bytes into the page cache now
// (POSIX_FADV_WILLNEED), so that the storage works on the whole tensor while
// the first chunks are copied out. Advice only; nothing for in-memory bytes.
void prefetch_tensor_bytes(const TensorView& view);

// Bytes per element of a safetensors dtype string; 0 for a string that is not one.
size_t safetensors_dtype_size(const std::string& dtype);

// "[2000, 96]": how shapes appear in error messages.
std::string format_shape(const std::vector<int64_t>& shape);

// One file of weights: a .safetensors file or a torch.save .bin (torch_bin.hpp).
class WeightFile {
 public:
  virtual ~WeightFile() = default;
  virtual const std::string& path() const = 0;
  virtual bool contains(const std::string& name) const = 0;
  virtual std::vector<std::string> names() const = 0;
  // Throws InputError naming the file when `name` is not in it.
  virtual TensorView tensor(const std::string& name) const = 0;
  // Drops what the file holds in memory for the views it handed out (a .bin's
  // storages); those views are invalid afterwards. A mapped file holds nothing.
  virtual void release_buffers() {}
};

// One mapped .safetensors file. The constructor maps it and validates the whole
// header: file length, header length, JSON, dtypes, shapes, offsets, overlaps.
class SafetensorsFile final : public WeightFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile() override;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const override { return path_; }
  bool contains(const std::string& name) const override { return entries_.count(name) > 0; }
  std::vector<std::string> names() const override;
  // Throws InputError naming the file when `name` is not in it.
  TensorView tensor(const std::string& name) const override;

 private:
  struct Entry {
    std::string dtype;
    std::vector<int64_t> shape;
    size_t begin = 0;  // byte range inside the data area
    size_t end = 0;
  };

  std::string path_;
  int fd_ = -1;  // open while the file is: tensors are read from it with pread()
  void* map_ = nullptr;
  size_t map_size_ = 0;
  size_t data_start_ = 0;  // 8 + header length
  std::map<std::string, Entry> entries_;
};

// A model directory's weights, the first of these that exists:
//   model.safetensors, model.safetensors.index.json (+ its shards),
//   pytorch_model.bin, pytorch_model.bin.index.json (+ its shards),
// so safetensors are preferred when both are present. Shards are opened only
// when a tensor in them is first requested, so a pipeline stage touches only
// the shards of its own layers.
class Checkpoint {
 public:
  // Throws InputError when the directory has none of these files, when the
  // index is malformed, or when it names a shard that does not exist.
  explicit Checkpoint(const std::string& model_dir);

  const std::string& dir() const { return dir_; }
  bool sharded() const { return !index_path_.empty(); }
  bool contains(const std::string& name) const;
  // Every tensor name of the checkpoint (sharded: from the index, no shard opened).
  std::vector<std::string> names() const;
  // The file that lists the names: the single weights file or the index.
  const std::string& listing_path() const { return sharded() ? index_path_ : single_path_; }
  // The tensor's bytes; throws InputError naming the file when the tensor is
  // missing or its dtype is not one lmgaze reads (F32, F16, BF16).
  TensorView tensor(const std::string& name);
  // Number of files mapped so far (tests check that stages map only their shards).
  int n_mapped_files() const { return static_cast<int>(files_.size()); }
  // WeightFile::release_buffers on every open file: views handed out so far are
  // invalid afterwards; the files stay open and their headers parsed.
  void release_buffers();

 private:
  WeightFile& file(const std::string& path);

  std::string dir_;
  std::string single_path_;                        // the weights file, when not sharded
  std::string index_path_;                         // the *.index.json, when sharded
  std::map<std::string, std::string> weight_map_;  // tensor name -> shard path (sharded only)
  std::map<std::string, std::unique_ptr<WeightFile>> files_;  // path -> opened file
};

}  // namespace lmgaze
