#pragma once
// What every part of the window that shows snapshots offers: the window keeps one list
// of them and walks it for each snapshot, instead of knowing each panel by name.
#include "engine/snapshot.h"

namespace hm {

class SnapshotPanel {
public:
    virtual ~SnapshotPanel() = default;
    // The newest snapshot (those skipped in between have been merged into it).
    virtual void update(const EngineSnapshot& snapshot) = 0;
    // A replay jumped (a new epoch): whatever the panel accumulated from earlier snapshots
    // (histories, rows, counts) starts over. A panel that shows only the latest state has
    // nothing to drop.
    virtual void reset() = 0;

protected:
    SnapshotPanel() = default;
    SnapshotPanel(const SnapshotPanel&) = default;
    SnapshotPanel& operator=(const SnapshotPanel&) = default;
};

} // namespace hm
