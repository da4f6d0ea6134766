"""Confinement a job process applies to itself before learner code runs: rlimits, Landlock, seccomp.

Everything goes through ctypes and raw system calls (x86-64 numbers), so the sandbox needs no
binding packages. Each step raises ConfinementError when the kernel refuses it: a job never runs
half-confined.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import platform
import resource
import struct
from typing import Any

SYS_SECCOMP = 317
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
PR_SET_NO_NEW_PRIVS = 38

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class ConfinementError(RuntimeError):
    """The kernel refused a confinement step."""


def _syscall(number: int, *args: object) -> int:
    result = _libc.syscall(number, *args)
    if result < 0:
        errno = ctypes.get_errno()
        raise ConfinementError(f"system call {number} failed: {os.strerror(errno)}")
    return int(result)


# --- rlimits ---------------------------------------------------------------------------------


def set_rlimits(memory_mb: int, cpu_seconds: int, file_mb: int = 8, files: int = 64) -> None:
    """Hard limits the job cannot raise; CPU: SIGXCPU at the limit, SIGKILL a second later."""
    limits = {
        resource.RLIMIT_AS: (memory_mb * 2**20,) * 2,
        resource.RLIMIT_CPU: (cpu_seconds, cpu_seconds + 1),
        resource.RLIMIT_FSIZE: (file_mb * 2**20,) * 2,
        resource.RLIMIT_NOFILE: (files, files),
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, (soft, hard) in limits.items():
        resource.setrlimit(which, (soft, hard))


# --- Landlock --------------------------------------------------------------------------------

FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1, 2, 4, 8
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_DIR, FS_MAKE_REG, FS_MAKE_SYM = 16, 32, 128, 256, 4096
FS_REFER, FS_TRUNCATE = 8192, 16384
FS_ALL = (1 << 16) - 1  # every right up to ABI 5 (IOCTL_DEV)
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | (1 << 15)
FS_READ = FS_READ_FILE | FS_READ_DIR
FS_WORK = (
    FS_READ
    | FS_WRITE_FILE
    | FS_REMOVE_DIR
    | FS_REMOVE_FILE
    | FS_MAKE_DIR
    | FS_MAKE_REG
    | FS_MAKE_SYM
    | FS_REFER
    | FS_TRUNCATE
)
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1, 2
MIN_LANDLOCK_ABI = 6  # signal and abstract-socket scoping


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is off."""
    result = _libc.syscall(
        SYS_LANDLOCK_CREATE_RULESET, None, 0, 1
    )  # LANDLOCK_CREATE_RULESET_VERSION
    return max(int(result), 0)


class PathRules:
    """Landlock path rules prepared once (O_PATH fds and their rights), applied per job."""

    def __init__(self, readable: list[str]):
        self.readable = [self._open(path, FS_READ | FS_EXECUTE, low=200) for path in readable]

    @staticmethod
    def _open(path: str, rights: int, low: int = 0) -> _PathBeneath:
        """An O_PATH fd numbered from `low` (prepared ones stay clear of a job's fds 0-4)."""
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        if low:
            fd, opened = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, low), fd
            os.close(opened)
        if not os.path.isdir(path):
            rights &= FS_FILE_RIGHTS
        return _PathBeneath(rights, fd)

    def apply(self, writable: list[str]) -> None:
        """Read-only beneath the prepared paths, full file access beneath `writable`, no TCP, scoped.

        Called in a job process, which then closes its copies of the prepared fds.
        """
        attr = _RulesetAttr(
            FS_ALL, NET_BIND_TCP | NET_CONNECT_TCP, SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL
        )
        ruleset = _syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
        work = [self._open(path, FS_WORK) for path in writable]
        try:
            for rule in self.readable + work:
                _syscall(SYS_LANDLOCK_ADD_RULE, ruleset, 1, ctypes.byref(rule), 0)  # PATH_BENEATH
            _syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0)
        finally:
            os.close(ruleset)
            for rule in self.readable + work:
                os.close(rule.parent_fd)


# --- seccomp ---------------------------------------------------------------------------------

AUDIT_ARCH_X86_64 = 0xC000003E
RET_KILL_PROCESS, RET_ALLOW = 0x80000000, 0x7FFF0000
RET_EPERM, RET_ENOSYS = 0x00050000 | 1, 0x00050000 | 38
CLONE_THREAD = 0x00010000

