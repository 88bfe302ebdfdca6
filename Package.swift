// swift-tools-version: 6.1
// Ringlet: run AI coding agents in a sandbox, drive them from anywhere.
// No package dependencies by design: system C libraries are `systemLibrary` targets.
import PackageDescription

let package = Package(
    name: "ringlet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ringlet", targets: ["ringlet"]),
    ],
    targets: [
        // System libraries (Debian's -dev packages).
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // Linux calls that Glibc's Swift overlay hides.
        .target(name: "CRingletShim"),

        .target(name: "RingletSystem", dependencies: ["CRingletShim"]),
        .target(name: "RingletYAML", dependencies: ["CYAML", "RingletSystem"]),
        .target(name: "RingletSemver"),
        .target(name: "RingletCrypto", dependencies: ["COpenSSL"]),
        .target(name: "RingletHTTP", dependencies: ["COpenSSL", "RingletCrypto", "RingletSystem"]),
        .target(name: "RingletWebSocket", dependencies: ["RingletCrypto"]),
        .target(name: "RingletAPI"),
        .target(name: "RingletUsage", dependencies: ["CSQLite", "RingletAudit", "RingletSystem", "RingletManifest", "RingletYAML"]),
        .target(name: "RingletSessions", dependencies: ["CRingletShim", "RingletSystem", "RingletTerminal"]),
        .target(name: "RingletDaemon", dependencies: ["COpenSSL", "CRingletShim", "RingletAPI", "RingletCrypto", "RingletSystem", "RingletWebSocket", "RingletSessions"]),
        .target(name: "RingletRemote", dependencies: ["CRingletShim", "RingletAPI", "RingletCrypto", "RingletHTTP", "RingletWebSocket", "RingletTerminal", "RingletSystem", "RingletCredentials", "RingletYAML"]),
        .target(name: "RingletManifest", dependencies: ["RingletYAML", "RingletSemver", "RingletSystem"]),
        .target(
            name: "RingletRegistry",
            dependencies: ["RingletManifest", "RingletSemver", "RingletCrypto", "RingletHTTP", "RingletSystem", "RingletYAML"],
            plugins: ["EmbedBuiltinRegistry"]
        ),
        .target(name: "RingletPolicy", dependencies: ["RingletManifest", "RingletYAML", "RingletSystem"]),
        .target(name: "RingletProxy", dependencies: ["RingletPolicy", "RingletSystem", "CRingletShim"]),
        .target(name: "RingletSandbox", dependencies: ["CSeccomp", "CRingletShim", "RingletSystem", "RingletPolicy", "RingletManifest"]),
        .target(name: "RingletHooks", dependencies: ["CRingletShim", "RingletSystem", "RingletCrypto"]),
        .target(name: "RingletTerminal", dependencies: ["CRingletShim", "RingletSystem"]),
        .target(name: "RingletProfile", dependencies: ["RingletManifest", "RingletYAML", "RingletSystem", "RingletHooks"],
                plugins: ["EmbedBuiltinRegistry"]),
        .target(name: "RingletCredentials", dependencies: ["RingletSystem", "RingletYAML"]),
        .target(name: "RingletAudit", dependencies: ["CSQLite", "RingletSystem", "RingletCrypto"]),
        .target(name: "RingletCLI", dependencies: ["CRingletShim", "RingletAudit", "RingletAPI", "RingletUsage", "RingletDaemon", "RingletRemote", "RingletSessions", "RingletPolicy", "RingletProfile", "RingletCredentials", "RingletProxy", "RingletSandbox", "RingletTerminal", "RingletHooks", "RingletRegistry", "RingletManifest", "RingletSystem", "RingletCrypto", "RingletHTTP", "RingletYAML"]),
        .executableTarget(name: "ringlet", dependencies: ["RingletCLI"]),
        .executableTarget(name: "ringlet-bench", dependencies: ["RingletAudit", "RingletRegistry", "RingletSystem", "RingletProxy", "RingletPolicy", "RingletHooks", "RingletUsage"]),

        // Build-time: the built-in registry (`registry/`) is compiled into the binary.
        .executableTarget(name: "registry-embedder"),
        .plugin(name: "EmbedBuiltinRegistry", capability: .buildTool(), dependencies: ["registry-embedder"]),

        // Shared by the test targets only: temporary folders, a real HTTP server, git repositories, the built binary.
        .target(name: "RingletTestSupport"),

        .testTarget(name: "RingletSystemTests", dependencies: ["RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletYAMLTests", dependencies: ["RingletYAML"]),
        .testTarget(name: "RingletSemverTests", dependencies: ["RingletSemver"]),
        .testTarget(name: "RingletCryptoTests", dependencies: ["RingletCrypto"]),
        .testTarget(name: "RingletHTTPTests", dependencies: ["RingletHTTP"]),
        .testTarget(name: "RingletWebSocketTests", dependencies: ["RingletWebSocket"]),
        .testTarget(name: "RingletDaemonTests", dependencies: ["RingletDaemon", "RingletTestSupport"]),
        .testTarget(name: "RingletUsageTests", dependencies: ["RingletUsage", "RingletAudit", "RingletManifest", "RingletSystem", "RingletTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RingletSessionsTests", dependencies: ["RingletSessions", "RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletRemoteTests", dependencies: ["RingletRemote", "RingletAPI", "RingletHTTP", "RingletWebSocket", "RingletTerminal", "RingletCredentials", "RingletTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RingletManifestTests", dependencies: ["RingletManifest", "RingletTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RingletRegistryTests", dependencies: ["RingletRegistry", "RingletTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RingletPolicyTests", dependencies: ["RingletPolicy", "RingletTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RingletProxyTests", dependencies: ["RingletProxy", "RingletTestSupport"]),
        .testTarget(name: "RingletSandboxTests", dependencies: ["RingletSandbox", "RingletPolicy", "RingletManifest", "RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletHooksTests", dependencies: ["RingletHooks", "RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletTerminalTests", dependencies: ["RingletTerminal", "RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletCredentialsTests", dependencies: ["RingletCredentials", "RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletAuditTests", dependencies: ["RingletAudit", "RingletSystem", "RingletTestSupport"]),
        .testTarget(name: "RingletCLITests", dependencies: ["ringlet", "RingletSandbox", "RingletTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
