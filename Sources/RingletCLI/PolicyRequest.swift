import RingletManifest
import RingletPolicy
import RingletProfile
import RingletRegistry
import RingletSystem

/// What `sandbox explain|check|check-domain` compose: the selection (`--agent`, `--provider`,
/// `--workspace`) and the command-line layer, turned into layers and composed.
enum PolicyRequest {
    static let options: [Command.Option] = [
        .init("profile", value: "NAME", help: "compose for a profile (~/.config/ringlet/profiles/NAME.yaml)"),
        .init("agent", value: "REF", help: "compose for this agent (e.g. claude@^2)"),
        .init("provider", value: "REF", help: "and this provider (e.g. anthropic)"),
        .init("workspace", value: "DIR", help: "the project folder (default: the current folder)"),
        .init("rw", value: "PATH", repeats: true, help: "add a read-write path"),
        .init("ro", value: "PATH", repeats: true, help: "add a read-only path"),
        .init("deny", value: "PATH", repeats: true, help: "deny a path"),
        .init("deny-write", value: "PATH", repeats: true, help: "make a path read-only, and keep later layers from widening it"),
        .init("allow-domain", value: "HOST", repeats: true, help: "allow a host, *.suffix or host:port"),
        .init("env", value: "NAME[=VALUE]", repeats: true, help: "pass a variable through, or set it"),
        .init("memory", value: "SIZE", help: "memory limit (512M, 4G)"),
        .init("cpu", value: "TIME", help: "CPU time limit (90s, 5m)"),
        .init("max-fds", value: "N", help: "open file limit"),
        .init("max-pids", value: "N", help: "process limit"),
        .init("i-know-what-im-doing-allow", value: "PATH", repeats: true,
              help: "lift even the built-in protections at PATH (flagged everywhere)"),
    ]

    struct Composition {
        var policy: ComposedPolicy
        var context: PolicyContext
        var title: String
        var agent: AgentManifest?
        var provider: ProviderManifest?
        var profile: ProfileFile?
        /// "agent"/"provider" → the sha256 of the manifest file that resolved, for the audit log.
        var manifestDigests: [String: String] = [:]
    }

