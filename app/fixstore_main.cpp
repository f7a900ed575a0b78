// helmsman-fixstore: looks into a FIX session's message store (docs/fix.md) and, when the
// counterparty has agreed to it, sets its next sequence numbers or starts it over.
// The store must not be in use: a running session holds a lock on it.
#include "fix/session_store.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

const char* kUsage =
    "usage: helmsman-fixstore FILE [options]\n"
    "  FILE                   a session's store, e.g. ~/.local/share/helmsman/fix/store/FIX.4.4-HELMSMAN-HMVENUE.hmstore\n"
    "  (no option)            sequence numbers, stored messages, creation time\n"
    "  --messages FROM-TO     print the stored messages in that range of sequence numbers ('|' for SOH)\n"
    "  --set-next-sender N    the next sequence number this side sends\n"
    "  --set-next-target N    the next sequence number this side expects\n"
    "  --reset                both back to 1, stored messages dropped\n"
    "Change sequence numbers only as agreed with the counterparty, with the session stopped.\n";

[[noreturn]] void fail(const std::string& message, int code = 2)
{
    std::cerr << "helmsman-fixstore: " << message << "\n";
    std::exit(code);
}

int positive(const std::string& option, const std::string& text)
{
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 1 || v > 2147483647L)
        fail(option + ": '" + text + "' is not a sequence number (a whole number from 1)");
    return static_cast<int>(v);
}

void summary(const hm::SessionStore& s, const std::string& file)
{
    std::cout << "store            " << file << "\n"
              << "next sender seq  " << s.nextSenderSeq() << "   (the next message this side sends)\n"
              << "next target seq  " << s.nextTargetSeq() << "   (the next message this side expects)\n"
              << "stored messages  " << s.messageCount();
    if (s.messageCount() > 0)
        std::cout << "   (sequence numbers " << s.firstStored() << " to " << s.lastStored() << ", for resends)";
    std::cout << "\ncreated          " << s.created() << " UTC\n"
              << "bytes used       " << s.bytesUsed() << "\n";
}

} // namespace

int main(int argc, char** argv)
{
    std::string file, range;
    int nextSender = 0, nextTarget = 0;
    bool reset = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                fail(a + " needs a value");
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (a == "--messages") {
            range = value();
        } else if (a == "--set-next-sender") {
            nextSender = positive(a, value());
        } else if (a == "--set-next-target") {
            nextTarget = positive(a, value());
        } else if (a == "--reset") {
            reset = true;
        } else if (a.rfind("--", 0) == 0) {
            fail("unknown option '" + a + "' (see --help)");
        } else if (file.empty()) {
            file = a;
        } else {
            fail("unexpected argument '" + a + "'");
        }
    }
    if (file.empty())
        fail("which store? (see --help)");
    if (reset && (nextSender || nextTarget))
        fail("--reset already sets both sequence numbers to 1");
    try {
        hm::SessionStore store(file);
        if (!range.empty()) {
            const std::size_t dash = range.find('-');
            if (dash == std::string::npos)
                fail("--messages: expected FROM-TO, e.g. 1-20");
            const int from = positive("--messages", range.substr(0, dash));
            const int to = positive("--messages", range.substr(dash + 1));
            for (std::string m : store.messages(from, to)) {
                for (char& c : m)
                    if (c == '\x01')
                        c = '|';
                std::cout << m << "\n";
            }
            return 0;
        }
        if (reset || nextSender || nextTarget) {
            const int sender = store.nextSenderSeq(), target = store.nextTargetSeq();
            if (reset)
                store.reset();
            if (nextSender)
                store.setNextSenderSeq(nextSender);
            if (nextTarget)
                store.setNextTargetSeq(nextTarget);
            std::cout << "next sender seq  " << sender << " -> " << store.nextSenderSeq() << "\n"
                      << "next target seq  " << target << " -> " << store.nextTargetSeq() << "\n";
            if (reset)
                std::cout << "stored messages dropped\n";
            return 0;
        }
        summary(store, file);
    } catch (const std::exception& e) {
        fail(e.what());
    }
    return 0;
}
