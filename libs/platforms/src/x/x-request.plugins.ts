import type { ITwitterApiClientPlugin } from 'twitter-api-v2';

/** twitter-api-v2 has no timeout by default and the high-level methods expose none; every call gets this one. */
export function timeoutPlugin(timeoutMs: number): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig: ({ params }) => {
      params.timeout = timeoutMs;
    },
  };
}

/**
 * Sends every request to `target`'s origin (its path is ignored), keeping X's own paths. It must run in
 * `onBeforeRequest`: by then the body encoding was chosen from the real X URL, so the wire format is what X would get
 * (rewriting earlier breaks media upload encodings, see platform-apis.md §0.1).
 */
export function redirectPlugin(target: URL): ITwitterApiClientPlugin {
  return {
    onBeforeRequest: ({ computedParams }) => {
      const url = computedParams.url;
      url.protocol = target.protocol;
      url.hostname = target.hostname;
      url.port = target.port;
    },
  };
}
