/**
 * Keeps a closed standard output or standard error from crashing the command. A reader that
 * goes away (`| head -c1`, `| true`) makes the next write fail with EPIPE, and Node raises an
 * unhandled 'error' event, which would end the process with status 1 and no result.
 */

/** Standard streams that have failed, so that later writes to them are dropped. */
const closed = new Set<NodeJS.WriteStream>();

/**
 * Marks process.stdout and process.stderr as closed on their first error instead of
 * crashing. The command then keeps waiting and keeps its exit status, and a closed stream
 * gets no more output.
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => closed.add(stream));
  }
}

/** Writes `text` to `stream` unless the stream has failed before. */
export function writeOutput(stream: NodeJS.WriteStream, text: string): void {
  if (!closed.has(stream) && !stream.destroyed) {
    stream.write(text);
  }
}
