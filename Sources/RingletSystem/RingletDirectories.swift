import Glibc

/// Where Ringlet keeps its files, following the XDG base directories.
///
/// `RINGLET_HOME` puts every directory under one root (`config/`, `cache/`, `data/`, `state/`, `run/`),
/// which is how tests and throwaway setups keep away from the user's real home.
public struct RingletDirectories: Sendable, Equatable {
    public var config: String
    public var cache: String
    public var data: String
    public var state: String
    public var runtime: String

    public init(config: String, cache: String, data: String, state: String, runtime: String) {
        self.config = config
        self.cache = cache
        self.data = data
        self.state = state
        self.runtime = runtime
    }

    public static func fromEnvironment() -> RingletDirectories {
        from(environment: Environment.value)
    }

    /// The directories for an environment given as a lookup, so callers (and tests) need not mutate the process's.
    public static func from(environment value: (String) -> String?) -> RingletDirectories {
        if let root = value("RINGLET_HOME"), !root.isEmpty {
            return RingletDirectories(config: root + "/config", cache: root + "/cache", data: root + "/data",
                                      state: root + "/state", runtime: root + "/run")
        }
        let home = value("HOME") ?? "/"
        func xdg(_ name: String, _ fallback: String) -> String {
            guard let path = value(name), path.hasPrefix("/") else { return home + "/" + fallback }
            return path
        }
        let runtime = value("XDG_RUNTIME_DIR").flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp/ringlet-\(getuid())"
        return RingletDirectories(config: xdg("XDG_CONFIG_HOME", ".config") + "/ringlet",
                                  cache: xdg("XDG_CACHE_HOME", ".cache") + "/ringlet",
                                  data: xdg("XDG_DATA_HOME", ".local/share") + "/ringlet",
                                  state: xdg("XDG_STATE_HOME", ".local/state") + "/ringlet",
                                  runtime: runtime + "/ringlet")
    }
}

public enum Environment {
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Every variable of this process.
    public static func all() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }
}
