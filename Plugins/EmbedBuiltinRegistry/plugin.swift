import Foundation
import PackagePlugin

/// Compiles the package's `registry/` folder into the target as `BuiltinRegistryFiles`.
@main
struct EmbedBuiltinRegistry: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let registry = context.package.directoryURL.appending(path: "registry")
        var inputs: [URL] = []
        if let enumerator = FileManager.default.enumerator(at: registry, includingPropertiesForKeys: nil) {
            while let url = enumerator.nextObject() as? URL {
                if url.pathExtension == "yaml" { inputs.append(url) }
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinRegistryFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding the built-in registry",
                executable: try context.tool(named: "registry-embedder").url,
                arguments: [registry.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
