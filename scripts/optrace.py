# gdb -batch -x scripts/optrace.py: attach to a guest's gdbstub and record,
# instruction by instruction, calls of one map function on one kind of map
# (scripts/optrace.sh sets the environment). Single-stepping masks the
# guest's interrupts (QEMU's default), so a trace is the op alone.
import os
import gdb

port = os.environ["OPTRACE_PORT"]
func = os.environ["OPTRACE_FUNC"]
map_type = int(os.environ["OPTRACE_MAP_TYPE"])
value_size = int(os.environ["OPTRACE_VALUE_SIZE"])
flags = os.environ.get("OPTRACE_FLAGS")          # 4th argument (update flags)
want = int(os.environ.get("OPTRACE_COUNT", "3"))
skip = int(os.environ.get("OPTRACE_SKIP", "0"))   # matching calls to let pass
map_flags = int(os.environ.get("OPTRACE_MAP_FLAGS", "0"))
loop = os.environ.get("OPTRACE_LOOP") == "1"  # trace until the function's next call
out = os.environ["OPTRACE_OUT"]


def u(expr):
    return int(gdb.parse_and_eval(expr)) & 0xffffffffffffffff


def same_map():
    m = "((struct bpf_map *)$rdi)"     # the vmlinux's debug info has the layout
    return (u(f"{m}->map_type") == map_type and u(f"{m}->value_size") == value_size and
            u(f"{m}->map_flags") == map_flags and u(f"{m}->record") == 0)


class Entry(gdb.Breakpoint):
    def stop(self):
        if not same_map():
            return False
        if flags is not None and u("$rcx") != int(flags):
            return False
        global skip
        skip -= 1
        return skip < 0


gdb.execute("set pagination off")
gdb.execute(f"target remote :{port}")
Entry(f"*{func}")
with open(out, "w") as f:
    for n in range(want):
        gdb.execute("continue")
        sp, ret = u("$rsp"), u("*(unsigned long *)$rsp")
        start = u("$pc")
        pcs = []
        while True:
            pcs.append(u("$pc"))
            if loop and len(pcs) > 1 and pcs[-1] == start:
                pcs.pop()
                break
            if not loop and pcs[-1] == ret and u("$rsp") > sp:
                pcs.pop()
                break
            gdb.execute("stepi", to_string=True)
        f.write("TRACE %d %d\n" % (n, len(pcs)))
        f.write("".join("%x\n" % pc for pc in pcs))
        f.flush()
gdb.execute("kill")
