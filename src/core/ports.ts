// Ports: what core needs from its host (the extension or the CLI), as plain interfaces.

export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/** A logger that drops everything: for tests and quiet CLI runs. */
export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };
