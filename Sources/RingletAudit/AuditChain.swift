import RingletCrypto

/// The hash chain that makes edits evident. Each row's hash is
///
///     SHA-256( previous hash (64 hex digits) ‖ "|" ‖ id "|" time "|" type profile session verdict fields )
///
/// where each text column is written `LENGTH:BYTES|` (its UTF-8 length in decimal) and a NULL as
/// `-|`, so no two different rows share an input. The first row chains from `genesis`. The spelling
/// is fixed and documented so that the log can be checked without Ringlet (e.g. with sqlite3 and
/// sha256sum).
enum AuditChain {
    /// SHA-256 of "ringlet audit log v1".
    static let genesis = SHA256.hash("ringlet audit log v1").hex

    static func hash(previous: String, id: Int64, time: Int64, type: String, profile: String?, session: String?,
                     verdict: String?, fields: String) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(160 + fields.utf8.count)
        input += previous.utf8
        input += "|\(id)|\(time)|".utf8
        for column in [type, profile, session, verdict, fields] {
            if let column {
                input += "\(column.utf8.count):".utf8
                input += column.utf8
                input.append(UInt8(ascii: "|"))
            } else {
                input += "-|".utf8
            }
        }
        return SHA256.hash(input).hex
    }
}
