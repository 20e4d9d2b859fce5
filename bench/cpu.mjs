// CPU time of a `wrangler dev` stack from the kernel's own accounting: utime + stime of its workerd
// processes (/proc/<pid>/stat, in clock ticks), found by the process group wrangler was started in
// (scripts/lib.mjs starts it detached, so its pid is the group). Read before and after a run, the
// difference is the CPU the runtime spent on it, whatever else the machine was doing.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms used so far by the workerd processes of the group `pgid` (0 where /proc is missing). */
export function workerdCpuMs(pgid) {
  let ticks = 0;
  let dirs = [];
  try {
    dirs = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const d of dirs) {
    let stat;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis.
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(rest[2]) !== pgid || !comm.startsWith("workerd")) continue;
    ticks += Number(rest[11]) + Number(rest[12]);
  }
  return ticks * TICK_MS;
}

/** Runs `work` and answers its result with the stack's workerd CPU ms spent meanwhile. */
export async function withCpu(pgid, work) {
  const before = workerdCpuMs(pgid);
  const result = await work();
  return { ...result, cpuMs: workerdCpuMs(pgid) - before };
}
