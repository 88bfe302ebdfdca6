/// What one model costs, per million tokens of each kind, in its price list's currency.
public struct ModelPrice: Sendable, Hashable {
    public var input: DecimalAmount
    public var output: DecimalAmount
    /// Writing to the prompt cache; Anthropic bills it above plain input.
    public var cacheWrite: DecimalAmount
    /// Reading from the prompt cache.
    public var cacheRead: DecimalAmount

    public init(input: DecimalAmount, output: DecimalAmount, cacheWrite: DecimalAmount, cacheRead: DecimalAmount) {
        self.input = input
        self.output = output
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
    }
}
