import BrookRecords

/// `message.timestamp.before.max.ms` / `after.max.ms` (and the older `difference.max.ms`, which
/// bounds both) on produced CreateTime batches, checked on the batch header's timestamps.
enum TimestampBounds {
    static func problem(_ batches: [ValidatedBatch], now: Int64, resolver: TopicConfigResolver,
                        overrides: [String: String]) -> String? {
        let difference = resolver.int64("message.timestamp.difference.max.ms", overrides) ?? Int64.max
        let before = min(difference, resolver.int64("message.timestamp.before.max.ms", overrides) ?? Int64.max)
        let after = min(difference, resolver.int64("message.timestamp.after.max.ms", overrides) ?? Int64.max)
        guard before != Int64.max || after != Int64.max else { return nil }
        for batch in batches where batch.header.timestampType == .createTime {
            let earliest = min(batch.header.baseTimestamp, batch.header.maxTimestamp)
            let latest = batch.header.maxTimestamp
            if now &- earliest > before || latest &- now > after {
                let low = before == Int64.max ? "-inf" : String(now &- before)
                let high = after == Int64.max ? "+inf" : String(now &+ after)
                return "Timestamp \(now &- earliest > before ? earliest : latest) of message with offset " +
                    "\(batch.header.baseOffset) is out of range. The timestamp should be within [\(low), \(high)]"
            }
        }
        return nil
    }
}
