import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { loadFaultSettings, type StandIn } from '../stand-in/index.js';

/** Describes the faults in force in a few words, for the stand-in's messages. */
export function describeFaults(standIn: StandIn): string {
  const { requests = [], stickyCookie, hangingRenders = [] } = standIn.faults.current();
  const parts = [`${requests.length} request faults`];
  if (stickyCookie) parts.push('sticky-cookie mode');
  if (hangingRenders.length > 0) parts.push(`${hangingRenders.length} hanging renders`);
  return parts.join(', ');
}

/**
 * Applies a faults file to the stand-in now, again whenever the file's text changes, and on
 * SIGHUP. Each read replaces every fault, so the `times` counts start again. An invalid file
 * is reported on stderr and leaves the faults in force. Returns a function that stops
 * watching.
 */
export async function applyFaultsFile(standIn: StandIn, path: string): Promise<() => void> {
  const absolutePath = resolve(path);
  standIn.faults.set(await loadFaultSettings(absolutePath));
  let appliedText = await readFile(absolutePath, 'utf8');
  let reading = Promise.resolve();

  const reread = (always: boolean) => {
    reading = reading.then(async () => {
      let text: string;
      try {
        text = await readFile(absolutePath, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        console.error(`connect-refresh: Cannot read the faults file ${absolutePath} (${code}); `
          + 'the faults in force stay.');
        return;
      }
      if (!always && text === appliedText) {
        return;
      }
      try {
        standIn.faults.set(await loadFaultSettings(absolutePath));
        appliedText = text;
        console.error(`connect-refresh: Faults file read: ${describeFaults(standIn)}`);
      } catch (error) {
        console.error(`connect-refresh: ${(error as Error).message}\nThe faults in force stay.`);
      }
    });
  };

  // The folder is watched, not the file, because editors often save by replacing the file.
  const watcher: FSWatcher = watch(dirname(absolutePath), (_event, name) => {
    if (name === null || name === basename(absolutePath)) {
      reread(false);
    }
  });
  const onHangup = () => reread(true);
  process.on('SIGHUP', onHangup);
  return () => {
    watcher.close();
    process.off('SIGHUP', onHangup);
  };
}
