import { Command } from 'commander';

export const serveCommand = new Command('serve')
  .description(
    'Serve GraphQL (POST /graphql, graphql-ws), the IDE, the probes and /metrics, as npm start does',
  )
  .action(async () => {
    // Loaded when chosen: the other verbs do without the server's modules (and their memory).
    const { serve } = await import('../server');
    await serve();
  });
