/**
 * The way to a target: direct, or through an HTTP forward proxy (lab BMCs often sit behind one). The agents are
 * the maintained ones for node:http (https-proxy-agent: CONNECT tunnel for https targets; http-proxy-agent:
 * absolute-form requests for http targets), and proxy-from-env reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and
 * their lower-case forms) the way curl and most tools do, so the client keeps its own evidence capture, timeouts,
 * TLS options and keep-alive retry, and nock still stands in for a target in tests.
 */
import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/** The profile's `proxy:` word for "direct, whatever the environment says". */
export const NO_PROXY = 'none';

/** TLS options of a target, as node:https takes them (also given per request: a tunnel's TLS reads them there). */
export interface AgentTls {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  rejectUnauthorized: boolean;
}

/**
 * The proxy a request to `url` goes through, or undefined for a direct connection. `setting` is the profile's
 * `proxy:` (a URL, or "none"); without one the environment decides (NO_PROXY included).
 */
export function proxyFor(url: string, setting?: string): URL | undefined {
  if (setting === NO_PROXY) return undefined;
  const chosen = setting ?? getProxyForUrl(url);
  if (!chosen) return undefined;
  try {
    return new URL(chosen);
  } catch {
    throw new Error(`proxy ${JSON.stringify(safeProxyLabel(chosen))} is not a URL`);
  }
}

/** The proxy for people and reports: scheme, host and port, never its credentials. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

function safeProxyLabel(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//');
}

/** The user name and password a proxy URL carries (URL-decoded), so the caller can mask them. */
export function proxyCredentials(proxy: URL): { username: string; password: string } | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  return { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
}

/** An agent for the target at `baseUrl`: a proxy agent when a proxy applies, node's own otherwise. */
export function targetAgent(
  baseUrl: string,
  tls: AgentTls,
  keepAlive: boolean,
  proxy: URL | undefined,
): http.Agent {
  const secure = baseUrl.startsWith('https:');
  if (proxy)
    return secure ? new HttpsProxyAgent(proxy, { keepAlive }) : new HttpProxyAgent(proxy, { keepAlive });
  return secure ? new https.Agent({ keepAlive, ...tls }) : new http.Agent({ keepAlive });
}
