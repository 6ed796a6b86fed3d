/**
 * The ports `npm run dev` listens on (wrangler.toml and the README repeat them). All lie below 32768,
 * outside every system's ephemeral range (Linux 32768-60999, macOS and Windows 49152-65535): a port
 * the OS hands out to an outgoing connection or a port-0 listener can never be one of them, so a
 * busy machine (the test suite opens thousands of loopback connections) cannot hold one by chance.
 */
export const devPorts = { http: 8787, postgres: 15432, endpoint: 15433, dgii: 15434, messaging: 15435 } as const;
