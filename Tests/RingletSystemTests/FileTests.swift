import Glibc
import RingletSystem
import RingletTestSupport
import Testing

@Suite struct FileTests {
    @Test func atomicWriteReplacesWholeFileWithModeAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("secret.yaml")
        try AtomicFile.write("first\n", to: path, mode: 0o600)
        try AtomicFile.write("second\n", to: path, mode: 0o600)
        #expect(try FileBytes.readString(path) == "second\n")
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try Directory.contents(folder.path) == ["secret.yaml"])
    }

    @Test func atomicWriteIntoAMissingFolderFailsAndCreatesNothing() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: SystemError.self) { try AtomicFile.write("x", to: folder.file("missing/file")) }
        #expect(try Directory.contents(folder.path).isEmpty)
    }

    @Test func readRefusesFilesOverTheLimit() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("big", String(repeating: "x", count: 5000))
        #expect(try FileBytes.read(path, limit: 5000).count == 5000)
        #expect(throws: SystemError.tooLarge(path: path, limit: 4999)) { try FileBytes.read(path, limit: 4999) }
        #expect(throws: SystemError.call(operation: "read", path: folder.file("none"), errno: ENOENT)) {
            try FileBytes.read(folder.file("none"))
        }
    }

    @Test func directoriesAreCreatedWithParentsAndRemovedAsTrees() throws {
        let folder = try TemporaryDirectory()
        try Directory.create(folder.file("a/b/c"))
        try Directory.create(folder.file("a/b/c"))
        try folder.write("a/b/c/file", "x")
        #expect(symlink("/etc", folder.file("a/link")) == 0)
        try Directory.removeTree(folder.file("a"))
        #expect(FileStatus.of(folder.file("a")) == .missing)
        #expect(FileStatus.of("/etc/passwd") != .missing, "removing a symlink must not follow it")
        try Directory.removeTree(folder.file("never-existed"))
    }

    @Test func statusDoesNotFollowTheFinalSymlink() throws {
        let folder = try TemporaryDirectory()
        try folder.write("target", "abc")
        #expect(symlink(folder.file("target"), folder.file("link")) == 0)
        #expect(FileStatus.of(folder.file("link")) == .symlink)
        #expect(FileStatus.of(folder.file("target")) == .file(size: 3))
        #expect(FileStatus.realPath(folder.file("link")) == FileStatus.realPath(folder.file("target")))
        #expect(FileStatus.realPath(folder.file("none")) == nil)
    }

    @Test func fileLockIsExclusiveAcrossProcesses() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("lock")
        let lock = try FileLock(path)
        let blocked = try Subprocess("flock", ["--nonblock", path, "true"]).run()
        #expect(blocked.status != 0)
        lock.unlock()
        let free = try Subprocess("flock", ["--nonblock", path, "true"]).run()
        #expect(free.status == 0)
    }

    @Test func ringletHomePutsEveryDirectoryUnderOneRoot() {
        let directories = RingletDirectories.from(environment: { ["RINGLET_HOME": "/tmp/rh", "HOME": "/home/u"][$0] })
        #expect(directories == RingletDirectories(config: "/tmp/rh/config", cache: "/tmp/rh/cache",
                                                  data: "/tmp/rh/data", state: "/tmp/rh/state", runtime: "/tmp/rh/run"))
    }

    @Test func xdgDirectoriesAreHonouredAndRelativeOnesIgnored() {
        let environment = ["HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg", "XDG_CACHE_HOME": "relative", "XDG_RUNTIME_DIR": "/run/user/7"]
        let directories = RingletDirectories.from(environment: { environment[$0] })
        #expect(directories == RingletDirectories(config: "/cfg/ringlet", cache: "/home/u/.cache/ringlet",
                                                  data: "/home/u/.local/share/ringlet", state: "/home/u/.local/state/ringlet",
                                                  runtime: "/run/user/7/ringlet"))
    }
}
