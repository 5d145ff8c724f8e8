// SPDX-License-Identifier: GPL-2.0
/* Workbench smoke test: NMIs reach BPF programs in a VM without a PMU.
 *
 * NMI source: writing 'l' to /proc/sysrq-trigger makes the kernel send an
 * NMI IPI (nmi_trigger_cpumask_backtrace) to every other online CPU and
 * wait for them to answer, so each write is one NMI per other CPU. This
 * needs CONFIG_MAGIC_SYSRQ and >= 2 CPUs; neither a PMU nor perf events.
 */
#include <fcntl.h>
#include <unistd.h>
#include <test_progs.h>
#include "wb_nmi_smoke.skel.h"

#define NR_TRIGGERS 16

void serial_test_wb_nmi_smoke(void)
{
	struct wb_nmi_smoke *skel;
	int fd = -1, i;

	if (!ASSERT_GE(libbpf_num_possible_cpus(), 2, "nr_cpus (sysrq-l NMIs other CPUs)"))
		return;
	skel = wb_nmi_smoke__open_and_load();
	if (!ASSERT_OK_PTR(skel, "open_and_load"))
		return;
	if (!ASSERT_OK(wb_nmi_smoke__attach(skel), "attach"))
		goto out;
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (!ASSERT_GE(fd, 0, "open /proc/sysrq-trigger"))
		goto out;
	for (i = 0; i < NR_TRIGGERS; i++)
		if (!ASSERT_EQ(write(fd, "l", 1), 1, "sysrq-l"))
			goto out;
	printf("METRIC nmi_runs=%llu\n", (unsigned long long)skel->bss->nmi_runs);
	printf("METRIC nmi_handler_runs=%llu\n", (unsigned long long)skel->bss->runs);
	ASSERT_GT(skel->bss->nmi_runs, 0, "nmi_runs");
	ASSERT_EQ(skel->bss->nmi_runs, skel->bss->runs, "every nmi_handler run is in NMI");
out:
	if (fd >= 0)
		close(fd);
	wb_nmi_smoke__destroy(skel);
}
