#include "model/torch_bin.hpp"

#include <zip.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "model/torch_pickle.hpp"

namespace lmgaze {
namespace {

zip_t* as_zip(void* z) { return static_cast<zip_t*>(z); }

std::vector<unsigned char> read_entry(zip_t* z, zip_uint64_t index, size_t nbytes,
                                      const std::string& path, const std::string& name) {
  std::vector<unsigned char> buf(nbytes);
  zip_file_t* f = zip_fopen_index(z, index, 0);
  if (!f) throw InputError(path, "cannot read archive record " + name + ": " + zip_strerror(z));
  const zip_int64_t got = nbytes ? zip_fread(f, buf.data(), nbytes) : 0;
  zip_fclose(f);
  if (got < 0 || static_cast<size_t>(got) != nbytes)
    throw InputError(path, "archive record " + name + " is shorter than its directory entry");
  return buf;
}

// The first bytes tell a zip archive from the legacy torch.save stream.
void check_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open");
  unsigned char head[4] = {0, 0, 0, 0};
  in.read(reinterpret_cast<char*>(head), 4);
  if (in.gcount() == 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return;
  if (in.gcount() >= 1 && head[0] == 0x80)
    throw InputError(path,
                     "legacy (pre-1.6) torch.save format, not read; re-save it with a current "
                     "PyTorch (torch.save(torch.load(f), f)) or convert it to safetensors");
  throw InputError(path, "not a torch.save zip archive");
}

}  // namespace

TorchBinFile::TorchBinFile(const std::string& path) : path_(path) {
  check_format(path);
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t e;
    zip_error_init_with_code(&e, err);
    const std::string what = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw InputError(path, "not a readable zip archive: " + what);
  }
  zip_ = z;
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  try {
    // The records live under one folder, named after the file by torch.save.
    const zip_int64_t n = zip_get_num_entries(z, 0);
    std::string stem;
    zip_int64_t pkl = -1;
    for (zip_int64_t i = 0; i < n; ++i) {
      const std::string name = zip_get_name(z, i, 0);
      const size_t slash = name.find('/');
      if (slash != std::string::npos && name.substr(slash) == "/data.pkl") {
        if (pkl >= 0) throw InputError(path, "archive holds more than one data.pkl");
        pkl = i;
        stem = name.substr(0, slash);
      }
    }
    if (pkl < 0) throw InputError(path, "archive holds no <name>/data.pkl: not a torch.save file");
    auto entry = [&](const std::string& name, size_t* size) -> zip_int64_t {
      const zip_int64_t i = zip_name_locate(z, name.c_str(), 0);
      if (i < 0) return -1;
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(z, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
          !(st.valid & ZIP_STAT_COMP_SIZE) || !(st.valid & ZIP_STAT_COMP_METHOD))
        throw InputError(path, "cannot stat archive record " + name);
      // torch.save stores records uncompressed; a stored record's size is bounded
      // by the file's, so no claimed size can make lmgaze allocate more than that.
      if (st.comp_method != ZIP_CM_STORE)
        throw InputError(path, "archive record " + name +
                                   " is compressed; torch.save writes records uncompressed");
      if (st.size != st.comp_size || st.size > file_size)
        throw InputError(path, "archive record " + name + " claims " + std::to_string(st.size) +
                                   " bytes, more than the file holds");
      *size = st.size;
      return i;
    };
    size_t size = 0;
    const zip_int64_t order = entry(stem + "/byteorder", &size);
    if (order >= 0) {
      auto b = read_entry(z, order, size, path, stem + "/byteorder");
      if (std::string(b.begin(), b.end()) != "little")
        throw InputError(path, "byteorder is '" + std::string(b.begin(), b.end()) +
                                   "'; lmgaze reads little-endian archives");
    }
    entry(stem + "/data.pkl", &size);
    const auto pickle = read_entry(z, pkl, size, path, stem + "/data.pkl");
    const StateDictPickle sd = read_state_dict_pickle(pickle.data(), pickle.size(), path);

    for (const PickledStorage& s : sd.storages) {
      const std::string record = stem + "/data/" + s.key;
      const size_t elem = safetensors_dtype_size(s.dtype);
      const zip_int64_t i = entry(record, &size);
      if (i < 0) throw InputError(path, "data.pkl names storage record " + record + ", missing");
      if (s.numel < 0 || size != static_cast<size_t>(s.numel) * elem)
        throw InputError(path, "storage record " + record + " holds " + std::to_string(size) +
                                   " bytes, data.pkl implies " +
                                   std::to_string(s.numel * int64_t(elem)));
      storages_.push_back({record, i, size});
    }
    for (const PickledTensor& t : sd.tensors) {
      const PickledStorage& s = sd.storages[t.storage];
      // The last element the tensor reads must lie inside its storage.
      int64_t last = t.offset, numel = 1;
      for (size_t d = 0; d < t.shape.size(); ++d) {
        if (t.shape[d] < 0 || t.stride[d] < 0)
          throw InputError(path, "tensor '" + t.name + "' has a negative size or stride");
        numel *= t.shape[d];
        last += (t.shape[d] - 1) * t.stride[d];
      }
      if (t.offset < 0 || (numel > 0 && last >= s.numel))
        throw InputError(path, "tensor '" + t.name + "' reaches outside its storage");
      if (tensors_.count(t.name)) throw InputError(path, "tensor '" + t.name + "' appears twice");
      tensors_[t.name] = {t.storage, s.dtype, t.shape, t.stride, t.offset};
    }
  } catch (...) {
    zip_discard(z);
    zip_ = nullptr;
    throw;
  }
}

