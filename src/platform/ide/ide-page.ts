/** Where the IDE's own files are served. */
export const ASSETS_PATH = '/ide/assets';

/** The IDE page: a bearer token field above GraphiQL, everything loaded from this server. */
export const idePage = (): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>partner-ledger GraphQL</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/graphiql.min.css" />
    <link rel="stylesheet" href="${ASSETS_PATH}/ide.css" />
  </head>
  <body>
    <form id="auth" autocomplete="off">
      <label for="token">Bearer token</label>
      <input id="token" name="token" type="password" spellcheck="false"
        placeholder="paste a token (npm run -s token, or npm run -s demo); sent as Authorization: Bearer …" />
      <span id="who" aria-live="polite"></span>
    </form>
    <div id="graphiql">Loading…</div>
    <script src="${ASSETS_PATH}/react.production.min.js"></script>
    <script src="${ASSETS_PATH}/react-dom.production.min.js"></script>
    <script src="${ASSETS_PATH}/graphiql.min.js"></script>
    <script src="${ASSETS_PATH}/ide.js"></script>
  </body>
</html>
`;

export const ideStyles = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#auth { display: flex; gap: 0.5em; align-items: center; padding: 0.4em 0.8em; border-bottom: 1px solid #ddd; }
#auth input { flex: 1; font-family: monospace; padding: 0.3em; }
#who { color: #555; font-size: 0.9em; }
#graphiql { flex: 1; min-height: 0; }
`;

/**
 * Runs GraphiQL with a fetcher that adds the pasted token to each request (and to a subscription's
 * connection_init). The token is kept in this tab's sessionStorage only; `?query=` prefills the
 * editor.
 */
export const ideScript = `(() => {
  const input = document.getElementById('token');
  const who = document.getElementById('who');
  const KEY = 'partner-ledger:token';
  const token = () => input.value.trim().replace(/^Bearer\\s+/i, '');
  const describe = () => {
    const parts = token().split('.');
    if (parts.length !== 3) return (who.textContent = token() ? 'not a JWT' : 'anonymous');
    try {
      const claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
      who.textContent = [claims.name || claims.sub, claims.tenant_name || claims.tid, (claims.roles || []).join(',')].filter(Boolean).join(' · ');
    } catch {
      who.textContent = 'not a JWT';
    }
  };
  input.value = sessionStorage.getItem(KEY) || '';
  describe();
  input.addEventListener('input', () => {
    sessionStorage.setItem(KEY, input.value);
    describe();
  });
  document.getElementById('auth').addEventListener('submit', (event) => event.preventDefault());
  const url = new URL('/graphql', location.href);
  const wsUrl = new URL(url);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const fetcher = (params, options) => {
    const authorization = token() ? 'Bearer ' + token() : undefined;
    return GraphiQL.createFetcher({
      url: url.href,
      subscriptionUrl: wsUrl.href,
      headers: authorization ? { authorization } : {},
      wsConnectionParams: authorization ? { authorization } : {},
    })(params, options);
  };
  const query = new URLSearchParams(location.search).get('query');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: query || '# Paste a token above, then run a query, e.g.\\n{ me { userId name tenantId roles } }\\n',
      ...(query ? { query } : {}),
    }),
  );
})();
`;
