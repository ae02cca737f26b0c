/** proxy-from-env ships no types: the one function certconform uses. */
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from HTTP(S)_PROXY / ALL_PROXY and NO_PROXY (either case); "" for none. */
  export function getProxyForUrl(url: string | URL): string;
}
