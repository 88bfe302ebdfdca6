@testable import RingletSandbox
import Testing

/// Finding this process's cgroup folders from mountinfo and /proc/self/cgroup as hosts and containers show them.
@Suite struct CgroupMountsTests {
    static let hybrid = """
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """

    @Test func aHybridHostHasLegacyControllersAndAnEmptyUnifiedTree() {
        let mounts = CgroupMounts(mountinfo: Self.hybrid, cgroup: "8:pids:/\n4:memory:/jobs/42\n1:cpu:/\n0::/user.slice\n")
        #expect(mounts.legacyFolder(controller: "memory") == "/sys/fs/cgroup/memory/jobs/42")
        #expect(mounts.legacyFolder(controller: "pids") == "/sys/fs/cgroup/pids")
        #expect(mounts.unifiedFolder() == "/sys/fs/cgroup/unified/user.slice")
        #expect(mounts.legacyFolder(controller: "blkio") == nil)
    }

    @Test func aContainerSeesItsPartOfTheTreeFromItsRoot() {
        let mountinfo = "50 40 0:30 /system.slice/box.scope /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
        let mounts = CgroupMounts(mountinfo: mountinfo, cgroup: "0::/system.slice/box.scope/init\n")
        #expect(mounts.unifiedFolder() == "/sys/fs/cgroup/init")
    }

    @Test func aPathOutsideTheMountedPartIsNotGuessed() {
        let mountinfo = "50 40 0:30 /system.slice/box.scope /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
        #expect(CgroupMounts(mountinfo: mountinfo, cgroup: "0::/elsewhere\n").unifiedFolder() == nil)
    }
}
