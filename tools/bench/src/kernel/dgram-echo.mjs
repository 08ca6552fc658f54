// Server of the UDP round-trip run, in namespace B: sends every DATA datagram back to
// where it came from (sendto on an unconnected socket, as an echo server does). Prints
// {"echoed", "userUs", "systemUs"} measured from HELLO to FIN.
// argv: address port deadlineMs
import dgram from 'node:dgram';
import { DATA, FIN, FIN_ACK, HELLO, HELLO_ACK, control, cpuSince, deadline } from './messages.mjs';

const [address, port, limit] = process.argv.slice(2);
const timer = deadline(Number(limit), 'dgram-echo');
const sock = dgram.createSocket('udp4');
let start;
let result;
let echoed = 0;
sock.on('message', (msg, peer) => {
  const kind = msg[0];
  if (kind === DATA) {
    sock.send(msg, peer.port, peer.address);
    echoed++;
  } else if (kind === HELLO) {
    if (start === undefined) {
      start = process.cpuUsage();
      echoed = 0;
    }
    sock.send(control(HELLO_ACK), peer.port, peer.address);
  } else if (kind === FIN) {
    if (result === undefined) {
      result = { echoed, ...cpuSince(start) };
      process.stdout.write(JSON.stringify(result) + '\n');
      setTimeout(() => {
        clearTimeout(timer);
        sock.close();
      }, 200);
    }
    sock.send(control(FIN_ACK, result.echoed), peer.port, peer.address);
  }
});
sock.bind(Number(port), address);
