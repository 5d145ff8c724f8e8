# Workbench front: one target per stage; each stage is scripts/<stage>.sh.
# Variables: WB_VARIANT=lean|debug|rt|rt-debug|full, WB_TESTS="a b"
# (default config/tests.list), FORCE=1 (make tree: drop unexported work),
# WB_JOBS, WB_ACCEL=tcg|kvm.
SHELL := /bin/bash
S := scripts

.PHONY: help deps base tree export status kernel selftests selftests-full \
	vm test check-series vmtest mutants portability against-v1 bench optrace regress wb-selftest clean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps            install the toolchain from Debian's registry (root)
deps:
	@$(S)/deps.sh
## base            verify and extract the pinned linux-source tarball
base: deps
	@$(S)/base.sh >/dev/null
## tree            scratch kernel tree = base + git am series/ (refuses to drop unexported work)
tree: base
	@$(S)/tree.sh
## export          regenerate series/ from the tree
export:
	@$(S)/export.sh
## status          does the tree hold unexported work?
status:
	@$(S)/status.sh
## kernel          build the kernel (WB_VARIANT=lean|debug|rt|rt-debug)
kernel:
	@$(S)/kernel.sh
## selftests       build test_progs + bpf_testmod for the requested tests only
selftests:
	@$(S)/selftests.sh
## selftests-full  build every test_progs test (BPF_STRICT_BUILD=0)
selftests-full:
	@FULL=1 $(S)/selftests.sh
## vm              boot the kernel, run the tests, print the table
vm:
	@$(S)/vm.sh
## test            everything from a fresh clone: deps, tree, kernel, selftests, vm
##                 (the tree follows series/ unless it holds unexported work)
test: deps
	@WB_KEEP_UNEXPORTED=1 $(S)/tree.sh
	@$(S)/kernel.sh && $(S)/selftests.sh && $(S)/vm.sh
## check-series    checkpatch --strict, per-commit build of kernel/bpf/, mail format
check-series:
	@$(S)/check-series.sh
## vmtest          the series' tests on the selftests-config kernel, 8 vCPUs
##                 (VMTEST_TREE=1: the tree's own vmtest.sh, whole suite)
vmtest:
	@$(S)/vmtest.sh
## mutants         each mutation of config/mutants.list must fail the series' tests
mutants:
	@$(S)/mutants.sh
## portability     BPF objects little/big endian; the tests without NMIs (NMI subtests skip)
portability:
	@$(S)/portability.sh
## against-v1      the series' tests of HEAD on a kernel with v1 of the series (expected to fail)
against-v1:
	@$(S)/against-v1.sh
## bench           base vs patched vs alternative, guest instructions (-icount): op cost, memory, latency
bench: deps
	@WB_KEEP_UNEXPORTED=1 $(S)/tree.sh
	@$(S)/bench.sh
## optrace         per-function instruction traces of map ops, base vs patched (after make bench)
optrace:
	@$(S)/optrace.sh
## regress         every test_progs test, base vs patched (WB_VARIANT=lean|full)
regress:
	@$(S)/regress.sh
## wb-selftest     show that each failure mode of the workbench fails loudly
wb-selftest:
	@$(S)/wb-selftest.sh

clean:
	rm -rf build
