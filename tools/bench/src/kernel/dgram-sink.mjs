// Receiver of the UDP throughput run, in namespace B: counts DATA datagrams, acknowledges
// every ACK_EVERY of them so the source can keep a bounded window in flight, and on FIN
// prints {"delivered", "userUs", "systemUs"} measured from HELLO to FIN.
// argv: address port deadlineMs
import dgram from 'node:dgram';
import { ACK, DATA, FIN, FIN_ACK, HELLO, HELLO_ACK, control, cpuSince, deadline } from './messages.mjs';

const ACK_EVERY = 64;
const [address, port, limit] = process.argv.slice(2);
const timer = deadline(Number(limit), 'dgram-sink');
// 4 MiB (the kernel caps it at net.core.rmem_max): the window never overflows it.
const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
let start;
let result;
let delivered = 0;
sock.on('message', (msg, peer) => {
  const kind = msg[0];
  if (kind === DATA) {
    delivered++;
    if (delivered % ACK_EVERY === 0) sock.send(control(ACK, delivered), peer.port, peer.address);
  } else if (kind === HELLO) {
    if (start === undefined) {
      start = process.cpuUsage();
      delivered = 0;
    }
    sock.send(control(HELLO_ACK), peer.port, peer.address);
  } else if (kind === FIN) {
    if (result === undefined) {
      result = { delivered, ...cpuSince(start) };
      process.stdout.write(JSON.stringify(result) + '\n');
      // Stay a moment to answer a repeated FIN, then go.
      setTimeout(() => {
        clearTimeout(timer);
        sock.close();
      }, 200);
    }
    sock.send(control(FIN_ACK, result.delivered), peer.port, peer.address);
  }
});
sock.bind(Number(port), address);
