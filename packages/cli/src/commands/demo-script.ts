/**
 * The session `netstage demo` plays: two hosts and a router in three namespaces.
 *
 * @module
 */

/**
 * The demo's script: h1 — r — h2 over two veth pairs, addresses, default routes,
 * forwarding on r, a ping across, a UDP exchange with `nc`, then `/proc/net/dev` and `ss`
 * inside each namespace. TCP joins when it exists.
 *
 * @example
 * ```ts
 * import { demoScript } from '@netstage/cli';
 * demoScript.includes('ip netns add r'); // true
 * ```
 */
export const demoScript = `# Three namespaces: two hosts and a router between them.
ip netns add h1
ip netns add r
ip netns add h2
# Two veth pairs: h1's eth0 to r's r-h1, and h2's eth0 to r's r-h2.
ip -n h1 link add eth0 type veth peer name r-h1 netns r
ip -n h2 link add eth0 type veth peer name r-h2 netns r
ip -n h1 addr add 10.0.1.2/24 dev eth0
ip -n r addr add 10.0.1.1/24 dev r-h1
ip -n r addr add 10.0.2.1/24 dev r-h2
ip -n h2 addr add 10.0.2.2/24 dev eth0
ip -n h1 link set lo up
ip -n h1 link set eth0 up
ip -n r link set lo up
ip -n r link set r-h1 up
ip -n r link set r-h2 up
ip -n h2 link set lo up
ip -n h2 link set eth0 up
ip -n h1 route add default via 10.0.1.1
ip -n h2 route add default via 10.0.2.1
# The router forwards between its two links.
ip netns exec r sysctl -w net.ipv4.ip_forward=1
ip -n h1 addr show dev eth0
ip -n h1 route
# Across the router: ping from h1 to h2.
ip netns exec h1 ping -c 2 10.0.2.2
ip -n h1 neigh
# A line of text over UDP: h2 listens, h1 sends.
ip netns exec h2 nc -u -l -W 1 4000 &
ip netns exec h2 ss -uan
echo 'hello from h1' | ip netns exec h1 nc -u -w 1 10.0.2.2 4000
wait
# What each namespace sees.
ip netns exec r cat /proc/net/dev
ip netns exec h2 cat /proc/net/snmp | grep '^Udp:'
ip netns list
`;
