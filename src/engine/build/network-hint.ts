// A RUN that failed on the network gets a hint about it: what the output says is matched against the messages of
// the common tools (busybox and GNU wget, curl, apt, npm/node, pip) for name resolution, connection and TLS trust.

const DNS = [
  /could not resolve host/i,
  /temporary failure in name resolution/i,
  /getaddrinfo (ENOTFOUND|EAI_AGAIN)/i,
  /\bEAI_AGAIN\b/,
  /bad address '/i,
  /name or service not known/i,
  /no address associated with hostname/i,
];
const CONNECT = [
  /connection refused/i,
  /\bECONNREFUSED\b/,
  /network is unreachable/i,
  /\bENETUNREACH\b/,
  /\bETIMEDOUT\b/,
  /connection timed out/i,
  /failed to connect to/i,
];
const TLS = [
  /SELF_SIGNED_CERT_IN_CHAIN/,
  /UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
  /unable to get local issuer certificate/i,
  /certificate verify failed/i,
  /self[- ]signed certificate in certificate chain/i,
  /server certificate verification failed/i,
];

/** The network hint for a failed RUN's output, or undefined when the output shows no network error. */
export function networkHint(output: string): string | undefined {
  if (TLS.some((r) => r.test(output))) {
    return (
      'the step failed on TLS trust: a proxy that intercepts HTTPS needs its CA trusted by the build. berthd gives RUN ' +
      "steps the host's CAs (system store, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE) unless BERTH_BUILD_HOST_CA=off; put " +
      "the proxy's CA in one of them (or name its file in BERTH_BUILD_HOST_CA) and restart berthd"
    );
  }
  if (DNS.some((r) => r.test(output))) {
    return (
      'the step could not resolve a host name: check the build network (--network), the DNS servers berthd gives ' +
      'containers, and whether the host needs a proxy (HTTP_PROXY/HTTPS_PROXY/NO_PROXY as --build-arg, or "proxies" ' +
      'in ~/.docker/config.json)'
    );
  }
  if (CONNECT.some((r) => r.test(output))) {
    return (
      'the step could not connect: check that the build network (--network) reaches the host it needs, and ' +
      'whether the host needs a proxy (HTTP_PROXY/HTTPS_PROXY/NO_PROXY as --build-arg, or "proxies" in ' +
      '~/.docker/config.json)'
    );
  }
  return undefined;
}