TorchBinFile::~TorchBinFile() {
  if (zip_) zip_discard(as_zip(zip_));
}

std::vector<std::string> TorchBinFile::names() const {
  std::vector<std::string> out;
  for (const auto& kv : tensors_) out.push_back(kv.first);
  return out;
}

const std::vector<unsigned char>& TorchBinFile::storage_bytes(int storage) const {
  auto it = bytes_.find(storage);
  if (it == bytes_.end()) {
    const Storage& s = storages_[storage];
    it =
        bytes_.emplace(storage, read_entry(as_zip(zip_), s.index, s.nbytes, path_, s.record)).first;
  }
  return it->second;
}

void TorchBinFile::release_buffers() {
  bytes_.clear();
  gathered_.clear();
}

TensorView TorchBinFile::tensor(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw InputError(path_, "tensor '" + name + "' not found");
  const Tensor& t = it->second;
  const size_t elem = safetensors_dtype_size(t.dtype);
  const unsigned char* base = storage_bytes(t.storage).data();
  TensorView v;
  v.name = name;
  v.dtype = t.dtype;
  v.shape = t.shape;
  v.file = path_;
  int64_t numel = 1;
  for (int64_t d : t.shape) numel *= d;
  v.nbytes = static_cast<size_t>(numel) * elem;
  // Row-major contiguous (size-1 dimensions may carry any stride): a plain view.
  bool contiguous = true;
  int64_t expect = 1;
  for (size_t d = t.shape.size(); d-- > 0;) {
    if (t.shape[d] != 1 && t.stride[d] != expect) contiguous = false;
    expect *= t.shape[d];
  }
  if (contiguous || numel == 0) {
    v.data = base + t.offset * elem;
    return v;
  }
  // A strided view (saved from a transpose, say): packed once, kept with the file.
  auto g = gathered_.find(name);
  if (g == gathered_.end()) {
    std::vector<unsigned char> out(v.nbytes);
    std::vector<int64_t> idx(t.shape.size(), 0);
    for (int64_t k = 0; k < numel; ++k) {
      int64_t src = t.offset;
      for (size_t d = 0; d < idx.size(); ++d) src += idx[d] * t.stride[d];
      std::memcpy(out.data() + k * elem, base + src * elem, elem);
      for (size_t d = idx.size(); d-- > 0;) {
        if (++idx[d] < t.shape[d]) break;
        idx[d] = 0;
      }
    }
    g = gathered_.emplace(name, std::move(out)).first;
  }
  v.data = g->second.data();
  return v;
}

}  // namespace lmgaze
