// The one logger: a structured JSON line per event, always the same shape — {"level", "msg", ...fields} — so
// `wrangler tail`, Workers Logs and a test's console spy all read the same keys. Errors go to console.error (the
// level Workers Logs filters on), the rest to console.log. Never log a raw IP, a key or a prompt (DESIGN section 9).

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. the queue a batch came from). */
  with(fields: LogFields): Logger;
}

/** An error as a log field: its message, never a stack that could carry a vendor's text into a response. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function write(level: LogLevel, msg: string, fields: LogFields): void {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

function logger(base: LogFields): Logger {
  return {
    debug: (msg, fields) => write("debug", msg, { ...base, ...fields }),
    info: (msg, fields) => write("info", msg, { ...base, ...fields }),
    warn: (msg, fields) => write("warn", msg, { ...base, ...fields }),
    error: (msg, fields) => write("error", msg, { ...base, ...fields }),
    with: (fields) => logger({ ...base, ...fields }),
  };
}

export const log: Logger = logger({});
