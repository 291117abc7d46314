// The pure parts of builds on real networks: combining the host's CA files, the variables a RUN gets, berthd's
// setting from its environment, the docker CLI's proxies as build args, and the hint for a RUN that failed on
// the network.
import { describe, expect, it } from 'vitest';
import { CA_BUNDLE_PATH, combinePem, hostTrustFromEnv, trustEnv } from '../../../src/engine/build/host-trust.js';
import { networkHint } from '../../../src/engine/build/network-hint.js';
import { withProxyArgs } from '../../../src/client/docker-proxies.js';

const cert = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

describe('host trust for RUN steps', () => {
  it('combines certificates in order, each once, without other PEM blocks', () => {
    const system = `# system\n${cert('AAAA')}\n${cert('BBBB')}\n`;
    const extra = `${cert('BBBB')}\r\n-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n${cert('PROXY')}\n`;
    expect(combinePem([system, extra, ''])).toBe(`${cert('AAAA')}\n${cert('BBBB')}\n${cert('PROXY')}\n`);
    expect(combinePem(['no certificate here'])).toBe('');
  });

  it("points the tools at the bundle unless the image's ENV sets the variable", () => {
    expect(trustEnv(['PATH=/bin', 'SSL_CERT_FILE=/mine.pem'])).toEqual([
      `NODE_EXTRA_CA_CERTS=${CA_BUNDLE_PATH}`,
      `REQUESTS_CA_BUNDLE=${CA_BUNDLE_PATH}`,
      `CURL_CA_BUNDLE=${CA_BUNDLE_PATH}`,
    ]);
  });

  it("takes the host's system store and extra CA files by default; off or a list when set", () => {
    const auto = hostTrustFromEnv({ NODE_EXTRA_CA_CERTS: '/corp/proxy-ca.pem', SSL_CERT_FILE: '/corp/all.pem' });
    expect(auto.caFiles).toEqual(expect.arrayContaining(['/etc/ssl/certs/ca-certificates.crt', '/corp/proxy-ca.pem']));
    expect(auto.caFiles.at(-1)).toBe('/corp/all.pem');
    expect(hostTrustFromEnv({ BERTH_BUILD_HOST_CA: 'off', NODE_EXTRA_CA_CERTS: '/x.pem' }).caFiles).toEqual([]);
    expect(hostTrustFromEnv({ BERTH_BUILD_HOST_CA: '/a.pem:/b.pem' }).caFiles).toEqual(['/a.pem', '/b.pem']);
  });
});

describe("the docker CLI's proxies as build args", () => {
  const config = {
    proxies: {
      default: { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: 'localhost,.corp' },
      'unix:///other.sock': { httpsProxy: 'http://other:3128' },
    },
  };

  it('adds upper- and lower-case args from "default", never over a given arg', () => {
    expect(withProxyArgs({ no_proxy: 'mine', VERSION: '1' }, config)).toEqual({
      VERSION: '1',
      HTTP_PROXY: 'http://proxy:3128',
      http_proxy: 'http://proxy:3128',
      HTTPS_PROXY: 'http://proxy:3128',
      https_proxy: 'http://proxy:3128',
      NO_PROXY: 'localhost,.corp',
      no_proxy: 'mine',
    });
  });

  it("takes the engine host's own entry when there is one, and nothing from a config without proxies", () => {
    expect(withProxyArgs({}, config, 'unix:///other.sock')).toEqual({
      HTTPS_PROXY: 'http://other:3128',
      https_proxy: 'http://other:3128',
    });
    expect(withProxyArgs({ A: '1' }, undefined)).toEqual({ A: '1' });
    expect(withProxyArgs({}, { proxies: { default: 'nonsense' } })).toEqual({});
  });
});

describe('the hint for a RUN that failed on the network', () => {
  it('names TLS trust, name resolution or connection by what the tools print', () => {
    expect(networkHint('npm error code SELF_SIGNED_CERT_IN_CHAIN')).toMatch(/TLS trust.*BERTH_BUILD_HOST_CA/);
    expect(networkHint("wget: bad address 'registry.npmjs.org'")).toMatch(/could not resolve/);
    expect(networkHint('curl: (6) Could not resolve host: example.com')).toMatch(/could not resolve/);
    expect(networkHint('npm error getaddrinfo EAI_AGAIN registry.npmjs.org')).toMatch(/could not resolve/);
    expect(networkHint('curl: (7) Failed to connect to 10.0.0.1 port 443: Connection refused')).toMatch(
      /could not connect/,
    );
    expect(networkHint('make: *** [all] Error 2')).toBeUndefined();
  });
});
