// SHA-256 (FIPS 180-4), for fingerprinting tokenizer files.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lmgaze {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(const std::string& s) { update(s.data(), s.size()); }
  std::string hex_digest();  // finishes; call once

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_ = 0;
};

}  // namespace lmgaze
