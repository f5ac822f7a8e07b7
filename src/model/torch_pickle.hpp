// A restricted reader of the pickle that torch.save writes as data.pkl.
//
// A pickle is a program: unpickling it with Python's pickle module can call any
// function it names (os.system, builtins.eval, ...). This reader never calls
// anything. It understands exactly what a state dict needs: the opcodes of
// protocols 2 to 4 that build tuples, lists, dicts, strings and numbers; the
// globals collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter and the torch.*Storage types; and torch's
// persistent ids ('storage', type, key, location, numel) that point at the
// archive's data/<key> records. Any other global or opcode is refused by name
// (InputError) at the point it appears, before anything after it is read.
//
// Torch-free and zip-free: it sees bytes and returns a description of tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lmgaze {

struct PickledStorage {
  std::string key;    // the archive record data/<key>
  std::string dtype;  // safetensors spelling: "F32", "F16", "BF16", "F64", "I64", ...
  int64_t numel = 0;  // elements of the storage
};

struct PickledTensor {
  std::string name;
  int storage = -1;    // index into StateDictPickle::storages
  int64_t offset = 0;  // in elements
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;  // in elements
};

struct StateDictPickle {
  std::vector<PickledStorage> storages;
  std::vector<PickledTensor> tensors;  // in pickle order
};

// Reads a pickled {name: tensor} dict (an OrderedDict state dict). `source`
// names the file in errors.
StateDictPickle read_state_dict_pickle(const unsigned char* data, size_t size,
                                       const std::string& source);

}  // namespace lmgaze
