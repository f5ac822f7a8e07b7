// Reading pytorch_model.bin: the zip archive torch.save has written since
// PyTorch 1.6 (<stem>/data.pkl, <stem>/data/<key> per storage, <stem>/byteorder).
//
// The archive is read with libzip; data.pkl with the restricted unpickler of
// torch_pickle.hpp, which refuses any global a state dict does not need and
// never runs anything. A storage is read into memory (one copy of its bytes)
// when a tensor in them is first asked for (libzip gives no file offset through
// which a stored entry could be mapped); every tensor is then a view into them,
// as a safetensors tensor is a view into its mapping.
// The pre-1.6 format (a bare pickle stream) is refused with a hint to re-save.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/safetensors.hpp"

namespace lmgaze {

class TorchBinFile final : public WeightFile {
 public:
  // Opens the archive, unpickles data.pkl and checks every tensor against the
  // size of its storage record; storage bytes are read when first asked for.
  explicit TorchBinFile(const std::string& path);
  ~TorchBinFile() override;
  TorchBinFile(const TorchBinFile&) = delete;
  TorchBinFile& operator=(const TorchBinFile&) = delete;

  const std::string& path() const override { return path_; }
  bool contains(const std::string& name) const override { return tensors_.count(name) > 0; }
  std::vector<std::string> names() const override;
  TensorView tensor(const std::string& name) const override;
  // Frees the storages read so far; they are read again when asked for.
  void release_buffers() override;

 private:
  struct Tensor {
    int storage;                         // index into storages_
    std::string dtype;                   // safetensors spelling
    std::vector<int64_t> shape, stride;  // in elements
    int64_t offset;                      // in elements
  };
  struct Storage {
    std::string record;  // <stem>/data/<key>
    int64_t index;       // zip entry index
    size_t nbytes;
  };
  const std::vector<unsigned char>& storage_bytes(int storage) const;

  std::string path_;
  void* zip_ = nullptr;  // zip_t*, open while the file is
  std::vector<Storage> storages_;
  std::map<std::string, Tensor> tensors_;
  mutable std::map<int, std::vector<unsigned char>> bytes_;             // storage -> its bytes
  mutable std::map<std::string, std::vector<unsigned char>> gathered_;  // strided tensors, packed
};

}  // namespace lmgaze
