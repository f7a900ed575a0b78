#pragma once
// A snapshot sink that cannot outlive what it captures. The engine keeps a shared
// slot per subscriber; the subscription's destructor empties the slot under its lock,
// so once it returns no delivery is running and none will start. A sink that captured
// a local vector, a window or a bridge is therefore safe whatever the order in which
// the engine and the captured objects are destroyed.
#include "engine/snapshot.h"

#include <functional>
#include <memory>
#include <mutex>

namespace hm {

using SnapshotSink = std::function<void(SnapshotPtr)>;

struct SnapshotSlot {
    std::mutex mutex;
    SnapshotSink sink;
    void deliver(const SnapshotPtr& s)
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (sink)
            sink(s);
    }
};

class [[nodiscard]] SnapshotSubscription {
public:
    SnapshotSubscription() = default;
    explicit SnapshotSubscription(std::shared_ptr<SnapshotSlot> slot) : m_slot(std::move(slot)) {}
    SnapshotSubscription(SnapshotSubscription&& o) noexcept = default;
    SnapshotSubscription& operator=(SnapshotSubscription&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_slot = std::move(o.m_slot);
        }
        return *this;
    }
    SnapshotSubscription(const SnapshotSubscription&) = delete;
    SnapshotSubscription& operator=(const SnapshotSubscription&) = delete;
    ~SnapshotSubscription() { reset(); }

    // Detaches; waits for a delivery in progress (never call it from inside the sink).
    void reset()
    {
        if (!m_slot)
            return;
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        m_slot->sink = nullptr;
        m_slot.reset();
    }
    bool active() const { return m_slot != nullptr; }

private:
    std::shared_ptr<SnapshotSlot> m_slot;
};

} // namespace hm
