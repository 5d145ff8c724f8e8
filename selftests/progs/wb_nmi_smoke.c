// SPDX-License-Identifier: GPL-2.0
/* Workbench smoke test: count tp_btf/nmi_handler runs and how many of
 * them really ran in NMI context (preempt_count & NMI_MASK).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bpf_experimental.h"

char _license[] SEC("license") = "GPL";

__u64 runs;
__u64 nmi_runs;

SEC("tp_btf/nmi_handler")
int BPF_PROG(wb_nmi_handler, void *handler, s64 delta_ns, int handled)
{
	__sync_fetch_and_add(&runs, 1);
	if (bpf_in_nmi())
		__sync_fetch_and_add(&nmi_runs, 1);
	return 0;
}
