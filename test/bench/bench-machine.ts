// Facts about the machine a benchmark runs on, and its CPU use over time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export function sh(cmd: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function machineFacts(): Record<string, unknown> {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    fdLimitSoft: sh('ulimit -Sn'),
    fdLimitHard: sh('ulimit -Hn'),
    ephemeralPorts: sh('cat /proc/sys/net/ipv4/ip_local_port_range').replace(/\s+/, '-'),
    somaxconn: sh('cat /proc/sys/net/core/somaxconn'),
    loadAverageAtStart: sh('cat /proc/loadavg').split(' ').slice(0, 3).join(' '),
  };
}

/** Whole-machine CPU time from /proc/stat, in ms (busy = everything but idle and iowait). */
export function machineCpuMs(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: (total - idle) * 10, total: total * 10 };
  } catch {
    return null;
  }
}
