// The launcher's C source, compiled once per machine by ./build.ts (String.raw keeps C escapes intact).
export const HELPER_SOURCE = String.raw`/*
 * clove-sandbox: the launcher that puts one Clove agent into its sandbox, in one exec.
 * Order: join cgroups -> unshare -> (pid ns: fork init) -> mounts, hostname, loopback ->
 * (pid ns: fork agent) -> rlimits, capabilities, groups, gid, uid, no_new_privs -> exec.
 * Setup failures print "clove-sandbox: ..." on stderr and exit 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>
#include <dirent.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define MAX_ITEMS 64

struct bind { const char *src; const char *dst; int ro; int fd; int is_dir; };
struct hide { const char *path; const char *mode; const char *size; };
struct lim { int res; rlim_t soft; rlim_t hard; };

static const char *cgroups[MAX_ITEMS]; static int ncgroups;
static struct hide hides[MAX_ITEMS]; static int nhides;
static struct bind binds[MAX_ITEMS]; static int nbinds;
static const char *masks[MAX_ITEMS]; static int nmasks;
static struct lim lims[16]; static int nlims;
static int ns_flags, want_proc, want_lo, want_nnp, want_drop_caps, die_with_parent, deny_setgroups, want_seccomp, want_subreaper;
static const char *hostname, *cwd, *join_pid;
static long uid = -1, gid = -1, map_uid_out = -1, map_uid_in = -1, map_gid_out = -1, map_gid_in = -1;
static volatile pid_t child_pid;

static void die(const char *what, const char *arg) {
  fprintf(stderr, "clove-sandbox: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "", strerror(errno));
  _exit(125);
}

static void usage(const char *msg) {
  fprintf(stderr, "clove-sandbox: %s\n", msg);
  _exit(125);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die("open", path);
  size_t len = strlen(text);
  if (write(fd, text, len) != (ssize_t)len) die("write", path);
  close(fd);
}

static int resource_named(const char *name) {
  if (!strcmp(name, "as")) return RLIMIT_AS;
  if (!strcmp(name, "nproc")) return RLIMIT_NPROC;
  if (!strcmp(name, "cpu")) return RLIMIT_CPU;
  if (!strcmp(name, "nofile")) return RLIMIT_NOFILE;
  if (!strcmp(name, "fsize")) return RLIMIT_FSIZE;
  if (!strcmp(name, "core")) return RLIMIT_CORE;
  if (!strcmp(name, "data")) return RLIMIT_DATA;
  usage("unknown rlimit (as|nproc|cpu|nofile|fsize|core|data)");
  return -1;
}

static int ns_named(const char *list) {
  int flags = 0;
  char *copy = strdup(list), *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (!strcmp(t, "user")) flags |= CLONE_NEWUSER;
    else if (!strcmp(t, "pid")) flags |= CLONE_NEWPID;
    else if (!strcmp(t, "net")) flags |= CLONE_NEWNET;
    else if (!strcmp(t, "mnt")) flags |= CLONE_NEWNS;
    else if (!strcmp(t, "uts")) flags |= CLONE_NEWUTS;
    else if (!strcmp(t, "ipc")) flags |= CLONE_NEWIPC;
    else if (*t) usage("unknown namespace (user|pid|net|mnt|uts|ipc)");
  }
  free(copy);
  return flags;
}

static void mkdirs(const char *path) {
  char buf[4096];
  if (strlen(path) >= sizeof buf) usage("path too long");
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) die("mkdir", buf);
    *p = '/';
  }
  if (mkdir(buf, 0755) < 0 && errno != EEXIST) die("mkdir", buf);
}

static void make_mountpoint(const char *dst, int is_dir) {
  struct stat st;
  if (stat(dst, &st) == 0) return;
  if (is_dir) { mkdirs(dst); return; }
  char parent[4096];
  if (strlen(dst) >= sizeof parent) usage("path too long");
  strcpy(parent, dst);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) { *slash = 0; mkdirs(parent); }
  int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) die("create mount point", dst);
  close(fd);
}

/* Flags a remount must keep: the kernel refuses to clear them on a bind of a locked mount. */
static unsigned long locked_flags(const char *path) {
  struct statvfs sv;
  unsigned long f = 0;
  if (statvfs(path, &sv) != 0) return 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

static void setup_mounts(void) {
  if (!(ns_flags & CLONE_NEWNS)) return;
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("make / private", NULL);
  if (want_proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) die("mount proc", "/proc");
  for (int i = 0; i < nbinds; i++) {
    struct stat st;
    binds[i].fd = open(binds[i].src, O_PATH | O_CLOEXEC);
    if (binds[i].fd < 0) die("open bind source", binds[i].src);
    if (fstat(binds[i].fd, &st) < 0) die("stat bind source", binds[i].src);
    binds[i].is_dir = S_ISDIR(st.st_mode);
  }
  for (int i = 0; i < nhides; i++) {
    struct stat st;
    if (stat(hides[i].path, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    char opts[128];
    snprintf(opts, sizeof opts, "mode=%s,size=%s", hides[i].mode, hides[i].size);
    if (mount("tmpfs", hides[i].path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) die("mount tmpfs over", hides[i].path);
  }
  for (int i = 0; i < nbinds; i++) {
    char src[64];
    snprintf(src, sizeof src, "/proc/self/fd/%d", binds[i].fd);
    make_mountpoint(binds[i].dst, binds[i].is_dir);
    if (mount(src, binds[i].dst, NULL, MS_BIND | MS_REC, NULL) < 0) die("bind", binds[i].src);
    if (binds[i].ro) {
      unsigned long f = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | locked_flags(binds[i].dst);
      if (mount(NULL, binds[i].dst, NULL, f, NULL) < 0) die("remount read-only", binds[i].dst);
    }
    close(binds[i].fd);
  }
  for (int i = 0; i < nmasks; i++) {
    struct stat st;
    if (lstat(masks[i], &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (mount("tmpfs", masks[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "mode=000,size=4k") < 0) die("mask", masks[i]);
    } else if (mount("/dev/null", masks[i], NULL, MS_BIND, NULL) < 0) {
      die("mask", masks[i]);
    }
  }
}

static void setup_net_uts(void) {
  if (hostname && sethostname(hostname, strlen(hostname)) < 0) die("sethostname", hostname);
  if (want_lo) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket", NULL);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) die("get flags", "lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) die("bring up", "lo");
    close(s);
  }
}

/*
 * The syscall filter of a sandboxed agent (--seccomp): no new namespaces (clone/unshare with a
 * CLONE_NEW* flag, setns), no mounts, no ptrace or process_vm_*, no kernel keyring, bpf,
 * perf_event_open, userfaultfd, io_uring, modules, kexec, reboot, swap, acct, quotactl,
 * open_by_handle_at. Those fail with EPERM (clone3 with ENOSYS, so libc falls back to clone, whose
 * flags the filter can see). Another architecture or the x32 ABI kills the process.
 */
#if defined(__x86_64__)
#define CLOVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CLOVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

static const long denied_syscalls[] = {
#ifdef __NR_setns
  __NR_setns,
#endif
#ifdef __NR_mount
  __NR_mount,
#endif
#ifdef __NR_umount2
  __NR_umount2,
#endif
#ifdef __NR_pivot_root
  __NR_pivot_root,
#endif
#ifdef __NR_chroot
  __NR_chroot,
#endif
#ifdef __NR_fsopen
  __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick, __NR_move_mount, __NR_open_tree,
#endif
#ifdef __NR_mount_setattr
  __NR_mount_setattr,
#endif
#ifdef __NR_ptrace
  __NR_ptrace,
#endif
#ifdef __NR_process_vm_readv
  __NR_process_vm_readv, __NR_process_vm_writev,
#endif
#ifdef __NR_keyctl
  __NR_keyctl, __NR_add_key, __NR_request_key,
#endif
#ifdef __NR_bpf
  __NR_bpf,
#endif
#ifdef __NR_perf_event_open
  __NR_perf_event_open,
#endif
#ifdef __NR_userfaultfd
  __NR_userfaultfd,
#endif
#ifdef __NR_io_uring_setup
  __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
#ifdef __NR_init_module
  __NR_init_module, __NR_finit_module, __NR_delete_module,
#endif
#ifdef __NR_kexec_load
  __NR_kexec_load,
#endif
#ifdef __NR_kexec_file_load
  __NR_kexec_file_load,
#endif
#ifdef __NR_reboot
  __NR_reboot,
#endif
#ifdef __NR_swapon
  __NR_swapon, __NR_swapoff,
#endif
#ifdef __NR_acct
  __NR_acct,
#endif
#ifdef __NR_quotactl
  __NR_quotactl,
#endif
#ifdef __NR_open_by_handle_at
  __NR_open_by_handle_at,
#endif
#ifdef __NR_lookup_dcookie
  __NR_lookup_dcookie,
#endif
};

static void apply_seccomp(void) {
#ifndef CLOVE_AUDIT_ARCH
  usage("--seccomp: no filter for this architecture");
#else
  struct sock_filter prog[160];
  int n = 0;
#define EMIT(stmt) do { if (n >= 160) usage("seccomp filter too long"); prog[n++] = (struct sock_filter)stmt; } while (0)
  EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
  EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CLOVE_AUDIT_ARCH, 1, 0));
  EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#ifdef __x86_64__
  /* x32 syscalls (bit 30) would bypass the numbers below. */
  EMIT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
  EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
  for (size_t i = 0; i < sizeof denied_syscalls / sizeof denied_syscalls[0]; i++) {
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied_syscalls[i], 0, 1));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)));
  }
#ifdef __NR_clone3
  EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1));
  EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
#endif
  /* clone and unshare: refused when a namespace flag is set (flags are the first argument). */
  EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0));
  EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 3));
  EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])));
  EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1));
  EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)));
  EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
#undef EMIT
  struct sock_fprog fprog = { (unsigned short)n, prog };
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0) die("seccomp", NULL);
#endif
}

/* Kills every process below this one (a subreaper: orphans of the tree are re-parented here). */
static int kill_descendants(void) {
  pid_t self = getpid();
  size_t cap = 1024, count = 0;
  pid_t *pids = malloc(cap * sizeof *pids), *ppids = malloc(cap * sizeof *ppids);
  if (!pids || !ppids) return 0;
  DIR *proc = opendir("/proc");
  if (!proc) { free(pids); free(ppids); return 0; }
  struct dirent *e;
  while ((e = readdir(proc))) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0) continue;
    buf[len] = 0;
    char *paren = strrchr(buf, ')');
    long ppid;
    char state;
    if (!paren || sscanf(paren + 1, " %c %ld", &state, &ppid) != 2) continue;
    if (count == cap) {
      cap *= 2;
      pid_t *np = realloc(pids, cap * sizeof *pids), *npp = realloc(ppids, cap * sizeof *ppids);
      if (!np || !npp) break;
      pids = np; ppids = npp;
    }
    pids[count] = (pid_t)pid; ppids[count] = (pid_t)ppid; count++;
  }
  closedir(proc);
  char *below = calloc(count ? count : 1, 1);
  int killed = 0, changed = 1;
  while (below && changed) {
    changed = 0;
    for (size_t i = 0; i < count; i++) {
      if (below[i] || pids[i] == self) continue;
      int parent_below = ppids[i] == self;
      for (size_t j = 0; !parent_below && j < count; j++) parent_below = below[j] && pids[j] == ppids[i];
      if (parent_below) { below[i] = 1; changed = 1; }
    }
  }
  for (size_t i = 0; below && i < count; i++) if (below[i] && kill(pids[i], SIGKILL) == 0) killed++;
  free(below); free(pids); free(ppids);
  return killed;
}

/* Ends the whole tree: repeat until nothing is left below (killed processes' orphans come here). */
static void end_tree(void) {
  for (int round = 0; round < 200; round++) {
    int n = kill_descendants();
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
    if (n == 0) return;
    usleep(5000);
  }
}

static volatile sig_atomic_t parent_gone;
static void on_parent_death(int sig) { (void)sig; parent_gone = 1; }

static void drop_and_exec(char **argv) {
  for (int i = 0; i < nlims; i++) {
    struct rlimit rl = { lims[i].soft, lims[i].hard };
    if (setrlimit(lims[i].res, &rl) < 0) die("setrlimit", NULL);
  }
  if (want_drop_caps) {
    for (int c = 0; c <= 63; c++) {
      if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL) break;
    }
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  }
  if (gid >= 0) {
    if (setgroups(0, NULL) < 0) die("setgroups", NULL);
    if (setresgid(gid, gid, gid) < 0) die("setresgid", NULL);
  }
  if (uid >= 0 && setresuid(uid, uid, uid) < 0) die("setresuid", NULL);
  /* A credential change clears the parent-death signal; set it again for the exec'd agent. */
  if (die_with_parent) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (want_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("no_new_privs", NULL);
  if (cwd && chdir(cwd) < 0) die("chdir", cwd);
  if (want_seccomp) apply_seccomp();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execvp(argv[0], argv);
  die("exec", argv[0]);
}

/* Enters the namespaces of a running process (EXEC inside an agent's sandbox). */
static int join_namespaces(void) {
  static const char *names[] = { "user", "ipc", "uts", "net", "pid", "mnt" };
  static const int types[] = { CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWNS };
  int fds[6], joined_pid = 0;
  char path[96], self[96];
  for (int i = 0; i < 6; i++) {
    struct stat theirs, mine;
    snprintf(path, sizeof path, "/proc/%s/ns/%s", join_pid, names[i]);
    snprintf(self, sizeof self, "/proc/self/ns/%s", names[i]);
    fds[i] = -1;
    if (stat(path, &theirs) < 0) die("stat", path);
    if (stat(self, &mine) == 0 && mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) continue;
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) die("open", path);
  }
  for (int i = 0; i < 6; i++) {
    if (fds[i] < 0) continue;
    if (setns(fds[i], types[i]) < 0) die("setns", names[i]);
    if (types[i] == CLONE_NEWPID) joined_pid = 1;
    close(fds[i]);
  }
  return joined_pid;
}

static void forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, 0 };

static void install_forwarding(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  for (int i = 0; forwarded[i]; i++) sigaction(forwarded[i], &sa, NULL);
}

/* Waits for child_pid, reaping any other process (init duty); returns its raw wait status. */
static int wait_child(void) {
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      die("waitpid", NULL);
    }
    if (p == child_pid) return st;
  }
}

/* Ends this process the way the raw wait status says: same exit code or same signal. */
static void exit_like(int st) {
  if (WIFSIGNALED(st)) {
    int sig = WTERMSIG(st);
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
  }
  _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 125);
}

static void parse(int argc, char **argv, int *cmd_index) {
  int i = 1;
#define NEED(n) do { if (i + (n) >= argc) usage("missing value"); } while (0)
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) { *cmd_index = i + 1; return; }
    if (!strcmp(a, "--cgroup")) { NEED(1); if (ncgroups == MAX_ITEMS) usage("too many"); cgroups[ncgroups++] = argv[++i]; }
    else if (!strcmp(a, "--ns")) { NEED(1); ns_flags = ns_named(argv[++i]); }
    else if (!strcmp(a, "--map-uid")) { NEED(2); map_uid_out = atol(argv[++i]); map_uid_in = atol(argv[++i]); }
    else if (!strcmp(a, "--map-gid")) { NEED(2); map_gid_out = atol(argv[++i]); map_gid_in = atol(argv[++i]); }
    else if (!strcmp(a, "--hostname")) { NEED(1); hostname = argv[++i]; }
    else if (!strcmp(a, "--lo")) want_lo = 1;
    else if (!strcmp(a, "--proc")) want_proc = 1;
    else if (!strcmp(a, "--hide")) {
      NEED(3); if (nhides == MAX_ITEMS) usage("too many");
      hides[nhides].path = argv[i + 1]; hides[nhides].mode = argv[i + 2]; hides[nhides].size = argv[i + 3]; nhides++; i += 3;
    } else if (!strcmp(a, "--bind")) {
      NEED(3); if (nbinds == MAX_ITEMS) usage("too many");
      binds[nbinds].src = argv[i + 1]; binds[nbinds].dst = argv[i + 2]; binds[nbinds].ro = !strcmp(argv[i + 3], "ro"); nbinds++; i += 3;
    } else if (!strcmp(a, "--mask")) { NEED(1); if (nmasks == MAX_ITEMS) usage("too many"); masks[nmasks++] = argv[++i]; }
    else if (!strcmp(a, "--rlimit")) {
      NEED(3); if (nlims == 16) usage("too many");
      lims[nlims].res = resource_named(argv[i + 1]);
      lims[nlims].soft = strtoull(argv[i + 2], NULL, 10); lims[nlims].hard = strtoull(argv[i + 3], NULL, 10); nlims++; i += 3;
    } else if (!strcmp(a, "--uid")) { NEED(1); uid = atol(argv[++i]); }
    else if (!strcmp(a, "--gid")) { NEED(1); gid = atol(argv[++i]); }
    else if (!strcmp(a, "--nnp")) want_nnp = 1;
    else if (!strcmp(a, "--drop-caps")) want_drop_caps = 1;
    else if (!strcmp(a, "--die-with-parent")) die_with_parent = 1;
    else if (!strcmp(a, "--deny-setgroups")) deny_setgroups = 1;
    else if (!strcmp(a, "--seccomp")) want_seccomp = 1;
    else if (!strcmp(a, "--subreaper")) want_subreaper = 1;
    else if (!strcmp(a, "--join")) { NEED(1); join_pid = argv[++i]; }
    else if (!strcmp(a, "--cwd")) { NEED(1); cwd = argv[++i]; }
    else usage("unknown option");
  }
  usage("missing -- COMMAND");
}

int main(int argc, char **argv) {
  int cmd = 0;
  parse(argc, argv, &cmd);
  if (cmd >= argc) usage("missing COMMAND");
  if (die_with_parent) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  for (int i = 0; i < ncgroups; i++) write_file(cgroups[i], "0\n");
  if (ns_flags && unshare(ns_flags) < 0) die("unshare", NULL);
  if (ns_flags & CLONE_NEWUSER) {
    char map[64];
    if (deny_setgroups) write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%ld %ld 1\n", map_uid_in, map_uid_out);
    write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%ld %ld 1\n", map_gid_in, map_gid_out);
    write_file("/proc/self/gid_map", map);
  }
  int fork_needed = (ns_flags & CLONE_NEWPID) != 0;
  if (join_pid) fork_needed = join_namespaces();
  if (want_subreaper && !fork_needed) {
    /*
     * No pid namespace (a plain agent): this process stays as the agent's supervisor. Orphans of
     * the agent's tree are re-parented here; when the agent ends, or the kernel dies, the whole
     * tree is killed, so nothing the agent started outlives it or its kernel.
     */
    pid_t kernel = getppid();
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) die("subreaper", NULL);
    struct sigaction gone;
    memset(&gone, 0, sizeof gone);
    gone.sa_handler = on_parent_death;
    sigaction(SIGRTMIN + 3, &gone, NULL);
    prctl(PR_SET_PDEATHSIG, SIGRTMIN + 3, 0, 0, 0);
    if (getppid() != kernel) _exit(125);
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    child_pid = fork();
    if (child_pid < 0) die("fork", NULL);
    if (child_pid == 0) {
      struct sigaction dfl;
      memset(&dfl, 0, sizeof dfl);
      dfl.sa_handler = SIG_DFL;
      for (int i = 0; forwarded[i]; i++) sigaction(forwarded[i], &dfl, NULL);
      sigaction(SIGRTMIN + 3, &dfl, NULL);
      die_with_parent = 1;
      setup_net_uts();
      drop_and_exec(argv + cmd);
    }
    install_forwarding();
    sigprocmask(SIG_SETMASK, &old, NULL);
    int st = 0;
    for (;;) {
      pid_t p = waitpid(-1, &st, 0);
      if (p < 0 && errno == EINTR) {
        if (parent_gone) { end_tree(); _exit(128 + SIGKILL); }
        continue;
      }
      if (p < 0) die("waitpid", NULL);
      if (p == child_pid) break;
    }
    end_tree();
    exit_like(st);
  }
  if (!fork_needed) {
    setup_mounts();
    setup_net_uts();
    drop_and_exec(argv + cmd);
  }

  /* pid namespace: this process stays outside as the one the kernel spawned; init runs inside. */
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) < 0) die("pipe", NULL);
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  child_pid = fork();
  if (child_pid < 0) die("fork", NULL);
  if (child_pid == 0) {
    close(status_pipe[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    setup_mounts();
    setup_net_uts();
    child_pid = 0;
    install_forwarding();
    pid_t agent = fork();
    if (agent < 0) die("fork", NULL);
    if (agent == 0) {
      close(status_pipe[1]);
      struct sigaction dfl;
      memset(&dfl, 0, sizeof dfl);
      dfl.sa_handler = SIG_DFL;
      for (int i = 0; forwarded[i]; i++) sigaction(forwarded[i], &dfl, NULL);
      drop_and_exec(argv + cmd);
    }
    child_pid = agent;
    sigprocmask(SIG_SETMASK, &old, NULL);
    int st = wait_child();
    if (write(status_pipe[1], &st, sizeof st) != sizeof st) _exit(125);
    _exit(0);
  }
  close(status_pipe[1]);
  install_forwarding();
  sigprocmask(SIG_SETMASK, &old, NULL);
  int init_st = wait_child();
  int agent_st;
  ssize_t n;
  do n = read(status_pipe[0], &agent_st, sizeof agent_st); while (n < 0 && errno == EINTR);
  exit_like(n == sizeof agent_st ? agent_st : init_st);
  return 0;
}
`;
