// Sender of the UDP throughput run, in namespace A: after a HELLO handshake (which also
// resolves ARP), sends `count` datagrams of `size` bytes on a connected socket as fast as
// the window allows: at most WINDOW beyond what the sink has acknowledged. A window that
// stalls for STALL_MS is taken as lost and reopened, so a loss slows the run, never hangs
// it. Ends with FIN and prints {"sent", "delivered", "userUs", "systemUs"} from HELLO_ACK
// to FIN_ACK. argv: address port count size deadlineMs
import dgram from 'node:dgram';
import { ACK, DATA, FIN, FIN_ACK, HELLO, HELLO_ACK, control, countOf, cpuSince, deadline, repeatUntil } from './messages.mjs';

const WINDOW = 1024;
const STALL_MS = 20;
const [address, port, countArg, sizeArg, limit] = process.argv.slice(2);
const count = Number(countArg);
const timer = deadline(Number(limit), 'dgram-source');
const payload = Buffer.alloc(Number(sizeArg), 0x5a);
payload[0] = DATA;
const sock = dgram.createSocket('udp4');
let phase = 'hello';
let start;
let sent = 0;
let acked = 0; // acknowledged by the sink, plus those presumed lost
let lost = 0;
let progress = 0;

function pump() {
  while (sent < count && sent - acked < WINDOW) {
    sock.send(payload);
    sent++;
  }
  if (sent === count && phase === 'data') {
    phase = 'fin';
    repeatUntil(() => sock.send(control(FIN)), () => phase === 'done');
  }
}

const stall = setInterval(() => {
  if (phase !== 'data') return;
  if (progress === acked && sent - acked >= WINDOW) {
    lost += sent - acked;
    acked = sent;
    pump();
  }
  progress = acked;
}, STALL_MS);

sock.on('error', (err) => {
  // Before the sink is bound, HELLO draws an ICMP port unreachable: try again.
  if (err.code !== 'ECONNREFUSED' || phase !== 'hello') throw err;
});
sock.on('message', (msg) => {
  const kind = msg[0];
  if (kind === HELLO_ACK && phase === 'hello') {
    phase = 'data';
    start = process.cpuUsage();
    pump();
  } else if (kind === ACK && phase === 'data') {
    acked = Math.max(acked, countOf(msg) + lost);
    pump();
  } else if (kind === FIN_ACK && phase === 'fin') {
    phase = 'done';
    const cpu = cpuSince(start);
    process.stdout.write(JSON.stringify({ sent, delivered: countOf(msg), ...cpu }) + '\n');
    clearInterval(stall);
    clearTimeout(timer);
    sock.close();
  }
});
sock.connect(Number(port), address, () => {
  repeatUntil(() => sock.send(control(HELLO)), () => phase !== 'hello');
});
