import CRingletShim
import CSeccomp
import Glibc
import RingletSystem

/// The system-call filter every sandboxed process runs under, built with libseccomp and exported as a
/// BPF program for `bwrap --seccomp FD`.
///
/// Everything is allowed except what lets a process escape or inspect its neighbours: debugging other
/// processes, mounting, new namespaces, kernel keyrings, BPF, perf, userfaultfd, io_uring, module and
/// kexec calls, handle-based opens, terminal input injection (TIOCSTI, TIOCLINUX) and personality
/// changes fail with EPERM; clone3 and the new mount API fail with ENOSYS (so libc falls back to the
/// filtered clone); sockets other than unix, IPv4, IPv6 and netlink fail with EAFNOSUPPORT; and a
/// system call through a non-native ABI (32-bit on x86-64) kills the process.
public enum SeccompFilter {
    static let deniedWithEPERM = [
        "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "mount", "umount2", "pivot_root", "chroot",
        "unshare", "setns", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
        "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load", "init_module",
        "finit_module", "delete_module", "open_by_handle_at", "name_to_handle_at", "syslog", "acct", "quotactl",
    ]
    static let deniedWithENOSYS = ["clone3", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr"]
    /// CLONE_NEWUSER from <sched.h>, which Glibc's overlay only declares under _GNU_SOURCE.
    static let cloneNewUser: UInt64 = 0x1000_0000
    /// Families a sandboxed process may open sockets in.
    static let allowedFamilies: Set<UInt64> = [UInt64(AF_UNIX), UInt64(AF_INET), UInt64(AF_INET6), UInt64(AF_NETLINK)]

    /// The filter as a BPF program in an anonymous file, positioned at its start, for `--seccomp FD`.
    public static func export() throws(SandboxError) -> FileDescriptor {
        guard let context = seccomp_init(SCMP_ACT_ALLOW) else { throw .seccomp("seccomp_init failed") }
        defer { seccomp_release(context) }
        try check(seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), "set the bad-architecture action")
        let eperm = ringlet_scmp_act_errno(UInt16(EPERM))
        for name in deniedWithEPERM { try deny(name, eperm, context) }
        for name in deniedWithENOSYS { try deny(name, ringlet_scmp_act_errno(UInt16(ENOSYS)), context) }

        // Only the low 32 bits of an int argument reach the kernel: compare those, so high bits set by a
        // hostile caller cannot slip a value past the filter.
        let low32: UInt64 = 0xffff_ffff
        try rule(context, eperm, "clone", [scmp_arg_cmp(arg: 0, op: SCMP_CMP_MASKED_EQ, datum_a: cloneNewUser, datum_b: cloneNewUser)])
        for request in [UInt64(TIOCSTI), UInt64(TIOCLINUX)] {
            try rule(context, eperm, "ioctl", [scmp_arg_cmp(arg: 1, op: SCMP_CMP_MASKED_EQ, datum_a: low32, datum_b: request)])
        }
        // Anything but PER_LINUX (0); high bits set make the value unequal too, so they are refused as well.
        try rule(context, eperm, "personality", [scmp_arg_cmp(arg: 0, op: SCMP_CMP_NE, datum_a: 0, datum_b: 0)])

        let noFamily = ringlet_scmp_act_errno(UInt16(EAFNOSUPPORT))
        for family in UInt64(0) ... UInt64(AF_MAX) where !allowedFamilies.contains(family) {
            try rule(context, noFamily, "socket", [scmp_arg_cmp(arg: 0, op: SCMP_CMP_MASKED_EQ, datum_a: low32, datum_b: family)])
        }
        try rule(context, noFamily, "socket", [scmp_arg_cmp(arg: 0, op: SCMP_CMP_MASKED_EQ, datum_a: low32, datum_b: 0)])
        try rule(context, noFamily, "socket", [scmp_arg_cmp(arg: 0, op: SCMP_CMP_GT, datum_a: UInt64(AF_MAX), datum_b: 0)])

        let fd = ringlet_memfd("ringlet-seccomp")
        guard fd >= 0 else { throw .seccomp("memfd_create: \(SystemError.text(errno))") }
        let program = FileDescriptor(adopting: fd)
        try check(seccomp_export_bpf(context, fd), "export the filter")
        lseek(fd, 0, SEEK_SET)
        return program
    }

    private static func deny(_ name: String, _ action: UInt32, _ context: scmp_filter_ctx) throws(SandboxError) {
        let number = seccomp_syscall_resolve_name(name)
        // A call this architecture does not have cannot be made, so there is nothing to deny.
        guard number != __NR_SCMP_ERROR else { return }
        try check(seccomp_rule_add_array(context, action, number, 0, nil), "deny \(name)")
    }

    private static func rule(_ context: scmp_filter_ctx, _ action: UInt32, _ name: String, _ comparisons: [scmp_arg_cmp]) throws(SandboxError) {
        let number = seccomp_syscall_resolve_name(name)
        guard number != __NR_SCMP_ERROR else { return }
        var comparisons = comparisons
        try check(seccomp_rule_add_array(context, action, number, UInt32(comparisons.count), &comparisons), "filter \(name)")
    }

    private static func check(_ status: Int32, _ what: String) throws(SandboxError) {
        guard status == 0 else { throw .seccomp("cannot \(what): \(SystemError.text(-status))") }
    }
}