    static func compose(_ invocation: Invocation) throws(CLIError) -> Composition {
        let cli = invocation.context
        var profile: ProfileFile?
        if let name = invocation.value("profile") {
            guard invocation.value("agent") == nil && invocation.value("provider") == nil else {
                throw .usage("--profile names the agent and provider; do not combine it with --agent or --provider", usage: invocation.usage)
            }
            do throws(ProfileError) {
                profile = try ProfileFile.load(name: name, configDirectory: cli.directories.config)
            } catch {
                if case .notFound = error { throw .failed(error.description) }
                throw .invalidInput(error.description)
            }
        }
        let userHome = Environment.value("HOME") ?? "/"
        let expandHome = { (path: String) in path == "~" || path.hasPrefix("~/") ? userHome + path.dropFirst() : path }
        let workspace = absolute(invocation.value("workspace") ?? profile?.workspace.map(expandHome) ?? cli.workingDirectory,
                                 from: cli.workingDirectory)
        guard FileStatus.of(FileStatus.realPath(workspace) ?? workspace) == .directory else {
            throw .usage("workspace \(workspace) is not a folder", usage: invocation.usage)
        }
        let registries = try cli.openRegistries()
        let resolver = RegistryResolver(registries)
        var agent: (manifest: AgentManifest, file: String)?
        var provider: (manifest: ProviderManifest, file: String)?
        var digests: [String: String] = [:]
        if let text = invocation.value("agent") ?? profile?.agent {
            let resolution = try resolve(text, kind: .agent, resolver: resolver, context: cli)
            guard case .agent(let manifest) = resolution.manifest.manifest else { throw .failed("\(text) is not an agent") }
            agent = (manifest, "\(resolution.registry.name):\(resolution.manifest.path)")
            digests["agent"] = resolution.manifest.sha256.hex
        }
        if let text = invocation.value("provider") ?? profile?.provider {
            let resolution = try resolve(text, kind: .provider, resolver: resolver, context: cli)
            guard case .provider(let manifest) = resolution.manifest.manifest else { throw .failed("\(text) is not a provider") }
            provider = (manifest, "\(resolution.registry.name):\(resolution.manifest.path)")
            digests["provider"] = resolution.manifest.sha256.hex
        }
        let home = profile?.name ?? agent?.manifest.identity.id ?? "default"
        let context = PolicyContext(workspace: workspace, profileHome: cli.directories.data + "/homes/" + home, userHome: userHome,
                                    directories: cli.directories, environment: { Environment.value($0) })
        var layers = [DefaultPolicy.layer(context, hookAdapter: agent?.manifest.hookAdapter ?? .none)]
        if let agent { layers.append(ManifestLayers.agent(agent.manifest, file: agent.file, context: context)) }
        if let provider {
            layers.append(ManifestLayers.provider(provider.manifest, file: provider.file, speaking: agent?.manifest.apiFamilies))
        }
        do throws(PolicyError) {
            let global = cli.directories.config + "/" + EggLoader.fileName
            if case .file = FileStatus.of(global) {
                layers += try EggLoader.layers(file: global, kind: .global, resolver: context.resolver)
            }
            for egg in EggDiscovery.projectEggs(workspace: context.workspace) {
                layers += try EggLoader.layers(file: egg, kind: .project, resolver: context.resolver)
            }
            if let profile {
                if let egg = profile.egg {
                    let folder = String(profile.path[..<profile.path.lastIndex(of: "/")!])
                    layers += try EggLoader.layers(file: absolute(expandHome(egg), from: folder), kind: .profile, resolver: context.resolver)
                }
                if let sandbox = profile.sandbox {
                    layers += try EggLoader.layers(for: sandbox, label: profile.path, folder: context.workspace, kind: .profile,
                                                   resolver: context.resolver)
                }
            }
            if let profile, let url = endpointURL(profile, provider: provider?.manifest, agent: agent?.manifest) {
                layers.append(ManifestLayers.endpoint(url, variable: api(of: provider?.manifest, for: agent?.manifest)?.baseURLVariable,
                                                      profile: profile.name))
            }
            layers.append(try flags(invocation).layer(workingDirectory: cli.workingDirectory, resolver: context.resolver))
        } catch {
            throw .invalidInput(error.description)
        }
        let title = [
            profile.map { "profile \($0.name)" },
            agent.map { "agent \($0.manifest.identity.id) \($0.manifest.identity.version)" },
            provider.map { "provider \($0.manifest.identity.id) \($0.manifest.identity.version)" },
            "workspace \(context.workspace)",
        ].compactMap { $0 }.joined(separator: ", ")
        return Composition(policy: PolicyComposer.compose(layers), context: context, title: title, agent: agent?.manifest,
                           provider: provider?.manifest, profile: profile, manifestDigests: digests)
    }

    /// The provider's API in a dialect the agent speaks (the first, in the agent's order).
    static func api(of provider: ProviderManifest?, for agent: AgentManifest?) -> ProviderManifest.API? {
        guard let provider else { return nil }
        guard let families = agent?.apiFamilies, !families.isEmpty else { return provider.apis.first }
        return families.lazy.compactMap { family in provider.apis.first { $0.family == family } }.first
    }

    /// A profile's `endpoint:` as a URL: itself when it is one, else the provider's endpoint of that name.
    static func endpointURL(_ profile: ProfileFile, provider: ProviderManifest?, agent: AgentManifest?) -> String? {
        guard let endpoint = profile.endpoint else { return nil }
        if endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") { return endpoint }
        return api(of: provider, for: agent)?.endpoints.first { $0.name == endpoint }?.url
    }

    static func flags(_ invocation: Invocation) -> PolicyFlags {
        var flags = PolicyFlags()
        flags.readWrite = invocation.all("rw")
        flags.readOnly = invocation.all("ro")
        flags.deny = invocation.all("deny")
        flags.denyWrite = invocation.all("deny-write")
        flags.allowDomains = invocation.all("allow-domain")
        flags.environment = invocation.all("env")
        flags.memory = invocation.value("memory")
        flags.cpu = invocation.value("cpu")
        flags.maxFileDescriptors = invocation.value("max-fds")
        flags.maxProcesses = invocation.value("max-pids")
        flags.dangerousAllow = invocation.all("i-know-what-im-doing-allow")
        return flags
    }

    static func resolve(_ text: String, kind: ManifestKind, resolver: RegistryResolver, context: CLIContext) throws(CLIError) -> Resolution {
        let reference = try LockCommands.parseReference(text)
        let resolution: Resolution
        do throws(RegistryError) {
            resolution = try resolver.resolve(reference, kind: kind, warn: Console.warn)
        } catch {
            throw .registry(error)
        }
        try LockCommands.enforce(reference, kind: kind, resolver: resolver, context: context)
        return resolution
    }

    static func absolute(_ path: String, from directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }
}
