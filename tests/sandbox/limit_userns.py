# limit_userns.py CMD...: runs CMD (as root) in a user namespace of its own
# whose user.max_user_namespaces is 0: inside it, no further user namespace
# can be made. The machine's own setting is not touched.
import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
libc = ctypes.CDLL(None, use_errno=True)
go_r, go_w = os.pipe()
ready_r, ready_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(go_w)
    os.close(ready_r)
    if libc.unshare(CLONE_NEWUSER) != 0:
        os._exit(99)
    os.write(ready_w, b"x")
    os.read(go_r, 1)
    with open("/proc/sys/user/max_user_namespaces", "w") as f:
        f.write("0")
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(go_r)
os.close(ready_w)
if os.read(ready_r, 1) != b"x":
    sys.exit(99)
for m in ("uid_map", "gid_map"):
    with open(f"/proc/{pid}/{m}", "w") as f:
        f.write("0 0 4294967295")
os.write(go_w, b"x")
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
