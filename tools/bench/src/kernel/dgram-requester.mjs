// Client of the UDP round-trip run, in namespace A: after a HELLO handshake (which also
// resolves ARP), sends one 64-byte datagram on a connected socket and waits for its echo
// before sending the next, `count` times. Prints {"roundTrips", "userUs", "systemUs"}
// from HELLO_ACK to FIN_ACK. A lost datagram is not retried: the deadline ends the run.
// argv: address port count deadlineMs
import dgram from 'node:dgram';
import { DATA, FIN, FIN_ACK, HELLO, HELLO_ACK, control, cpuSince, deadline, repeatUntil } from './messages.mjs';

const [address, port, countArg, limit] = process.argv.slice(2);
const count = Number(countArg);
const timer = deadline(Number(limit), 'dgram-requester');
const request = Buffer.alloc(64, 0x5a);
request[0] = DATA;
const sock = dgram.createSocket('udp4');
let phase = 'hello';
let start;
let roundTrips = 0;

function finish() {
  phase = 'fin';
  repeatUntil(() => sock.send(control(FIN)), () => phase === 'done');
}

sock.on('error', (err) => {
  if (err.code !== 'ECONNREFUSED' || phase !== 'hello') throw err;
});
sock.on('message', (msg) => {
  const kind = msg[0];
  if (kind === DATA && phase === 'data') {
    roundTrips++;
    if (roundTrips < count) sock.send(request);
    else finish();
  } else if (kind === HELLO_ACK && phase === 'hello') {
    phase = 'data';
    start = process.cpuUsage();
    if (count > 0) sock.send(request);
    else finish();
  } else if (kind === FIN_ACK && phase === 'fin') {
    phase = 'done';
    process.stdout.write(JSON.stringify({ roundTrips, ...cpuSince(start) }) + '\n');
    clearTimeout(timer);
    sock.close();
  }
});
sock.connect(Number(port), address, () => {
  repeatUntil(() => sock.send(control(HELLO)), () => phase !== 'hello');
});