# Denied with EPERM: sockets, processes, exec, tracing, mounts and namespaces, kernel attack
# surface (io_uring, bpf, keyctl, userfaultfd, perf), file locks, and raising limits.
DENIED = {
    "socket": 41,
    "connect": 42,
    "accept": 43,
    "sendto": 44,
    "recvfrom": 45,
    "sendmsg": 46,
    "recvmsg": 47,
    "shutdown": 48,
    "bind": 49,
    "listen": 50,
    "socketpair": 53,
    "setsockopt": 54,
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "kill": 62,
    "flock": 73,
    "uselib": 134,
    "personality": 135,
    "ptrace": 101,
    "setrlimit": 160,
    "chroot": 161,
    "acct": 163,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "tkill": 200,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "accept4": 288,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "recvmmsg": 299,
    "sendmmsg": 307,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "bpf": 321,
    "execveat": 322,
    "userfaultfd": 323,
    "pidfd_send_signal": 424,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "mount_setattr": 442,
    "kexec_file_load": 320,
}
SYS_CLONE, SYS_CLONE3, SYS_PRLIMIT64 = 56, 435, 302


def build_seccomp_filter() -> bytes:
    """A BPF program: native x86-64 only; threads but no processes; the denials above."""
    program: list[tuple[Any, ...]] = []  # (code, jt, jf, k) with jt/jf as labels or offsets

    def emit(code: int, k: int = 0, jt: object = 0, jf: object = 0) -> None:
        program.append((code, jt, jf, k))

    load, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    emit(load, 4)  # seccomp_data.arch
    emit(jeq, AUDIT_ARCH_X86_64, 0, "kill")
    emit(load, 0)  # seccomp_data.nr
    emit(jge, 0x40000000, "kill", 0)  # the x32 ABI
    for number in sorted(DENIED.values()):
        emit(jeq, number, "eperm", 0)
    emit(jeq, SYS_CLONE3, "enosys", 0)  # glibc falls back to clone, which is checked below
    emit(jeq, SYS_CLONE, 0, "prlimit")
    emit(load, 16)  # clone flags, low word
    emit(jset, CLONE_THREAD, "allow", "eperm")
    program.append(("label", "prlimit"))
    emit(jeq, SYS_PRLIMIT64, 0, "allow")
    emit(load, 32)  # new_limit pointer, low word
    emit(jeq, 0, 0, "eperm")
    emit(load, 36)  # high word
    emit(jeq, 0, "allow", "eperm")
    for label, action in (
        ("allow", RET_ALLOW),
        ("eperm", RET_EPERM),
        ("enosys", RET_ENOSYS),
        ("kill", RET_KILL_PROCESS),
    ):
        program.append(("label", label))
        emit(ret, action)
    return _assemble(program)


def _assemble(program: list[tuple[Any, ...]]) -> bytes:
    labels, position = {}, 0
    for item in program:
        if item[0] == "label":
            labels[item[1]] = position
        else:
            position += 1
    code, position = b"", 0
    for item in program:
        if item[0] == "label":
            continue
        op, jt, jf, k = item
        offsets = [labels[j] - position - 1 if isinstance(j, str) else j for j in (jt, jf)]
        code += struct.pack("<HBBI", op, offsets[0], offsets[1], k)
        position += 1
    return code


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def apply_seccomp(program: bytes) -> None:
    """Install the filter (no_new_privs must be set), synchronised across all threads."""
    if platform.machine() != "x86_64":
        raise ConfinementError("the seccomp filter is written for x86-64 only")
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _syscall(SYS_SECCOMP, 1, 1, ctypes.byref(prog))  # SET_MODE_FILTER, FLAG_TSYNC


def confine(
    memory_mb: int, cpu_seconds: int, rules: PathRules, writable: list[str], program: bytes
) -> None:
    """All three layers, in the order that keeps each one installable."""
    if landlock_abi() < MIN_LANDLOCK_ABI:
        raise ConfinementError(f"Landlock ABI {MIN_LANDLOCK_ABI} or later is required")
    set_rlimits(memory_mb, cpu_seconds)
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise ConfinementError("cannot set no_new_privs")
    rules.apply(writable)
    apply_seccomp(program)
