// Everything the CLI prints passes through here. Messages quote server replies, test-set values and project
// names, which may carry terminal escape sequences (colours, cursor moves that hide lines, title changes,
// OSC 8 links, bidirectional overrides). Those characters are shown escaped (`\x1b`), never interpreted.

// C0 controls other than tab and line feed, a CR that does not end a CRLF, DEL, C1 controls, and the
// bidirectional embedding/override/isolate controls that reorder what the terminal shows.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/gu;

/** `s` with every character a terminal would act on written out as `\xHH` or `\u{HHHH}`. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

type Write = NodeJS.WriteStream['write'];
const rawWrites = new Map<NodeJS.WriteStream, Write>();

/**
 * Makes every string written to stdout and stderr (console.log, console.error, direct writes) terminal-safe.
 * Called once by the CLI entry point; returns a function that restores the streams.
 */
export function guardTerminalOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): () => void {
  for (const stream of streams) {
    if (rawWrites.has(stream)) continue;
    const write = stream.write.bind(stream) as Write;
    rawWrites.set(stream, write);
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      (write as (c: unknown, ...r: unknown[]) => boolean)(typeof chunk === 'string' ? terminalSafe(chunk) : chunk, ...rest)) as Write;
  }
  return () => {
    for (const stream of streams) {
      const write = rawWrites.get(stream);
      if (write) { stream.write = write; rawWrites.delete(stream); }
    }
  };
}

/** Writes our own terminal controls (the progress bar's carriage return and erase-line) past the guard. */
export function writeControl(stream: NodeJS.WriteStream, text: string): void {
  (rawWrites.get(stream) ?? stream.write.bind(stream))(text);
}
