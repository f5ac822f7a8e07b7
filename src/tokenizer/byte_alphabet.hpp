// GPT-2's reversible byte -> printable-character alphabet (bytes_to_unicode),
// which the ByteLevel pre-tokenizer uses.
//
// Byte-level BPE works on bytes, but vocab.json, merges.txt and
// tokenizer.json store tokens as text. GPT-2 maps every byte to a printable
// Unicode character: the printable Latin-1 bytes ('!'..'~', '¡'..'¬',
// '®'..'ÿ') to themselves, the remaining 68 bytes, in increasing order, to
// U+0100, U+0101, ... A token's string in the vocabulary is the concatenation
// of its bytes' characters.
#pragma once

#include <array>
#include <string>

namespace lmgaze {

// The UTF-8 encoding of the character that stands for each byte value.
std::array<std::string, 256> byte_level_alphabet();

// The vocabulary spelling of a byte string.
std::string byte_level_spelling(const std::string& bytes,
                                const std::array<std::string, 256>& alphabet);

}  // namespace lmgaze
