// The little protocol the kernel-side benchmark programs speak over real UDP. The first
// byte of every datagram says what it is; control datagrams carry a 32-bit count after it.
// Plain JavaScript: kernel.ts copies these files into a private directory and runs them
// with `node` inside a real network namespace, where no TypeScript loader is wanted.

/** Payload: counted by the sink, echoed by the echo server. */
export const DATA = 0;
/** Opens a run: the server starts its CPU clock and answers HELLO_ACK. */
export const HELLO = 1;
export const HELLO_ACK = 2;
/** The sink's cumulative count, every ACK_EVERY datagrams (paces the source). */
export const ACK = 3;
/** Ends a run: the server stops its CPU clock, reports, and answers FIN_ACK. */
export const FIN = 4;
export const FIN_ACK = 5;

/** A control datagram: kind and a count. */
export function control(kind, count = 0) {
  const b = Buffer.alloc(5);
  b[0] = kind;
  b.writeUInt32BE(count >>> 0, 1);
  return b;
}

/** The count a control datagram carries. */
export function countOf(msg) {
  return msg.length >= 5 ? msg.readUInt32BE(1) : 0;
}

/** CPU microseconds (user, system) since `start`, from process.cpuUsage. */
export function cpuSince(start) {
  const d = process.cpuUsage(start);
  return { userUs: d.user, systemUs: d.system };
}

/**
 * Exit with status 2 if the run is not over by `ms`: a lost control datagram or a dead
 * peer must not leave a process behind in the namespace.
 */
export function deadline(ms, who) {
  return setTimeout(() => {
    process.stderr.write(`${who}: no result within ${ms} ms\n`);
    process.exit(2);
  }, ms);
}

/** Send `msg` every `ms` until `stop()` says the answer came. */
export function repeatUntil(send, stop, ms = 20) {
  send();
  const t = setInterval(() => (stop() ? clearInterval(t) : send()), ms);
}
