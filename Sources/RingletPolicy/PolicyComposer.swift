/// Composes layers into the one policy a sandbox runs with.
///
/// Files — (1) the most specific rule decides for its subtree, and at the same path
/// deny > deny-write > ro > rw; (2) a restriction (deny, deny-write) caps the access that rules of
/// *other* layers grant under it, in both directions: a later layer narrows an earlier grant, and an
/// earlier restriction is never widened by a later grant; a more specific grant in the restriction's
/// own layer is that layer's exception (deny `~/.ssh` but ro `~/.ssh/known_hosts`; deny the profile
/// homes but rw this profile's), and there the restriction caps nothing; (3) `allow-override` in a
/// later layer lifts an earlier restriction for the override's path when it names that path or one
/// inside it; (4) protected restrictions are lifted only by `--i-know-what-im-doing-allow`.
/// Network is a union; environment pass-through is a union and a later `NAME=value` wins; every
/// resource limit takes the most restrictive value.
public enum PolicyComposer {
    public static func compose(_ layers: [PolicyLayer]) -> ComposedPolicy {
        var layers = layers.filter { !$0.isEmpty || $0.kind == .defaults }
        if layers.contains(where: \.dropsDefaults), let index = layers.firstIndex(where: { $0.kind == .defaults }) {
            // The protections stay, and with them their own exceptions (this profile's home inside the
            // denied homes, known_hosts inside ~/.ssh): without those the agent could not use its HOME.
            let protected = layers[index].fileRules.filter { $0.isProtected && $0.access.isRestriction }
            layers[index].fileRules.removeAll { rule in
                !rule.isProtected && !protected.contains { rule.path != $0.path && PathResolver.isWithin(rule.path, $0.path) }
            }
            layers[index].environment = []
            layers[index].network = []
        }
        return ComposedPolicy(layers: layers)
    }
}
