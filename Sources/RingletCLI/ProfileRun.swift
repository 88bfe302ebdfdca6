import Glibc
import RingletHooks
import RingletManifest
import RingletProfile
import RingletSandbox
import RingletSystem

/// What a profile adds to a run beyond the policy: the model on the agent's command line, the
/// provider's key in the agent's environment (never in the policy, a log or a command line), and the
/// hook service the agent's pre-tool-use wiring calls.
struct ProfileRun {
    var arguments: [String] = []
    var environment: [String: String] = [:]
    var hooks: HookService?
    /// The ringlet binary at the dispatcher's fixed path inside the sandbox.
    var fixedFiles: [(source: String, destination: String)] = []

    init(_ composition: PolicyRequest.Composition, agent: AgentManifest, context: CLIContext, audit: RunAudit) throws(CLIError) {
        guard let profile = composition.profile else { return }
        if let model = profile.model {
            arguments = agent.arguments.model.map { $0.replacing("{model}", with: model) }
            if let variable = agent.environment.model { environment[variable] = model }
        }
        if let provider = composition.provider, let variable = PolicyRequest.api(of: provider, for: agent)?.apiKeyVariable {
            if let key = try ProfileCredentials.key(provider: provider.identity.id, profile: profile.name, context: context) {
                environment[variable] = key
            } else if provider.keyRequired {
                throw .failed("profile \(profile.name) has no key for \(provider.identity.id); add one with `ringlet profiles edit \(profile.name) --api-key-stdin`")
            }
        }
        guard agent.hookAdapter == .claudeSettings else { return }
        let session = audit.session
        let definitions: [HookDefinition]
        do throws(ProfileError) {
            definitions = try ProfileHooks.load(profile: profile.name, configDirectory: context.directories.config).hooks
        } catch {
            throw .invalidInput(error.description)
        }
        do throws(SystemError) {
            // Rewritten at every run: the wiring is Ringlet's, whatever happened to the file meanwhile.
            try ClaudeHookWiring.write(profile: profile.name, home: composition.context.profileHome)
            try Directory.create(context.directories.state, mode: 0o700)
            let log = try HookDecisionLog(path: context.directories.state + "/hooks.jsonl") { event, verdict, digest in
                audit.hookDecision(event, verdict, inputDigest: digest)
            }
            hooks = HookService(runner: HookRunner(hooks: definitions, profile: profile.name, session: session,
                                                   workspace: composition.context.workspace), log: log)
        } catch {
            throw .failed("cannot prepare the profile's hooks: \(error)")
        }
        environment["RINGLET_SESSION"] = session
        fixedFiles = [(FileStatus.realPath("/proc/self/exe") ?? CommandLine.arguments[0], ClaudeHookWiring.dispatcherPath)]
    }
}
