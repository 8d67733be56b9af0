import { Command } from 'commander';

export const serveCommand = new Command('serve')
  .description(
    'Serve GraphQL (POST /graphql, graphql-ws), the IDE, the probes and /metrics, as npm start does',
  )
  .action(async () => {
    // Loaded only for `serve`: the other verbs need neither NestJS nor Apollo (the server's code
    // takes about 25 MB of heap; `audit export` runs in a small heap in its test).
    const { serve } = await import('../server');
    await serve();
  });
