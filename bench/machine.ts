/** A one-line description of the machine and tools behind a set of figures. */
import { cpus, totalmem } from 'node:os';

export function describeMachine(extra: string[] = []): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round(totalmem() / 1024 ** 3);
  const date = new Date().toISOString().slice(0, 10);
  return [`${date}`, `${cpus().length} × ${cpu}`, `${memoryGiB} GiB`, `Node ${process.versions.node}`, ...extra].join(', ');
}
