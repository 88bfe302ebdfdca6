import Foundation
import PackagePlugin

/// Compiles a folder of the package into the target that uses the plugin: `registry/` into
/// RingletRegistry as `BuiltinRegistryFiles`, `profiles/` (the profile templates) into RingletProfile
/// as `BuiltinProfileTemplates`.
@main
struct EmbedBuiltinRegistry: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let (folderName, typeName) = target.name == "RingletProfile"
            ? ("profiles", "BuiltinProfileTemplates") : ("registry", "BuiltinRegistryFiles")
        let folder = context.package.directoryURL.appending(path: folderName)
        var inputs: [URL] = []
        if let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) {
            while let url = enumerator.nextObject() as? URL {
                if url.pathExtension == "yaml" { inputs.append(url) }
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(folderName)/",
                executable: try context.tool(named: "registry-embedder").url,
                arguments: [folder.path, output.path, typeName],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
