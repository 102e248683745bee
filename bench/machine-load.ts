/**
 * CPU time the whole machine spent busy, from the kernel's per-CPU counters (`os.cpus()`): taken
 * before and after a timed block, less the bench's own processes, it says how much other work
 * shared the cores meanwhile. The machine is shared: a round where others took a core is noise.
 */
import os from 'node:os';

/** Milliseconds all CPUs together have spent not idle since boot. */
export function machineBusyMs(): number {
  return os.cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
}
