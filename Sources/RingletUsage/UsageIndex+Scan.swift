import Glibc
import RingletSystem

extension UsageIndex {
    /// A file to read in this scan, and from where.
    private struct Work {
        var path: String
        var profile: String
        var reader: any UsageReader
        var id: Int64?
        var inode: Int64
        var size: Int64
        var offset: Int64
        var state: ReaderState
        var restart: Bool
    }

    /// Reads what is new in every file the homes' manifests point at, and indexes it, in one
    /// transaction. `progress` is called now and then with the bytes read so far.
    public func scan(_ homes: [UsageHome], progress: ((ScanProgress) -> Void)? = nil) throws(UsageError) -> ScanSummary {
        var summary = ScanSummary()
        var known: [String: (id: Int64, inode: Int64, size: Int64, offset: Int64, state: String?)] = [:]
        let select = try database.prepare("SELECT id, path, inode, size, offset, state FROM files")
        while try select.step() {
            known[select.text(1) ?? ""] = (select.int64(0), select.int64(2), select.int64(3), select.int64(4), select.text(5))
        }
        var work: [Work] = []
        for home in homes {
            let reader = try UsageReaders.named(home.source.reader)
            var seen = Set<String>()
            for pattern in home.source.paths {
                for path in HomeGlob.files(matching: pattern, in: home.home) where seen.insert(path).inserted {
                    summary.files += 1
                    var status = stat()
                    guard stat(path, &status) == 0 else { continue }
                    let inode = Int64(status.st_ino), size = Int64(status.st_size)
                    if let previous = known[path] {
                        if previous.inode == inode && previous.size == size { continue }
                        let restart = previous.inode != inode || size < previous.size
                        work.append(Work(path: path, profile: home.profile, reader: reader, id: previous.id, inode: inode, size: size,
                                         offset: restart ? 0 : previous.offset, state: restart ? ReaderState() : ReaderState(encoded: previous.state),
                                         restart: restart))
                    } else {
                        work.append(Work(path: path, profile: home.profile, reader: reader, id: nil, inode: inode, size: size,
                                         offset: 0, state: ReaderState(), restart: false))
                    }
                }
            }
        }
        guard !work.isEmpty else { return summary }
        let toRead = work.reduce(Int64(0)) { $0 + max(0, $1.size - $1.offset) }
        let spans = try spansByProfile()
        try database.transaction { () throws(UsageError) in
            let insertFile = try database.prepare("""
                INSERT INTO files (path, profile, reader, inode, size, offset, state) VALUES (?1, ?2, ?3, 0, 0, 0, NULL)
                """)
            let updateFile = try database.prepare("UPDATE files SET inode = ?2, size = ?3, offset = ?4, state = ?5 WHERE id = ?1")
            let forget = try database.prepare("DELETE FROM records WHERE file = ?1")
            let upsert = try database.prepare("""
                INSERT INTO records (profile, key, ts, model, agent_session, session, input, output, cache_write, cache_read, file, offset)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                ON CONFLICT (profile, key) DO UPDATE SET input = max(input, excluded.input), output = max(output, excluded.output),
                    cache_write = max(cache_write, excluded.cache_write), cache_read = max(cache_read, excluded.cache_read)
                """)
            let forgottenDays = try database.prepare("SELECT DISTINCT ts / 86400000 FROM records WHERE file = ?1")
            var touched: Set<DayKey> = []
            var lastDay: DayKey?
            var done: Int64 = 0
            var reported: Int64 = 0
            progress?(ScanProgress(bytesRead: 0, bytesToRead: toRead))
            for var item in work {
                let fileID: Int64
                if let id = item.id {
                    fileID = id
                    if item.restart {
                        forgottenDays.bind(1, id)
                        while try forgottenDays.step() { touched.insert(DayKey(profile: item.profile, day: forgottenDays.int64(0))) }
                        forgottenDays.reset()
                        forget.bind(1, id)
                        try forget.run()
                    }
                } else {
                    insertFile.bind(1, item.path)
                    insertFile.bind(2, item.profile)
                    insertFile.bind(3, item.reader.name)
                    try insertFile.run()
                    fileID = database.lastInsertedRow
                }
                let profileSpans = spans[item.profile] ?? []
                let start = item.offset
                let outcome = RecordFile.read(item.path, from: item.offset, reader: item.reader, state: &item.state) { parsed, offset throws(UsageError) in
                    upsert.bind(1, item.profile)
                    upsert.bind(2, parsed.callID.map { "m:" + $0 } ?? "f:\(fileID):\(offset)")
                    upsert.bind(3, parsed.timestamp)
                    upsert.bind(4, parsed.model)
                    upsert.bind(5, parsed.agentSession)
                    upsert.bind(6, Self.session(at: parsed.timestamp, in: profileSpans))
                    upsert.bind(7, parsed.tokens.input)
                    upsert.bind(8, parsed.tokens.output)
                    upsert.bind(9, parsed.tokens.cacheWrite)
                    upsert.bind(10, parsed.tokens.cacheRead)
                    upsert.bind(11, fileID)
                    upsert.bind(12, offset)
                    try upsert.run()
                    let day = DayKey(profile: item.profile, day: parsed.timestamp.floorDivided(by: 86_400_000))
                    if day != lastDay {
                        touched.insert(day)
                        lastDay = day
                    }
                    summary.records += 1
                } malformed: { offset in
                    summary.malformedLines += 1
                    if summary.malformedExamples.count < 5 { summary.malformedExamples.append("\(item.path):byte \(offset)") }
                }
                switch outcome {
                case .failure(let error):
                    if case .unreadable(_, let reason) = error {
                        summary.unreadable.append("\(item.path): \(reason)")
                        continue
                    }
                    throw error
                case .success(let end):
                    summary.filesRead += 1
                    summary.bytesRead += end.consumed - start
                    done += end.consumed - start
                    updateFile.bind(1, fileID)
                    updateFile.bind(2, item.inode)
                    updateFile.bind(3, end.seen)
                    updateFile.bind(4, end.consumed)
                    updateFile.bind(5, item.state.encoded)
                    try updateFile.run()
                }
                if let progress, done - reported >= 32 << 20 {
                    reported = done
                    progress(ScanProgress(bytesRead: done, bytesToRead: toRead))
                }
            }
            try rebuildDaily(touched)
            progress?(ScanProgress(bytesRead: done, bytesToRead: toRead))
        }
        return summary
    }

    /// The session that ran the profile at `time`: the latest-started span that contains it.
    static func session(at time: Int64, in spans: [SessionSpan]) -> String? {
        var low = 0, high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].start <= time { low = middle + 1 } else { high = middle }
        }
        // Overlapping runs of one profile are few; looking back 256 spans bounds the cost for usage
        // that no session covers.
        var index = low - 1
        while index >= 0 && index >= low - 256 {
            if spans[index].contains(time) { return spans[index].session }
            index -= 1
        }
        return nil
    }
}
