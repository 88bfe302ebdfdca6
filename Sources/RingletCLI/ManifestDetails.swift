import RingletManifest
import RingletRegistry
import RingletSystem

/// What `inspect` shows of a resolved manifest, one shape for the table and for `--json`.
struct ManifestDetails: Encodable {
    struct Agent: Encodable {
        var binary: String, versionArgs: [String], versionPattern: String, supported: String?, installHint: String?
        var defaultArgs: [String], unattendedArgs: [String], modelArgs: [String]
        var configDirs: [String], writableFiles: [String], installRoots: [String]
        var envPass: [String], envSet: [String: String], modelEnv: String?
        var network: [String], apiFamilies: [String], hookAdapter: String, defaultModel: String?, models: [String]
    }

    struct Installed: Encodable {
        var path: String, version: String?, supported: Bool?
    }

    struct Provider: Encodable {
        struct API: Encodable {
            var family: String, endpoints: [String: String], defaultEndpoint: String?, apiKeyEnv: String?, baseURLEnv: String?
        }
        var apis: [API], customBaseURL: Bool, keyRequired: Bool, keyPrompt: String?
        var network: [String], defaultModel: String?, models: [String]
    }

    var kind: String, id: String, version: String, name: String, description: String
    var registry: String, source: String, path: String, sha256: String
    var agent: Agent?
    /// The agent's binary as found on PATH now; absent when it is not installed.
    var installed: Installed?
    var provider: Provider?
    var hooks: [String]?
    var egg: [String]?

    init(_ resolution: Resolution) {
        let loaded = resolution.manifest
        let identity = loaded.manifest.identity
        kind = identity.kind.rawValue
        id = identity.id
        version = identity.version.description
        name = identity.name
        description = identity.description
        registry = resolution.registry.name
        source = resolution.registry.source.location
        path = loaded.path
        sha256 = loaded.sha256.hex
        switch loaded.manifest {
        case .agent(let m):
            agent = Agent(binary: m.binary.name, versionArgs: m.binary.versionArguments, versionPattern: m.binary.versionPattern,
                          supported: m.binary.supported?.description, installHint: m.binary.installHint,
                          defaultArgs: m.arguments.defaults, unattendedArgs: m.arguments.unattended, modelArgs: m.arguments.model,
                          configDirs: m.configDirectories, writableFiles: m.writableFiles, installRoots: m.installRoots,
                          envPass: m.environment.pass, envSet: m.environment.set, modelEnv: m.environment.model,
                          network: m.network, apiFamilies: m.apiFamilies, hookAdapter: m.hookAdapter.rawValue,
                          defaultModel: m.models.defaultModel, models: m.models.known)
            installed = InstalledAgent.detect(m, searchPath: Environment.value("PATH") ?? "/usr/bin:/bin").map {
                Installed(path: $0.path, version: $0.version, supported: $0.isSupported)
            }
        case .provider(let m):
            provider = Provider(apis: m.apis.map { api in
                Provider.API(family: api.family, endpoints: Dictionary(api.endpoints.map { ($0.name, $0.url) }, uniquingKeysWith: { a, _ in a }),
                             defaultEndpoint: api.defaultEndpoint?.name, apiKeyEnv: api.apiKeyVariable, baseURLEnv: api.baseURLVariable)
            }, customBaseURL: m.allowsCustomBaseURL, keyRequired: m.keyRequired, keyPrompt: m.keyPrompt,
            network: m.network, defaultModel: m.models.defaultModel, models: m.models.known)
        case .hooks(let m):
            hooks = m.hooks.map { "\($0.name) (\($0.event.rawValue), match \($0.match))" }
        case .egg(let m):
            egg = m.policy.fileRules.map { "\($0.access.rawValue):\($0.path)" } + m.policy.network.map { "network: \($0)" }
        }
    }

    var text: String {
        var lines = [
            "\(kind) \(id) \(version) — \(name)",
            description,
            "",
            "from:            \(registry) (\(source)) \(path)",
            "sha256:          \(sha256)",
        ]
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append((label + ":").padding(17) + value)
        }
        func add(_ label: String, _ values: [String]) { add(label, values.joined(separator: " ")) }
        if let agent {
            add("binary", agent.binary + (agent.supported.map { " (supported \($0))" } ?? ""))
            if let installed {
                let verdict = installed.supported.map { $0 ? "supported" : "NOT in the supported range" } ?? "version not recognised"
                add("installed", "\(installed.path) \(installed.version ?? "") (\(verdict))")
            } else {
                add("installed", "no — not found on PATH")
            }
            add("install", agent.installHint)
            add("default args", agent.defaultArgs)
            add("unattended args", agent.unattendedArgs)
            add("model args", agent.modelArgs)
            add("config dirs", agent.configDirs)
            add("writable files", agent.writableFiles)
            add("install roots", agent.installRoots)
            add("env pass", agent.envPass)
            add("env set", agent.envSet.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            add("model env", agent.modelEnv)
            add("network", agent.network)
            add("api families", agent.apiFamilies)
            add("hook adapter", agent.hookAdapter)
            add("default model", agent.defaultModel)
            add("models", agent.models)
        }
        if let provider {
            for api in provider.apis {
                let endpoints = api.endpoints.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                add("api " + api.family, (endpoints + [api.apiKeyEnv.map { "key:$\($0)" }, api.baseURLEnv.map { "base-url:$\($0)" }].compactMap { $0 }).joined(separator: " "))
            }
            add("custom base url", provider.customBaseURL ? "allowed" : "no")
            add("key", provider.keyRequired ? "required" + (provider.keyPrompt.map { " — \($0)" } ?? "") : "not required")
            add("network", provider.network)
            add("default model", provider.defaultModel)
            add("models", provider.models)
        }
        if let hooks { add("hooks", hooks.joined(separator: "; ")) }
        if let egg { add("rules", egg) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
