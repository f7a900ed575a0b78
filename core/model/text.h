#pragma once
// Small text helpers shared by every layer.
#include <cstdio>
#include <string>
#include <vector>

namespace hm {

// Six significant digits, as "%.6g": how rationales, feeds and audit details show numbers.
inline std::string shortNumber(double v)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

// "a|b||c" -> {"a", "b", "", "c"}; with skipEmpty, "a,,b" -> {"a", "b"}.
inline std::vector<std::string> split(const std::string& text, char sep, bool skipEmpty = false)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(sep, start);
        std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!skipEmpty || !part.empty())
            out.push_back(std::move(part));
        if (end == std::string::npos)
            return out;
        start = end + 1;
    }
}

} // namespace hm
