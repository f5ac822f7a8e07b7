// GPT-2's reversible byte -> printable-character alphabet (bytes_to_unicode).
//
// Byte-level BPE works on bytes, but vocab.json and merges.txt store tokens as
// text. GPT-2 maps every byte to a printable Unicode character: the printable
// Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') to themselves, the remaining
// 68 bytes, in increasing order, to U+0100, U+0101, ... A token's string in
// vocab.json is the concatenation of its bytes' characters.
#pragma once

#include <array>
#include <string>

namespace lmgaze {

// The UTF-8 encoding of the character that stands for each byte value.
std::array<std::string, 256> gpt2_byte_alphabet();

// The vocab.json spelling of a byte string.
std::string gpt2_bytes_to_token_string(const std::string& bytes,
                                       const std::array<std::string, 256>& alphabet);

}  // namespace lmgaze
