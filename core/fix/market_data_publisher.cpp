#include "fix/market_data_publisher.h"

#include "fix/fix_convert.h"

#include <quickfix/fix44/MarketDataIncrementalRefresh.h>
#include <quickfix/fix44/MarketDataRequestReject.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>

#include <algorithm>

namespace hm {

MarketDataPublisher::MarketDataPublisher(std::map<std::string, Instrument> instruments, Send send)
    : m_instruments(std::move(instruments)), m_send(std::move(send))
{
}

const Instrument& MarketDataPublisher::instrument(const std::string& symbol) const
{
    return m_instruments.at(symbol); // the store only publishes the venue's own symbols
}

void MarketDataPublisher::handle(const VenueMessage& m)
{
    switch (m.kind) {
    case VenueMessageKind::DepthUpdate: sendUpdate(m.update); break;
    case VenueMessageKind::Snapshot: {
        sendSnapshot(m);
        bool known = false; // a resent request (PossDup) must not subscribe twice
        for (const auto& s : m_subscriptions)
            known = known || (s.session == m.session && s.mdReqId == m.mdReqId && s.symbol == m.symbol);
        if (m.subscribe && !known)
            m_subscriptions.push_back(Subscription{m.session, m.mdReqId, m.symbol});
        break;
    }
    case VenueMessageKind::UnknownSymbol: sendUnknownSymbol(m); break;
    case VenueMessageKind::Unsubscribe:
        m_subscriptions.erase(std::remove_if(m_subscriptions.begin(), m_subscriptions.end(),
                                             [&](const Subscription& s) {
                                                 return s.session == m.session && s.mdReqId == m.mdReqId;
                                             }),
                              m_subscriptions.end());
        break;
    case VenueMessageKind::SessionEnded:
        m_subscriptions.erase(std::remove_if(m_subscriptions.begin(), m_subscriptions.end(),
                                             [&](const Subscription& s) { return s.session == m.session; }),
                              m_subscriptions.end());
        break;
    default: break;
    }
}

void MarketDataPublisher::sendUpdate(const MarketDataUpdate& u)
{
    const Instrument* ins = nullptr;
    for (const auto& sub : m_subscriptions) {
        if (sub.symbol != u.symbol)
            continue;
        if (!ins)
            ins = &instrument(u.symbol);
        FIX44::MarketDataIncrementalRefresh x;
        x.set(FIX::MDReqID(sub.mdReqId));
        for (const auto& c : u.changes) {
            FIX44::MarketDataIncrementalRefresh::NoMDEntries g;
            g.set(FIX::MDUpdateAction(c.action == LevelAction::New      ? FIX::MDUpdateAction_NEW
                                          : c.action == LevelAction::Change ? FIX::MDUpdateAction_CHANGE
                                                                            : FIX::MDUpdateAction_DELETE));
            g.set(FIX::MDEntryType(c.side == Side::Buy ? FIX::MDEntryType_BID : FIX::MDEntryType_OFFER));
            g.set(FIX::Symbol(u.symbol));
            fixconv::setText(g, FIX::FIELD::MDEntryPx, fixconv::priceText(*ins, c.price));
            fixconv::setText(g, FIX::FIELD::MDEntrySize, fixconv::quantityText(c.qty));
            x.addGroup(g);
        }
        for (const auto& t : u.trades) {
            FIX44::MarketDataIncrementalRefresh::NoMDEntries g;
            g.set(FIX::MDUpdateAction(FIX::MDUpdateAction_NEW));
            g.set(FIX::MDEntryType(FIX::MDEntryType_TRADE));
            g.set(FIX::Symbol(u.symbol));
            fixconv::setText(g, FIX::FIELD::MDEntryPx, fixconv::priceText(*ins, t.price));
            fixconv::setText(g, FIX::FIELD::MDEntrySize, fixconv::quantityText(t.qty));
            x.addGroup(g);
        }
        ++m_messagesSent;
        m_send(x, sub.session);
    }
}

void MarketDataPublisher::sendSnapshot(const VenueMessage& m)
{
    const Instrument& ins = instrument(m.symbol);
    FIX44::MarketDataSnapshotFullRefresh w;
    if (!m.mdReqId.empty())
        w.set(FIX::MDReqID(m.mdReqId));
    w.set(FIX::Symbol(m.symbol));
    int entries = 0;
    auto addSide = [&](const std::vector<DepthLevel>& levels, char type) {
        int pos = 1;
        for (const auto& l : levels) {
            FIX44::MarketDataSnapshotFullRefresh::NoMDEntries g;
            g.set(FIX::MDEntryType(type));
            fixconv::setText(g, FIX::FIELD::MDEntryPx, fixconv::priceText(ins, l.price));
            fixconv::setText(g, FIX::FIELD::MDEntrySize, fixconv::quantityText(l.qty));
            g.set(FIX::MDEntryPositionNo(pos++));
            w.addGroup(g);
            ++entries;
        }
    };
    addSide(m.depth.bids, FIX::MDEntryType_BID);
    addSide(m.depth.asks, FIX::MDEntryType_OFFER);
    if (entries == 0)
        w.setField(FIX::NoMDEntries(0));
    ++m_messagesSent;
    m_send(w, m.session);
}

void MarketDataPublisher::sendUnknownSymbol(const VenueMessage& m)
{
    FIX44::MarketDataRequestReject y{FIX::MDReqID(m.mdReqId)};
    y.set(FIX::MDReqRejReason(FIX::MDReqRejReason_UNKNOWN_SYMBOL));
    y.set(FIX::Text("unknown symbol " + m.symbol));
    m_send(y, m.session);
}

} // namespace hm
