#!/usr/bin/env bash
# A CI step that refuses to run agents whose manifests drifted from the project's ringlet.lock.
# Run it from the project root, where ringlet.lock is committed.
set -euo pipefail

# CI starts with no ringlet configuration: add the private registries the lock names, as the
# developer had them (same name, same source, same ref). Adding fetches and verifies them.
ringlet registry add acme https://git.example.com/acme/ringlet-registry.git --ref v1.4.0

# Exit 3, naming every difference, when anything resolves differently from the lock:
# a new version the range now accepts, bytes changed under the same version, a moved tag,
# a pinned commit that is gone, a registry removed.
ringlet registry verify

# With CI set (every CI system sets it) a present ringlet.lock is enforced by every command,
# so this fails the same way if `claude@^2` is not pinned or drifted.
ringlet agents inspect claude@^2
